"""Pages for anonymous visitors come from the cache per active build; signed-in visitors' never.

The catalogue: "The Boxer" is recommended "Anthem" by the active build and "Ballad" by a second,
complete build that is not active yet.
"""

import zlib

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache, caches
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.urls import resolve, reverse

from accounts import services as account_services
from accounts.models import HistoryEntry
from catalog.models import Song
from recommendations.models import Build, Neighbour
from recommendations.services import build_activate
from songrec_site.page_cache import (
    LOCAL_PAGES,
    SHARED_VIEWS,
    AnonymousPageCacheMiddleware,
    is_storable,
    page_cache_key,
)
from tests.catalog.conftest import create_song
from tests.recommendations.conftest import store_neighbours
from tests.songrec_site.test_health import closed_port


@pytest.fixture
def boxer(db) -> Song:
    songs = {
        name: create_song(artist, name, count)
        for name, artist, count in [
            ("The Boxer", "Simon & Garfunkel", 250),
            ("Anthem", "Rock Band", 120),
            ("Ballad", "Soft Singer", 80),
        ]
    }
    active, later = (
        Build.objects.create(
            status=Build.Status.COMPLETE, is_active=is_active, input_path=path, neighbour_count=1
        )
        for is_active, path in [(True, "first.csv"), (False, "second.csv")]
    )
    store_neighbours(
        [
            Neighbour(
                build=build, song=songs["The Boxer"], neighbour=songs[name], similarity=0.5, rank=1
            )
            for build, name in [(active, "Anthem"), (later, "Ballad")]
        ]
    )
    return songs["The Boxer"]


@pytest.fixture
def later_build(boxer) -> Build:
    return Build.objects.get(input_path="second.csv")


@pytest.fixture
def alice(db) -> User:
    return User.objects.create_user("alice", "alice@example.com", "unused password")


def shared_urls(song: Song) -> list[str]:
    return [
        song.get_absolute_url(),
        song.get_absolute_url() + "?same_artist=1",
        reverse("api:song_recommendations", args=[song.pk]),
        reverse("catalog:search") + "?q=boxer",
        reverse("api:search") + "?q=boxer",
        reverse("api:autocomplete") + "?q=box",
        song.get_artist_url(),
    ]


def test_the_shared_urls_cover_every_shared_view_by_its_name(boxer):
    # The middleware compares these names with what the URL resolver says of each path.
    assert {resolve(url.split("?")[0]).view_name for url in shared_urls(boxer)} == SHARED_VIEWS


def test_anonymous_answers_come_from_the_cache_the_second_time(
    client, boxer, django_assert_num_queries
):
    for url in shared_urls(boxer):
        first = client.get(url)
        with django_assert_num_queries(0):
            second = client.get(url)

        assert (first.status_code, first["X-Cache"]) == (200, "miss"), url
        assert (second.status_code, second["X-Cache"]) == (200, "hit"), url
        assert second.content == first.content
        assert second["Content-Type"] == first["Content-Type"]


def test_the_full_path_keys_the_page(client, boxer):
    client.get(reverse("catalog:search") + "?q=boxer")

    other = client.get(reverse("catalog:search") + "?q=anthem")

    assert other["X-Cache"] == "miss"
    assert "Anthem" in other.content.decode()


def test_a_new_active_build_is_served_at_once(
    client, boxer, later_build, django_capture_on_commit_callbacks
):
    before = client.get(boxer.get_absolute_url())
    assert "Anthem" in before.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        build_activate(build=later_build)
    after = client.get(boxer.get_absolute_url())

    assert after["X-Cache"] == "miss"
    html = after.content.decode()
    assert "Ballad" in html
    assert "Anthem" not in html


def test_page_cache_key_is_the_build_and_the_full_path():
    key = page_cache_key(build_id=7, full_path="/search?q=boxer")

    assert key == page_cache_key(build_id=7, full_path="/search?q=boxer")
    assert key != page_cache_key(build_id=8, full_path="/search?q=boxer")
    assert key != page_cache_key(build_id=7, full_path="/search?q=boxer&page=2")
    assert page_cache_key(build_id=None, full_path="/") == page_cache_key(build_id=0, full_path="/")


def test_signed_in_visitors_get_their_own_page_never_the_cached_one(client, boxer, alice):
    anonymous = client.get(boxer.get_absolute_url())
    account_services.song_favourite(user=alice, song=boxer)
    client.force_login(alice)

    own = client.get(boxer.get_absolute_url())

    assert anonymous["X-Cache"] == "miss"
    assert "X-Cache" not in own
    html = own.content.decode()
    assert "alice" in html
    assert 'aria-pressed="true"' in html
    assert "csrfmiddlewaretoken" in html
    # The view ran: the visit is in her history.
    assert HistoryEntry.objects.filter(user=alice, song=boxer).count() == 1


