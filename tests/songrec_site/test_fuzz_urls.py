"""Every public URL, fuzzed: generated paths and query strings never get a 500 or a slow answer.

The URLs come from the URL resolver, so a new one is fuzzed without being listed here (the admin
alone is left out: staff only, and Django's own). Each is requested with GET, by an anonymous and
a signed-in visitor, with generated path segments (numbers of any size, any text, percent-encoding
garbage) and query strings (the site's parameter names and random ones, repeated, holding any
character: NUL, controls, encoded surrogates, very long values); and with POST, whose generated
form fields reach the POST-only endpoints. Then, not left to chance, a NUL in each path segment
and in each parameter the site reads, with GET and POST. On a small catalogue with an active
build, every answer must be under 500 (a 429 from rate limiting is fine) and come within the time
budget; under /api/ every answer but the docs page is JSON. `pytest -s` prints the answers'
statuses per URL.
"""

import re
import time
from collections import Counter
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.accounts.conftest import PASSWORD

SECONDS_PER_ANSWER = 1.0
GET_EXAMPLES = 40
POST_EXAMPLES = 15
SKIPPED_PREFIXES = ("admin/",)
PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
# The names the site's views read, so that generated values reach them.
KNOWN_KEYS = ["q", "artist", "track", "page", "same_artist", "next"]
FORM_KEYS = [*KNOWN_KEYS, "username", "email", "password", "password1", "password2"]
# Fragments that decode to nothing sane: broken escapes, an encoded lone surrogate, overlong and
# invalid UTF-8, separators.
GARBAGE = ["%", "%G1", "%1", "%ED%A0%80", "%ED%BF%BF", "%C0%AF", "%FF", "%00", "&", "=", "+", ";"]
# Values the views accept, so that some answers go past their validation.
VALID_VALUES = ["hello", "boxer", "simon garf", "1", "0", "2", "/favourites/"]
# Characters that break things more often than a random code point: NUL (weighted: no database
# column holds it) and other controls, lone surrogates, separators, a byte-order mark.
SPIKES = ["\x00", "\x00", "\x01", "\x1f", "\x7f", "\x85", "\ud800", "\udfff"]
SPIKES += ["\u2028", "\ufeff", "%", "\\", "'", '"', "<", "/"]
UNENCODABLE = re.compile("[\ud800-\udfff]")
OUTCOMES: Counter = Counter()


def public_routes() -> list[str]:
    """Every route of the URL resolver but the admin's, as `songs/<int:pk>/`."""

    def walk(patterns: list, prefix: str) -> Iterator[str]:
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if route.startswith(SKIPPED_PREFIXES):
                continue
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern):
                yield route

    return sorted(set(walk(get_resolver().url_patterns, "")))


ROUTES = public_routes()

unicode_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=40)
# A value with one hostile character slipped in somewhere.
spiked = st.builds(
    lambda text, spike, at: text[:at] + spike + text[at:],
    st.sampled_from(VALID_VALUES) | unicode_text,
    st.sampled_from(SPIKES),
    st.integers(min_value=0, max_value=40),
)
long_text = st.integers(min_value=200, max_value=20_000).map(lambda size: "é" * size)
numbers = st.integers(min_value=-(10**30), max_value=10**30).map(str)
garbage = st.lists(st.sampled_from(GARBAGE) | st.text("abc09", max_size=3), max_size=6).map("".join)


def encoded(text: str) -> str:
    # Lone surrogates cannot be UTF-8 encoded: send the bytes a broken client would.
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


values = st.one_of(
    st.sampled_from(VALID_VALUES).map(encoded),
    # Twice: drawn twice as often.
    spiked.map(encoded),
    spiked.map(encoded),
    unicode_text.map(encoded),
    long_text.map(encoded),
    numbers,
    garbage,
    st.just(""),
)
segments = st.one_of(
    numbers.filter(lambda number: not number.startswith("-")),
    numbers,
    spiked.map(encoded),
    unicode_text.filter(bool).map(encoded),
    garbage.filter(bool),
    st.text("abcxyz019/-_.", min_size=1, max_size=30),
)
# Each of the site's names half the time, then random names and repeated ones.
query_strings = st.tuples(
    st.fixed_dictionaries({}, optional=dict.fromkeys(KNOWN_KEYS, values)).map(dict.items),
    st.lists(
        st.tuples(st.sampled_from(KNOWN_KEYS) | spiked.map(encoded) | garbage, values), max_size=3
    ),
).map(lambda parts: "&".join(f"{key}={value}" for part in parts for key, value in part))
form_fields = st.dictionaries(
    st.sampled_from(FORM_KEYS),
    spiked.filter(lambda text: not UNENCODABLE.search(text))
    | st.text(st.characters(codec="utf-8"), max_size=300),
    max_size=6,
)


