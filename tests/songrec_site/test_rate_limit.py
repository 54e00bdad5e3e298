"""Searches are counted per client address; past the rate, 429 with Retry-After."""

import logging

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import resolve, reverse

from songrec_site.rate_limit import client_key, parse_rate
from tests.catalog.conftest import create_song
from tests.songrec_site.test_health import closed_port

AUTOCOMPLETE_URL = reverse("api:autocomplete")
SEARCH_URL = reverse("catalog:search")
API_SEARCH_URL = reverse("api:search")


@pytest.fixture
def limits(settings, db):
    """Three autocompletes a minute, two searches an hour; a song to find."""
    settings.SONGREC_RATE_LIMITS = {
        "api:autocomplete": "3/m",
        "catalog:search": "2/h",
        "api:search": "2/h",
    }
    create_song("Simon & Garfunkel", "The Boxer", 250)


def autocomplete(client, text: str, address: str = "192.0.2.1"):
    return client.get(AUTOCOMPLETE_URL, {"q": text}, REMOTE_ADDR=address)


def test_autocomplete_past_the_rate_is_a_json_429_with_retry_after(client, limits):
    answers = [autocomplete(client, f"box{number}") for number in range(4)]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused["Cache-Control"] == "no-store"
    assert refused.json() == {
        "error": f"Too many requests: try again in {refused['Retry-After']} seconds."
    }


def test_each_address_has_its_own_count(client, limits):
    for number in range(4):
        autocomplete(client, f"box{number}")

    assert autocomplete(client, "boxer", address="192.0.2.2").status_code == 200
    assert autocomplete(client, "simon").status_code == 429


def test_ipv6_addresses_count_by_their_64_network(client, limits):
    for number in range(3):
        autocomplete(client, f"box{number}", address=f"2001:db8:1:2::{number + 1}")

    assert autocomplete(client, "boxer", address="2001:db8:1:2:ffff::9").status_code == 429
    assert autocomplete(client, "boxer", address="2001:db8:1:3::1").status_code == 200


def test_search_page_past_the_rate_is_a_short_html_429(client, limits):
    answers = [client.get(SEARCH_URL, {"q": f"boxer {number}"}) for number in range(3)]

    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert answers[-1]["Content-Type"].startswith("text/html")
    assert "Too many searches" in answers[-1].content.decode()
    assert int(answers[-1]["Retry-After"]) <= 3600


def test_each_view_has_its_own_count(client, limits):
    for number in range(2):
        client.get(API_SEARCH_URL, {"q": f"boxer {number}"})

    assert client.get(API_SEARCH_URL, {"q": "boxer"}).status_code == 429
    assert client.get(SEARCH_URL, {"q": "boxer"}).status_code == 200
    assert autocomplete(client, "box", address="127.0.0.1").status_code == 200


def test_signed_in_visitors_count_by_address_too(client, limits, django_user_model):
    client.force_login(django_user_model.objects.create_user("alice", password="unused"))

    answers = [autocomplete(client, "box") for _ in range(4)]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]


def test_pages_served_from_the_page_cache_are_not_counted(client, limits):
    answers = [autocomplete(client, "boxer") for _ in range(10)]

    assert [answer.status_code for answer in answers] == [200] * 10
    assert [answer["X-Cache"] for answer in answers] == ["miss"] + ["hit"] * 9
    # The one miss counted: two more requests that reach the view are allowed.
    assert [autocomplete(client, text).status_code for text in ("bo", "box", "boxe")] == [
        200,
        200,
        429,
    ]


def test_other_views_are_not_limited(client, limits):
    home = reverse("catalog:home")

    assert {client.get(home).status_code for _ in range(5)} == {200}


def test_counts_are_shared_through_redis(client, limits, redis_cache):
    answers = [autocomplete(client, f"box{number}", address="198.51.100.7") for number in range(4)]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]


def test_requests_pass_while_the_cache_is_unreachable(client, limits, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "songrec_site.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }

    with caplog.at_level(logging.WARNING, logger="songrec_site.rate_limit"):
        answers = [autocomplete(client, f"box{number}") for number in range(4)]

    assert [answer.status_code for answer in answers] == [200] * 4
    assert "rate limit not applied" in caplog.text


def test_no_limits_leave_the_middleware_out(client, settings, db):
    settings.SONGREC_RATE_LIMITS = {"api:autocomplete": ""}

    assert {autocomplete(client, "box").status_code for _ in range(5)} == {200}


@pytest.mark.parametrize(
    ("rate", "expected"),
    [("60/m", (60, 60)), ("5/s", (5, 1)), (" 100/h ", (100, 3600)), ("", None)],
)
def test_parse_rate(rate, expected):
    assert parse_rate(rate) == expected


@pytest.mark.parametrize("rate", ["60", "60/d", "m/60", "-1/m"])
def test_a_malformed_rate_is_refused(rate):
    with pytest.raises(ImproperlyConfigured, match="N/s, N/m or N/h"):
        parse_rate(rate)


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("192.0.2.1", "192.0.2.1"),
        ("2001:db8::1", "2001:db8::/64"),
        ("2001:db8::1:2:3:4", "2001:db8::/64"),
    ],
)
def test_client_key(address, expected):
    assert client_key(address) == expected


def test_the_default_limits_name_views_that_resolve_to_those_names():
    # What the middleware compares with `request.resolver_match.view_name`.
    for view_name in django_settings.SONGREC_RATE_LIMITS:
        assert resolve(reverse(view_name)).view_name == view_name
    assert set(django_settings.SONGREC_RATE_LIMITS) == {
        "catalog:search",
        "api:search",
        "api:autocomplete",
    }
