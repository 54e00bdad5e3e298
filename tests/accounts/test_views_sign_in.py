"""Sign-up, log-in, log-out, failed log-ins and passwords."""

import re
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tests.accounts.conftest import PASSWORD
from tests.accounts.pages import (
    FAVOURITES_URL,
    FOR_YOU_URL,
    HISTORY_URL,
    LOGIN_URL,
    SIGN_UP_URL,
    login_redirect,
    sign_up_data,
)

# Sign-up


def test_sign_up_creates_the_account_logs_in_and_goes_to_for_you(client, db):
    response = client.post(SIGN_UP_URL, sign_up_data())

    assert response.status_code == 302
    assert response.url == FOR_YOU_URL
    user = User.objects.get(username="carol")
    assert user.email == "carol@example.com"
    assert user.check_password(PASSWORD)
    assert client.get(FOR_YOU_URL).status_code == 200


def test_sign_up_follows_a_local_next(client, catalogue):
    song_url = catalogue["boxer"].get_absolute_url()

    response = client.post(f"{SIGN_UP_URL}?next={song_url}", sign_up_data())

    assert response.url == song_url


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"password1": "short", "password2": "short"}, "This password is too short"),
        ({"password1": "password123", "password2": "password123"}, "too common"),
        ({"password2": "something else"}, "didn’t match"),
        ({"username": "ALICE"}, "A user with that username already exists"),
        ({"email": "not an address"}, "Enter a valid email address"),
    ],
)
def test_sign_up_rejects_weak_passwords_and_taken_names(client, alice, overrides, message):
    response = client.post(SIGN_UP_URL, sign_up_data(**overrides))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(username="carol").exists()


def test_signed_in_people_skip_the_sign_up_page(alice_client):
    response = alice_client.get(SIGN_UP_URL)

    assert response.status_code == 302
    assert response.url == FOR_YOU_URL


# Log-in and log-out


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/steal",
        "//evil.example/steal",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
        "\\\\evil.example",
    ],
)
def test_log_in_never_follows_a_foreign_next(client, alice, next_url):
    response = client.post(LOGIN_URL, {"username": "alice", "password": PASSWORD, "next": next_url})

    assert response.status_code == 302
    assert response.url == FOR_YOU_URL


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example"])
def test_sign_up_never_follows_a_foreign_next(client, db, next_url):
    response = client.post(f"{SIGN_UP_URL}?next={quote(next_url)}", sign_up_data())

    assert response.url == FOR_YOU_URL


def test_wrong_password_says_so(client, alice):
    response = client.post(LOGIN_URL, {"username": "alice", "password": "wrong"})

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_log_out_takes_a_post_only(alice_client):
    assert alice_client.get(reverse("accounts:logout")).status_code == 405

    response = alice_client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response.url == reverse("catalog:home")
    assert alice_client.get(FOR_YOU_URL).status_code == 302


def test_header_shows_the_account_links_when_logged_in(alice_client):
    html = alice_client.get(reverse("catalog:home")).content.decode()

    for url in (FOR_YOU_URL, FAVOURITES_URL, HISTORY_URL, reverse("accounts:logout")):
        assert url in html
    assert f'href="{LOGIN_URL}"' not in html


# Failed log-ins


@pytest.fixture
def lockout_settings(settings):
    settings.SONGREC_LOGIN_FAILURES_PER_ACCOUNT = 3
    settings.SONGREC_LOGIN_FAILURES_PER_ADDRESS = 6
    settings.SONGREC_LOGIN_LOCKOUT_MINUTES = 15


def test_repeated_failures_lock_the_account_even_for_the_right_password(
    client, alice, bob, lockout_settings
):
    for _ in range(3):
        assert client.post(LOGIN_URL, {"username": "alice", "password": "x"}).status_code == 200

    refused = client.post(LOGIN_URL, {"username": "Alice", "password": PASSWORD})

    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Too many failed log-ins for this account. Try again in 15 minutes" in html
    assert "_auth_user_id" not in client.session
    # Another account from the same address still gets in.
    assert client.post(LOGIN_URL, {"username": "bob", "password": PASSWORD}).status_code == 302


