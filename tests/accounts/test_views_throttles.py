"""Sign-up and password resets: limits per client and e-mail address, and a sign-up that does
not say which e-mail addresses have accounts."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from accounts.models import ThrottledRequest
from tests.accounts.pages import FOR_YOU_URL, LOGIN_URL, SIGN_UP_URL, sign_up_data

RESET_URL = reverse("accounts:password_reset")


@pytest.fixture
def limits(settings):
    settings.SONGREC_PASSWORD_RESETS_PER_ADDRESS = 4
    settings.SONGREC_PASSWORD_RESETS_PER_EMAIL = 2
    settings.SONGREC_SIGN_UPS_PER_ADDRESS = 3
    settings.SONGREC_THROTTLE_WINDOW_MINUTES = 60


# Sign-up with an e-mail address in use


def test_sign_up_with_a_used_address_makes_no_account_and_tells_its_owner(
    client, alice, mailoutbox
):
    response = client.post(SIGN_UP_URL, sign_up_data(email="Alice@Example.com"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Check your e-mail" in html
    assert "already" not in html
    assert not User.objects.filter(username="carol").exists()
    assert "_auth_user_id" not in client.session
    [message] = mailoutbox
    assert message.to == ["Alice@example.com"]
    assert "Someone tried to sign up" in message.body
    assert f"http://testserver{LOGIN_URL}" in message.body
    assert f"http://testserver{RESET_URL}" in message.body


def test_a_used_address_looks_like_a_free_one_on_the_form(client, alice):
    """Mistakes elsewhere on the form show the form again, the same whether or not an account
    uses the address: it is not checked until the form is otherwise right."""
    taken = client.post(SIGN_UP_URL, sign_up_data(email="alice@example.com", password2="x"))
    free = client.post(SIGN_UP_URL, sign_up_data(email="nobody@example.com", password2="x"))

    def errors(response) -> list[str]:
        return re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode())

    assert taken.status_code == free.status_code == 200
    assert errors(taken) == errors(free)
    assert "match" in "".join(errors(taken))
    assert "e-mail address" not in "".join(errors(taken))


def test_a_new_address_still_signs_up_and_logs_in_at_once(client, db):
    response = client.post(SIGN_UP_URL, sign_up_data())

    assert response.url == FOR_YOU_URL
    assert client.get(FOR_YOU_URL).status_code == 200


# Throttles


def test_sign_ups_are_limited_per_client_address(db, limits, mailoutbox):
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    statuses = [
        attacker.post(SIGN_UP_URL, sign_up_data(username=f"probe{n}", password2="x")).status_code
        for n in range(4)
    ]

    refused = attacker.post(SIGN_UP_URL, sign_up_data())

    assert statuses == [200, 200, 200, 429]
    assert refused.status_code == 429
    assert "Too many sign-ups from your network" in refused.content.decode()
    assert not User.objects.exists()
    other = Client(REMOTE_ADDR="203.0.113.8")
    assert other.post(SIGN_UP_URL, sign_up_data()).url == FOR_YOU_URL


def test_password_resets_are_limited_per_email_address(alice, limits, mailoutbox):
    statuses = [
        Client(REMOTE_ADDR=f"203.0.113.{n}").post(RESET_URL, {"email": "ALICE@example.com"})
        for n in range(5)
    ]

    assert [response.status_code for response in statuses] == [302, 302, 429, 429, 429]
    assert len(mailoutbox) == 2
    html = statuses[-1].content.decode()
    assert "Too many password resets" in html
    assert "Try again in 60 minutes" in html


def test_password_resets_are_limited_per_client_address(alice, bob, limits, mailoutbox):
    client = Client(REMOTE_ADDR="203.0.113.7")
    emails = ["who@example.com", "alice@example.com", "what@example.com", "bob@example.com"]
    for email in emails:
        assert client.post(RESET_URL, {"email": email}).status_code == 302

    refused = client.post(RESET_URL, {"email": "alice@example.com"})

    assert refused.status_code == 429
    assert len(mailoutbox) == 2
    assert ThrottledRequest.objects.filter(key="203.0.113.7").count() == 4


def test_requests_older_than_the_window_no_longer_count(alice, limits, mailoutbox):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(2):
        client.post(RESET_URL, {"email": "alice@example.com"})
    assert client.post(RESET_URL, {"email": "alice@example.com"}).status_code == 429

    ThrottledRequest.objects.update(created_at="2000-01-01T00:00:00Z")

    assert client.post(RESET_URL, {"email": "alice@example.com"}).status_code == 302
    assert len(mailoutbox) == 3
    assert ThrottledRequest.objects.count() == 2