def test_anonymous_pages_carry_no_one_elses_token_or_cookie(client, boxer, alice):
    client.force_login(alice)
    client.get(boxer.get_absolute_url())
    client.logout()

    miss = client.get(boxer.get_absolute_url())
    hit = client.get(boxer.get_absolute_url())

    assert (miss["X-Cache"], hit["X-Cache"]) == ("miss", "hit")
    for response in (miss, hit):
        html = response.content.decode()
        assert "csrfmiddlewaretoken" not in html
        assert "alice" not in html
        assert "Log in" in html
        assert not response.cookies
        assert "Set-Cookie" not in response


def test_a_visitor_with_a_message_waiting_gets_a_fresh_page(client, boxer):
    client.get(boxer.get_absolute_url())
    client.cookies["messages"] = "a message for this visitor only"

    response = client.get(boxer.get_absolute_url())

    assert "X-Cache" not in response


def test_answers_that_set_a_cookie_or_are_private_are_not_stored():
    with_cookie = HttpResponse("page")
    with_cookie.set_cookie("csrftoken", "secret")
    private = JsonResponse({})
    private["Cache-Control"] = "private, max-age=60"

    assert is_storable(HttpResponse("page"))
    assert not is_storable(with_cookie)
    assert not is_storable(private)
    assert not is_storable(HttpResponse("missing", status=404))


def test_a_page_that_shows_a_csrf_token_is_never_stored(rf, boxer):
    """Even for a visitor who already has the CSRF cookie, using the token renews the cookie,
    so the answer sets one and stays out of the cache."""

    def page_with_a_form(request):
        return HttpResponse(f'<input name="csrfmiddlewaretoken" value="{get_token(request)}">')

    middleware = AnonymousPageCacheMiddleware(CsrfViewMiddleware(page_with_a_form))
    answers = []
    for _ in range(2):
        request = rf.get(boxer.get_absolute_url())
        request.COOKIES["csrftoken"] = "a" * 32
        answers.append(middleware(request))

    assert [answer["X-Cache"] for answer in answers] == ["miss", "miss"]
    assert all(answer.cookies["csrftoken"] for answer in answers)


def test_a_foreign_host_is_refused_even_for_a_cached_page(client, boxer):
    client.get(boxer.get_absolute_url())

    response = client.get(boxer.get_absolute_url(), headers={"host": "evil.example"})

    assert response.status_code == 400


def test_the_cache_can_be_switched_off(client, boxer, settings, django_assert_max_num_queries):
    settings.SONGREC_PAGE_CACHE_SECONDS = 0
    client.get(boxer.get_absolute_url())

    with django_assert_max_num_queries(3) as queries:
        response = client.get(boxer.get_absolute_url())

    assert "X-Cache" not in response
    assert len(queries) >= 1  # the song and its neighbours, read again (one statement)


def test_pages_are_rendered_as_usual_while_the_cache_is_unreachable(client, boxer, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "songrec_site.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }

    response = client.get(boxer.get_absolute_url())

    assert response.status_code == 200
    assert "X-Cache" not in response
    assert "Anthem" in response.content.decode()


def test_pages_are_shared_through_redis(
    client,
    boxer,
    redis_cache,
    later_build,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
):
    client.get(boxer.get_absolute_url())

    with django_assert_num_queries(0):
        hit = client.get(boxer.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        build_activate(build=later_build)
    after = client.get(boxer.get_absolute_url())

    assert hit["X-Cache"] == "hit"
    assert "Anthem" in hit.content.decode()
    assert "Ballad" in after.content.decode()


def test_the_redis_backend_builds_one_client_per_connection_pool(redis_cache):
    cache.set("client-test", "stored", 60)

    backend = cache._cache
    assert backend.get_client(write=True) is backend.get_client()
    assert cache.get("client-test") == "stored"


def test_each_process_answers_repeats_from_its_own_copy(client, boxer, redis_cache):
    client.get(boxer.get_absolute_url())
    cache.clear()  # the shared copy is gone; this process's own copy answers

    hit = client.get(boxer.get_absolute_url())

    assert hit["X-Cache"] == "hit"
    assert "Anthem" in hit.content.decode()


def test_a_copy_taken_from_redis_is_kept_locally(client, boxer, redis_cache):
    client.get(boxer.get_absolute_url())
    caches[LOCAL_PAGES].clear()  # as in another process: only Redis has the page
    client.get(boxer.get_absolute_url())
    cache.clear()

    assert client.get(boxer.get_absolute_url())["X-Cache"] == "hit"


def test_the_shared_cache_keeps_pages_compressed(client, boxer, redis_cache):
    sent = client.get(boxer.get_absolute_url())
    key = page_cache_key(
        build_id=Build.objects.get(is_active=True).pk, full_path=boxer.get_absolute_url()
    )

    compressed, _ = cache.get(key)
    assert zlib.decompress(compressed) == sent.content
    assert len(compressed) < len(sent.content) / 2
    caches[LOCAL_PAGES].clear()
    assert client.get(boxer.get_absolute_url()).content == sent.content