def test_repeated_failures_from_one_address_lock_it_for_every_account(alice, bob, lockout_settings):
    attacker, neighbour = Client(REMOTE_ADDR="203.0.113.7"), Client(REMOTE_ADDR="203.0.113.8")
    for number in range(6):
        attacker.post(LOGIN_URL, {"username": f"guess{number}", "password": "x"})

    refused = attacker.post(LOGIN_URL, {"username": "bob", "password": PASSWORD})

    assert refused.status_code == 429
    assert "Too many failed log-ins from your network" in refused.content.decode()
    assert neighbour.post(LOGIN_URL, {"username": "bob", "password": PASSWORD}).status_code == 302


def test_behind_a_proxy_the_forwarded_client_address_is_locked(
    alice, bob, lockout_settings, settings
):
    settings.SONGREC_PROXY_COUNT = 1
    settings.SONGREC_TRUSTED_PROXIES = ["192.0.2.0/24"]
    proxy = "192.0.2.2"  # every request reaches the site from the proxy
    # The attacker sends its own X-Forwarded-For entry; the proxy appends the real address.
    attacker = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7")
    neighbour = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.8")
    for number in range(6):
        attacker.post(LOGIN_URL, {"username": f"guess{number}", "password": "x"})

    assert attacker.post(LOGIN_URL, {"username": "bob", "password": PASSWORD}).status_code == 429
    spoofing = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.7")
    assert spoofing.post(LOGIN_URL, {"username": "bob", "password": PASSWORD}).status_code == 429
    assert neighbour.post(LOGIN_URL, {"username": "bob", "password": PASSWORD}).status_code == 302


def test_a_post_without_a_password_neither_counts_nor_resets(client, alice, lockout_settings):
    for _ in range(2):
        client.post(LOGIN_URL, {"username": "alice", "password": "x"})
    client.post(LOGIN_URL, {"username": "alice", "password": ""})
    client.post(LOGIN_URL, {"username": "alice", "password": "x"})

    refused = client.post(LOGIN_URL, {"username": "alice", "password": PASSWORD})

    assert refused.status_code == 429


def test_a_successful_log_in_resets_the_accounts_count(client, alice, lockout_settings):
    for _ in range(2):
        client.post(LOGIN_URL, {"username": "alice", "password": "x"})
    assert client.post(LOGIN_URL, {"username": "alice", "password": PASSWORD}).status_code == 302
    client.post(reverse("accounts:logout"))

    for _ in range(2):
        client.post(LOGIN_URL, {"username": "alice", "password": "x"})

    assert client.post(LOGIN_URL, {"username": "alice", "password": PASSWORD}).status_code == 302


# Passwords


def test_password_change_needs_the_old_password(alice_client, alice):
    url = reverse("accounts:password_change")
    assert Client().get(url).url == login_redirect(url)

    wrong = alice_client.post(
        url, {"old_password": "nope", "new_password1": "n3w pass phrase", "new_password2": "x"}
    )
    assert wrong.status_code == 200
    response = alice_client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "a n3w pass phrase",
            "new_password2": "a n3w pass phrase",
        },
    )

    assert response.url == reverse("accounts:password_change_done")
    alice.refresh_from_db()
    assert alice.check_password("a n3w pass phrase")
    assert alice_client.get(FOR_YOU_URL).status_code == 200  # still logged in


def test_password_reset_mails_a_link_that_sets_a_new_password(client, alice, mailoutbox):
    response = client.post(reverse("accounts:password_reset"), {"email": "ALICE@example.com"})

    assert response.url == reverse("accounts:password_reset_done")
    [message] = mailoutbox
    assert message.to == ["alice@example.com"]
    assert message.subject == "Reset your songrec password"
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a n3w pass phrase", "new_password2": "a n3w pass phrase"},
    )
    assert done.url == reverse("accounts:password_reset_complete")
    alice.refresh_from_db()
    assert alice.check_password("a n3w pass phrase")
    assert "no longer works" in client.get(link, follow=True).content.decode()


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(
    client, alice, mailoutbox
):
    response = client.post(reverse("accounts:password_reset"), {"email": "who@example.com"})

    assert response.url == reverse("accounts:password_reset_done")
    assert mailoutbox == []
