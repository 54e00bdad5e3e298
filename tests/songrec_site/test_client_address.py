"""The client address: validated once, X-Forwarded-For believed from trusted proxies only."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import LoginFailure
from songrec_site.client_address import InvalidAddress, parse_address

LOGIN_URL = reverse("accounts:login")


@pytest.fixture
def behind_caddy(settings):
    """Production's shape: one proxy, connecting over loopback."""
    settings.SONGREC_PROXY_COUNT = 1
    settings.SONGREC_TRUSTED_PROXIES = ["127.0.0.0/8", "::1"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SONGREC_LOGIN_FAILURES_PER_ACCOUNT = 100
    settings.SONGREC_LOGIN_FAILURES_PER_ADDRESS = 3


def failed_log_in(client: Client) -> int:
    return client.post(LOGIN_URL, {"username": "nobody", "password": "wrong"}).status_code


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("203.0.113.7", "203.0.113.7"),
        (" 203.0.113.7 ", "203.0.113.7"),
        ("203.0.113.7:5555", "203.0.113.7"),
        ("2001:db8::1", "2001:db8::1"),
        ("2001:DB8:0::1", "2001:db8::1"),
        ("[2001:db8::1]", "2001:db8::1"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
    ],
)
def test_addresses_are_normalised_and_lose_their_port(text, address):
    assert parse_address(text) == address


@pytest.mark.parametrize(
    "text",
    [
        "",
        "unknown",
        "1.2.3.4.5",
        "1.2.3.4:",
        "1.2.3.4:port",
        "1.2.3.4:123456",
        "[::1",
        "[::1]x",
        "2001:db8::1:80x",
        "fe80::1%eth0",
        "203.0.113.7, 198.51.100.1",
        "<script>",
    ],
)
def test_anything_else_is_not_an_address(text):
    with pytest.raises(InvalidAddress):
        parse_address(text)


def test_a_forwarded_address_with_a_port_is_counted_not_a_server_error(db, behind_caddy):
    client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4:5555")

    assert failed_log_in(client) == 200

    assert list(LoginFailure.objects.values_list("address", flat=True)) == ["1.2.3.4"]


def test_an_invalid_forwarded_address_is_a_bad_request(db, behind_caddy):
    client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, not-an-address")

    response = client.get(reverse("catalog:home"))

    assert response.status_code == 400
    assert "not an IP address" in response.content.decode()
    assert failed_log_in(client) == 400
    assert not LoginFailure.objects.exists()


def test_a_client_reaching_the_server_directly_cannot_choose_its_address(db, behind_caddy):
    """Rotating X-Forwarded-For from an untrusted peer changes nothing: its own address is
    counted, and locked."""
    statuses = [
        failed_log_in(Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"))
        for n in range(5)
    ]

    assert statuses == [200, 200, 200, 429, 429]
    assert set(LoginFailure.objects.values_list("address", flat=True)) == {"203.0.113.9"}


def test_behind_the_trusted_proxy_each_client_is_counted_apart(db, behind_caddy):
    for n in range(5):
        proxied = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        assert failed_log_in(proxied) == 200

    # The proxy's own requests (no header) are its own address.
    assert failed_log_in(Client(REMOTE_ADDR="127.0.0.1")) == 200
    assert LoginFailure.objects.filter(address="127.0.0.1").count() == 1


def test_without_proxies_the_header_is_ignored(db, behind_caddy, settings):
    settings.SONGREC_PROXY_COUNT = 0
    client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="nonsense")

    assert failed_log_in(client) == 200

    assert list(LoginFailure.objects.values_list("address", flat=True)) == ["127.0.0.1"]


@pytest.mark.parametrize(("peer", "believed"), [("192.0.2.10", True), ("8.8.4.4", False)])
def test_private_trusts_every_address_not_routed_on_the_internet(
    db, behind_caddy, settings, peer, believed
):
    settings.SONGREC_TRUSTED_PROXIES = ["private"]
    client = Client(REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR="198.51.100.4")

    failed_log_in(client)

    assert LoginFailure.objects.get().address == ("198.51.100.4" if believed else peer)


def test_the_validated_address_is_what_the_site_reads(db, behind_caddy):
    client = Client(REMOTE_ADDR="::1", HTTP_X_FORWARDED_FOR="[2001:DB8::7]:1234")

    failed_log_in(client)

    assert LoginFailure.objects.get().address == "2001:db8::7"


def test_the_address_is_set_before_anything_that_reads_it(settings):
    order = settings.MIDDLEWARE
    mine = order.index("songrec_site.client_address.ClientAddressMiddleware")

    # After the health check and what only rewrites answers (headers, JSON errors).
    assert order[:mine] == [
        "songrec_site.health.HealthCheckMiddleware",
        "songrec_site.csp.ContentSecurityPolicyMiddleware",
        "songrec_site.api_errors.JsonApiErrorsMiddleware",
    ]
    assert mine < order.index("songrec_site.page_cache.AnonymousPageCacheMiddleware")
