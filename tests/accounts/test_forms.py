"""The account forms: where password rule errors show, and the log-in form's lock under
simultaneous attempts, against real PostgreSQL."""

import threading

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.forms import SignUpForm, ThrottledAuthenticationForm
from accounts.models import LoginFailure
from tests.accounts.conftest import PASSWORD

ATTEMPTS = 16
# Breaks two of the rules (too short, entirely numeric), and is typed the same twice.
WEAK = "1234"


def test_sign_up_says_what_breaks_the_rules_under_the_password(db) -> None:
    form = SignUpForm(
        data={"username": "erin", "email": "erin@example.com", "password1": WEAK, "password2": WEAK}
    )

    assert not form.is_valid()
    assert (
        "This password is too short. It must contain at least 8 characters."
        in (form.errors["password1"])
    )
    assert "password2" not in form.errors


def test_a_mismatch_is_still_said_under_the_confirmation(db) -> None:
    form = SignUpForm(
        data={
            "username": "erin",
            "email": "erin@example.com",
            "password1": "correct horse battery staple",
            "password2": "correct horse battery stapler",
        }
    )

    assert not form.is_valid()
    assert list(form.errors) == ["password2"]


def test_a_password_change_says_what_breaks_the_rules_under_the_new_password(alice_client):
    response = alice_client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": WEAK, "new_password2": WEAK},
    )

    form = response.context["form"]
    assert form.errors["new_password1"] and "new_password2" not in form.errors


def test_a_new_password_after_a_reset_says_what_breaks_the_rules_under_it(client, alice):
    url = reverse(
        "accounts:password_reset_confirm",
        args=[
            urlsafe_base64_encode(force_bytes(alice.pk)),
            default_token_generator.make_token(alice),
        ],
    )
    form_url = client.get(url)["Location"]

    response = client.post(form_url, {"new_password1": WEAK, "new_password2": WEAK})

    form = response.context["form"]
    assert form.errors["new_password1"] and "new_password2" not in form.errors


class CountingBackend(ModelBackend):
    """Django's backend, counting the passwords it is asked to check."""

    checks = 0
    _lock = threading.Lock()

    def authenticate(self, request, username=None, password=None, **kwargs):
        with CountingBackend._lock:
            CountingBackend.checks += 1
        return super().authenticate(request, username=username, password=password, **kwargs)


@pytest.fixture
def counting_backend(settings):
    settings.AUTHENTICATION_BACKENDS = [f"{__name__}.CountingBackend"]
    CountingBackend.checks = 0
    return CountingBackend


def attempt_all_at_once(username: str, password: str, count: int) -> list[bool]:
    """`count` log-in forms for `username` checked by as many threads, released together."""
    start = threading.Barrier(count)
    results: list[bool] = []

    def attempt(number: int) -> None:
        request = RequestFactory().post("/", REMOTE_ADDR=f"198.51.100.{number}")
        form = ThrottledAuthenticationForm(
            request, data={"username": username, "password": password}
        )
        try:
            start.wait()
            results.append(form.is_valid())
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_simultaneous_wrong_passwords_check_no_more_than_the_limit(settings, counting_backend):
    settings.SONGREC_LOGIN_FAILURES_PER_ACCOUNT = 5
    User.objects.create_user("alice", "alice@example.com", "correct horse battery staple")

    results = attempt_all_at_once("alice", "wrong", ATTEMPTS)

    assert results == [False] * ATTEMPTS
    assert counting_backend.checks == 5
    assert LoginFailure.objects.filter(username="alice").count() == 5


@pytest.mark.django_db(transaction=True)
def test_a_success_among_simultaneous_attempts_clears_the_count(settings, counting_backend):
    settings.SONGREC_LOGIN_FAILURES_PER_ACCOUNT = 5
    User.objects.create_user("alice", "alice@example.com", "correct horse battery staple")

    results = attempt_all_at_once("alice", "correct horse battery staple", 3)

    assert results == [True] * 3
    assert counting_backend.checks == 3
    assert not LoginFailure.objects.exists()
