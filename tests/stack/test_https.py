"""The https profile: Caddy with its internal CA in front of web, on loopback ports."""

import ssl
import subprocess
import urllib.parse

import pytest

from tests.processes import wait_for
from tests.stack.client import Browser
from tests.stack.conftest import ADMIN, Site, Stack

HTTPS = "https://localhost:18443"
HTTP = "http://localhost:18080"
# What a client writes into X-Forwarded-For itself, hoping to be counted as someone else.
FORGED = "203.0.113.9"
LOCKED_CLIENT, OTHER_CLIENT = "127.0.0.5", "127.0.0.6"


def trusting(stack: Stack) -> ssl.SSLContext | None:
    """A context that trusts the root of Caddy's internal CA, once Caddy has made it."""
    (container_id,) = stack.compose("ps", "-q", "caddy").split()
    root = stack.directory / "caddy-root.crt"
    copied = subprocess.run(
        ["docker", "cp", f"{container_id}:/data/caddy/pki/authorities/local/root.crt", str(root)],
        capture_output=True,
    )
    if copied.returncode != 0:
        return None
    context = ssl.create_default_context(cafile=str(root))
    try:
        Browser(HTTPS, context=context).get("/healthz")
    except OSError:
        return None
    return context


@pytest.fixture(scope="module")
def tls(stack: Stack, site: Site) -> ssl.SSLContext:
    stack.compose("--profile", "https", "up", "-d", "--no-build", "caddy")
    return wait_for(lambda: trusting(stack), timeout=60, what="Caddy to serve HTTPS")


def test_plain_http_is_redirected_to_https(tls) -> None:
    reply = Browser(HTTP, follow=False).get("/search?q=love")
    assert reply.status in (301, 308)
    # Caddy 2.6 leaves a port other than 443 out of the redirect; on the VM it is 443.
    location = urllib.parse.urlsplit(reply.headers["Location"])
    assert (location.scheme, location.hostname) == ("https", "localhost")
    assert (location.path, location.query) == ("/search", "q=love")


def test_https_pages_carry_hsts(tls) -> None:
    reply = Browser(HTTPS, context=tls).get("/")
    assert reply.status == 200
    assert "max-age=31536000" in reply.headers["Strict-Transport-Security"]


def test_logging_in_through_caddy_sets_secure_cookies(tls, site: Site) -> None:
    browser = Browser(HTTPS, context=tls)
    logged_in = browser.log_in(*ADMIN)
    assert logged_in.status == 200
    assert browser.cookie("sessionid").secure
    assert browser.cookie("csrftoken").secure
    favourites = browser.get("/favourites/")
    assert favourites.url == f"{HTTPS}/favourites/"
    assert f"/songs/{site.song_id}/" in favourites.text


def test_the_log_in_lock_counts_the_address_caddy_saw(stack: Stack, tls) -> None:
    attacker = Browser(
        HTTPS, context=tls, source=LOCKED_CLIENT, headers={"X-Forwarded-For": FORGED}
    )
    limit = 20  # SONGREC_LOGIN_FAILURES_PER_ADDRESS's default
    for attempt in range(limit):
        refused = attacker.log_in(f"nobody-{attempt}", "wrong password")
        assert "Please enter a correct username and password" in refused.text

    addresses = stack.query(
        "SELECT DISTINCT host(address) FROM accounts_loginfailure WHERE username LIKE %s",
        ("nobody-%",),
    )
    assert addresses == [(LOCKED_CLIENT,)]
    locked = attacker.log_in(*ADMIN)
    assert attacker.cookie("sessionid") is None
    assert "Too many failed log-ins from your network" in locked.text

    someone_else = Browser(HTTPS, context=tls, source=OTHER_CLIENT)
    someone_else.log_in(*ADMIN)
    assert someone_else.cookie("sessionid") is not None