def url_for(route: str, draw_segment) -> str:
    return "/" + PARAMETER.sub(lambda match: draw_segment(), route)


def check(response, route: str, url: str, seconds: float) -> None:
    OUTCOMES[(route, response.status_code)] += 1
    assert response.status_code < 500, url
    assert seconds < SECONDS_PER_ANSWER, f"{url} took {seconds:.2f} s"
    # The API's docs page is the one page under /api/ (its errors are JSON like the rest).
    docs_page = route == "api/docs" and response.status_code == 200
    if url.startswith("/api/") and not docs_page:
        assert response["Content-Type"] == "application/json", url


@pytest.fixture
def known_segments(catalogue) -> list[str]:
    """Path segments that name something: the songs' ids and the artists' names."""
    songs = catalogue.values()
    return sorted({str(song.pk) for song in songs} | {encoded(song.artist_norm) for song in songs})


@pytest.fixture
def named(known_segments) -> st.SearchStrategy[str]:
    """A segment that names something, drawn as often as any generated one."""
    return st.sampled_from(known_segments) | st.sampled_from(known_segments)


@pytest.fixture
def visitors(catalogue) -> dict[bool, Client]:
    """An anonymous client and a signed-in one, keyed by whether they are signed in."""
    signed_in = Client()
    signed_in.force_login(User.objects.create_user("fuzz", "fuzz@example.com", PASSWORD))
    anonymous = Client()
    anonymous.get("/")  # Templates compiled before anything is timed.
    return {False: anonymous, True: signed_in}


def timed(send, url: str, **keywords):
    started = time.perf_counter()
    response = send(url, **keywords)
    return response, time.perf_counter() - started


# The time budget is checked per answer; Hypothesis's own deadline would count data generation.
# Derandomized: the same examples on every run, so that a run fails only for a change of the code.
FUZZ_SETTINGS = settings(
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES)
@settings(FUZZ_SETTINGS, max_examples=GET_EXAMPLES)
@given(data=st.data(), query=query_strings, signed_in=st.booleans())
def test_get_never_fails(visitors, named, route, data, query, signed_in):
    path = url_for(route, lambda: data.draw(named | segments))
    url = f"{path}?{query}" if query else path

    response, seconds = timed(visitors[signed_in].get, url)

    check(response, route, url, seconds)


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES)
@settings(FUZZ_SETTINGS, max_examples=POST_EXAMPLES)
@given(data=st.data(), query=query_strings, fields=form_fields, signed_in=st.booleans())
def test_post_never_fails(visitors, named, route, data, query, fields, signed_in):
    path = url_for(route, lambda: data.draw(named | segments))
    url = f"{path}?{query}" if query else path

    response, seconds = timed(visitors[signed_in].post, url, data=fields)

    check(response, route, url, seconds)


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES)
def test_a_nul_in_any_segment_or_parameter_is_never_a_500(visitors, catalogue, route):
    # Besides the generated examples, which may or may not hold one: each place a NUL can go.
    song = catalogue["boxer"]

    def segment_for(match: re.Match) -> str:
        return str(song.pk) if match["converter"] == "int" else encoded(song.artist_norm)

    urls = [f"{PARAMETER.sub(segment_for, '/' + route)}?{key}=a%00b" for key in KNOWN_KEYS]
    if PARAMETER.search(route):
        urls.append(PARAMETER.sub(lambda match: segment_for(match) + "%00", "/" + route))
    for url in urls:
        for visitor in visitors.values():
            for send in (visitor.get, visitor.post):
                response, seconds = timed(send, url)
                check(response, route, url, seconds)


def test_every_public_url_is_fuzzed():
    assert "api/songs/<int:pk>/recommendations" in ROUTES
    assert "artists/<path:artist_norm>/" in ROUTES
    assert not [route for route in ROUTES if route.startswith("admin/")]


@pytest.fixture(scope="module", autouse=True)
def outcomes_report() -> Iterator[None]:
    """Prints the answers' statuses, overall and per route, once the module has run (`-s`)."""
    yield
    by_status: Counter = Counter()
    for (_, status), count in OUTCOMES.items():
        by_status[status] += count
    print(f"\nfuzzed requests: {by_status.total()}, by status: {dict(sorted(by_status.items()))}")
    for route in ROUTES:
        counts = Counter({status: n for (fuzzed, status), n in OUTCOMES.items() if fuzzed == route})
        print(f"  /{route}: {counts.total()}, {dict(sorted(counts.items()))}")
