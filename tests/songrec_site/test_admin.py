"""The admin's log-in goes through the site's log-in locks."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from accounts.models import LoginFailure

ADMIN_LOGIN_URL = reverse("admin:login")
SITE_LOGIN_URL = reverse("accounts:login")
PASSWORD = "a-long-staff-password-1"


@pytest.fixture
def staff(db, settings) -> User:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SONGREC_LOGIN_FAILURES_PER_ACCOUNT = 3
    settings.SONGREC_LOGIN_FAILURES_PER_ADDRESS = 50
    return User.objects.create_user("staffer", "staff@example.com", PASSWORD, is_staff=True)


def admin_log_in(client: Client, password: str, username: str = "staffer"):
    return client.post(
        ADMIN_LOGIN_URL, {"username": username, "password": password, "next": "/admin/"}
    )


def test_wrong_admin_passwords_are_counted_and_lock_the_account(client, staff):
    for _ in range(3):
        assert admin_log_in(client, "wrong").status_code == 200

    refused = admin_log_in(client, PASSWORD)

    assert LoginFailure.objects.filter(username="staffer").count() == 3
    assert refused.status_code == 429
    assert "Too many failed log-ins for this account" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_a_lock_from_the_site_log_in_holds_on_the_admin_and_back(client, staff):
    for _ in range(3):
        client.post(SITE_LOGIN_URL, {"username": "staffer", "password": "wrong"})

    assert admin_log_in(client, PASSWORD).status_code == 429
    assert (
        client.post(SITE_LOGIN_URL, {"username": "staffer", "password": PASSWORD}).status_code
        == 429
    )


def test_the_right_password_logs_staff_in_and_clears_the_count(client, staff):
    admin_log_in(client, "wrong")

    response = admin_log_in(client, PASSWORD)

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert not LoginFailure.objects.exists()


def test_a_non_staff_account_is_refused_and_counted(client, staff):
    User.objects.create_user("visitor", "visitor@example.com", PASSWORD)

    response = admin_log_in(client, PASSWORD, username="visitor")

    assert response.status_code == 200
    assert "staff account" in response.content.decode()
    assert LoginFailure.objects.filter(username="visitor").count() == 1
