"""Account pages: what anonymous visitors see, favourites, history and "for you"."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.models import Favourite, HistoryEntry
from recommendations.models import Build, Neighbour
from tests.accounts.conftest import PASSWORD
from tests.accounts.pages import (
    FAVOURITES_URL,
    FOR_YOU_URL,
    HISTORY_URL,
    LOGIN_URL,
    SEARCH_URL,
    SIGN_UP_URL,
    favourite_url,
    login_redirect,
    pressed_hearts,
    unfavourite_url,
)
from tests.catalog.conftest import ESCAPED_SCRIPT_TAG, SCRIPT_TAG, create_song

# Anonymous visitors


@pytest.mark.parametrize("url", [FAVOURITES_URL, HISTORY_URL, FOR_YOU_URL])
def test_anonymous_pages_go_to_the_login_page_and_back(client, alice, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == login_redirect(url)

    back = client.post(response.url, {"username": "alice", "password": PASSWORD, "next": url})
    assert back.status_code == 302
    assert back.url == url
    assert client.get(back.url).status_code == 200


def test_anonymous_favourite_goes_to_log_in_and_back_to_the_song(client, catalogue):
    boxer = catalogue["boxer"]

    response = client.post(favourite_url(boxer))

    assert response.status_code == 302
    assert response.url == login_redirect(boxer.get_absolute_url())
    assert not Favourite.objects.exists()


def test_anonymous_posts_change_nothing_and_ask_to_log_in(client, alice, catalogue):
    services.song_favourite(user=alice, song=catalogue["boxer"])
    entry = services.history_record_search(user=alice, query="boxer")
    urls = [
        unfavourite_url(catalogue["boxer"]),
        reverse("accounts:history_delete", args=[entry.pk]),
        reverse("accounts:history_clear"),
    ]

    for url in urls:
        response = client.post(url)
        assert response.status_code == 302
        assert response.url.startswith(f"{LOGIN_URL}?next=")
    assert Favourite.objects.count() == HistoryEntry.objects.count() == 1


def test_anonymous_searches_and_views_are_not_recorded(client, catalogue):
    client.get(SEARCH_URL, {"q": "boxer"})
    client.get(catalogue["boxer"].get_absolute_url())

    assert not HistoryEntry.objects.exists()


def test_anonymous_visitors_see_a_log_in_heart_and_a_sign_up_panel(client, catalogue):
    song_html = client.get(catalogue["boxer"].get_absolute_url()).content.decode()
    home_html = client.get(reverse("catalog:home")).content.decode()

    assert f'href="{LOGIN_URL}?next=/songs/{catalogue["boxer"].pk}/"' in song_html
    assert "csrfmiddlewaretoken" not in song_html
    assert f'href="{SIGN_UP_URL}"' in home_html
    assert "to keep the songs you like" in home_html


# Favourites


def test_favourite_without_javascript_returns_to_the_page_it_came_from(alice_client, catalogue):
    boxer = catalogue["boxer"]
    next_url = f"{SEARCH_URL}?q=boxer"

    response = alice_client.post(favourite_url(boxer), {"next": next_url})

    assert response.status_code == 302
    assert response.url == next_url
    assert Favourite.objects.filter(song=boxer).count() == 1


def test_favourite_next_must_be_local(alice_client, catalogue):
    boxer = catalogue["boxer"]

    response = alice_client.post(favourite_url(boxer), {"next": "https://evil.example/"})

    assert response.url == boxer.get_absolute_url()


def test_a_next_that_reads_like_a_view_name_is_followed_as_a_url(alice_client, catalogue):
    # Django's redirect() would look "hello" up as a URL pattern name, and fail with a 500.
    favourite = alice_client.post(favourite_url(catalogue["boxer"]), {"next": "hello"})
    signed_up_already = alice_client.get(f"{SIGN_UP_URL}?next=hello")

    assert (favourite.status_code, favourite.url) == (302, "hello")
    assert (signed_up_already.status_code, signed_up_already.url) == (302, "hello")


def test_favourite_and_unfavourite_answer_json_to_the_script(alice_client, alice, catalogue):
    boxer = catalogue["boxer"]

    added = alice_client.post(favourite_url(boxer), headers={"accept": "application/json"})
    assert added.json() == {"song": boxer.pk, "favourite": True}
    removed = alice_client.post(unfavourite_url(boxer), headers={"accept": "application/json"})
    assert removed.json() == {"song": boxer.pk, "favourite": False}
    assert not Favourite.objects.filter(user=alice).exists()


def test_favourite_needs_a_csrf_token(alice, catalogue):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    response = client.post(favourite_url(catalogue["boxer"]))

    assert response.status_code == 403
    assert not Favourite.objects.exists()


@pytest.mark.parametrize("view", ["accounts:favourite", "accounts:unfavourite"])
def test_favourite_endpoints_take_posts_only_and_known_songs(alice_client, catalogue, view):
    assert alice_client.get(reverse(view, args=[catalogue["boxer"].pk])).status_code == 405
    assert alice_client.post(reverse(view, args=[999_999])).status_code == 404


def test_hearts_show_which_songs_are_favourites(alice_client, alice, catalogue):
    services.song_favourite(user=alice, song=catalogue["boxer"])

    search_html = alice_client.get(SEARCH_URL, {"q": "simon"}).content.decode()
    boxer_html = alice_client.get(catalogue["boxer"].get_absolute_url()).content.decode()
    silence_html = alice_client.get(catalogue["silence"].get_absolute_url()).content.decode()

    assert search_html.count('class="favourite__button"') == 2
    assert pressed_hearts(search_html) == ["The Boxer"]
    assert f'action="{unfavourite_url(catalogue["boxer"])}"' in search_html
    assert f'action="{favourite_url(catalogue["silence"])}"' in search_html
    assert pressed_hearts(boxer_html) == ["The Boxer"]
    assert pressed_hearts(silence_html) == []


def test_search_page_loads_hearts_in_one_query(
    alice_client, alice, catalogue, django_assert_max_num_queries
):
    services.song_favourite(user=alice, song=catalogue["boxer"])

    # the search in its time budget (savepoint, timeout set, the words looked up, page with its
    # count, timeout reset, release), session, user, history (newest entry, insert, prune),
    # favourite keys
    with django_assert_max_num_queries(12):
        alice_client.get(SEARCH_URL, {"q": "simon"})


def test_favourites_page_lists_newest_first_with_removal(alice_client, alice, bob, catalogue):
    for name in ("boxer", "retired", "anthem"):
        services.song_favourite(user=alice, song=catalogue[name])
    services.song_favourite(user=bob, song=catalogue["ballad"])

    response = alice_client.get(FAVOURITES_URL)

    html = response.content.decode()
    assert [f.song.title for f in response.context["page"]] == [
        "Anthem",
        "Hello Again",
        "The Boxer",
    ]
    assert "Ballad" not in html
    assert html.count("no longer in the catalogue") == 1
    assert f'action="{unfavourite_url(catalogue["retired"])}"' in html
    removed = alice_client.post(unfavourite_url(catalogue["retired"]), {"next": FAVOURITES_URL})
    assert removed.url == FAVOURITES_URL
    assert "Hello Again" not in alice_client.get(FAVOURITES_URL).content.decode()


def test_favourites_page_is_paginated(alice_client, alice):
    for number in range(25):
        services.song_favourite(user=alice, song=create_song("Band", f"Track {number:02d}"))

    first = alice_client.get(FAVOURITES_URL)
    second = alice_client.get(FAVOURITES_URL, {"page": 2})

    assert first.context["page"].paginator.count == 25
    assert len(first.context["page"]) == 20
    assert [f.song.title for f in second.context["page"]] == [
        f"Track {n:02d}" for n in range(4, -1, -1)
    ]


def test_empty_favourites_page_says_how_to_add_some(alice_client):
    assert "No favourites yet" in alice_client.get(FAVOURITES_URL).content.decode()


def test_a_user_cannot_touch_another_users_favourites(client, alice, bob, catalogue):
    services.song_favourite(user=alice, song=catalogue["boxer"])
    client.force_login(bob)

    # Whatever song id bob sends, only bob's own favourites are read or changed.
    client.post(unfavourite_url(catalogue["boxer"]))
    client.post(favourite_url(catalogue["anthem"]))

    assert list(Favourite.objects.filter(user=alice).values_list("song_id", flat=True)) == [
        catalogue["boxer"].key
    ]
    html = client.get(FAVOURITES_URL).content.decode()
    assert "Anthem" in html
    assert "The Boxer" not in html


# History


def test_searches_and_song_views_are_recorded_for_logged_in_users(alice_client, alice, catalogue):
    alice_client.get(SEARCH_URL, {"q": "boxer", "artist": "simon"})
    alice_client.get(SEARCH_URL, {"q": "boxer", "artist": "simon", "page": 2})  # same search
    alice_client.get(SEARCH_URL, {"q": ""})  # not a search
    alice_client.get(catalogue["boxer"].get_absolute_url())

    entries = HistoryEntry.objects.filter(user=alice).order_by("created_at")
    assert [(e.kind, e.query, e.artist, e.song_id) for e in entries] == [
        ("search", "boxer", "simon", None),
        ("view", "", "", catalogue["boxer"].key),
    ]


def test_history_page_lists_searches_and_views_newest_first(alice_client, alice, catalogue):
    services.history_record_search(user=alice, query="boxer", artist="simon & garfunkel")
    services.history_record_view(user=alice, song=catalogue["retired"])

    response = alice_client.get(HISTORY_URL)

    html = response.content.decode()
    assert [entry.kind for entry in response.context["page"]] == ["view", "search"]
    assert html.index("Hello Again") < html.index("Searched")
    assert "no longer in the catalogue" in html
    assert f'href="{SEARCH_URL}?q=boxer&amp;artist=simon%20%26%20garfunkel"' in html
    assert "“boxer” and artist “simon &amp; garfunkel”" in html
    assert '<time class="history-entry__time" datetime="' in html


def test_history_delete_removes_one_entry(alice_client, alice, catalogue):
    keep = services.history_record_search(user=alice, query="boxer")
    gone = services.history_record_view(user=alice, song=catalogue["boxer"])

    response = alice_client.post(reverse("accounts:history_delete", args=[gone.pk]))

    assert response.url == HISTORY_URL
    assert list(HistoryEntry.objects.values_list("pk", flat=True)) == [keep.pk]


def test_a_user_cannot_see_or_delete_another_users_history(client, alice, bob, catalogue):
    theirs = services.history_record_view(user=alice, song=catalogue["boxer"])
    services.history_record_search(user=alice, query="secret search")
    client.force_login(bob)

    html = client.get(HISTORY_URL).content.decode()
    deleted = client.post(reverse("accounts:history_delete", args=[theirs.pk]))
    client.post(reverse("accounts:history_clear"))

    assert "secret search" not in html
    assert "The Boxer" not in html
    assert deleted.status_code == 404
    assert HistoryEntry.objects.filter(user=alice).count() == 2


def test_clear_history_empties_it(alice_client, alice, catalogue):
    services.history_record_search(user=alice, query="boxer")
    services.history_record_view(user=alice, song=catalogue["boxer"])

    response = alice_client.post(reverse("accounts:history_clear"), follow=True)

    assert "History cleared (2 entries)." in response.content.decode()
    assert "Your history is empty" in response.content.decode()
    assert not HistoryEntry.objects.exists()


@pytest.mark.parametrize("view", ["accounts:history_clear", "accounts:history_delete"])
def test_history_changes_take_posts_only(alice_client, view):
    url = reverse(view, args=[1] if view.endswith("delete") else None)

    assert alice_client.get(url).status_code == 405


# For you


def test_for_you_page_explains_each_recommendation(alice_client, alice, catalogue):
    services.song_favourite(user=alice, song=catalogue["boxer"])
    services.song_favourite(user=alice, song=catalogue["silence"])

    html = alice_client.get(FOR_YOU_URL).content.decode()

    assert html.index(">Ballad<") < html.index(">Anthem<")
    assert re.search(
        r"Because you liked\s*<a href=\"/songs/\d+/\">The Sound of Silence</a>\s*"
        r"<span class=\"muted\">and 1 more of your songs</span>",
        html,
    )
    assert "Stale Song" not in html


def test_for_you_for_a_new_user_says_how_to_start(alice_client, catalogue):
    html = alice_client.get(FOR_YOU_URL).content.decode()

    assert "Nothing here yet: tell us what you like." in html
    assert f'href="{SEARCH_URL}"' in html


def test_home_page_has_a_for_you_panel(alice_client, alice, catalogue):
    empty = alice_client.get(reverse("catalog:home")).content.decode()
    services.song_favourite(user=alice, song=catalogue["boxer"])
    full = alice_client.get(reverse("catalog:home")).content.decode()

    assert "Nothing here yet" in empty
    assert ">Anthem<" in full
    assert f'href="{FOR_YOU_URL}">All your recommendations' in full


def test_names_are_escaped_on_every_account_page(alice_client, alice, catalogue):
    kept = create_song(SCRIPT_TAG, SCRIPT_TAG)
    recommended = create_song(SCRIPT_TAG, f"{SCRIPT_TAG} 2")
    Neighbour.objects.create(
        build=Build.objects.get(is_active=True),
        song=kept,
        neighbour=recommended,
        similarity=0.3,
        rank=1,
    )
    services.song_favourite(user=alice, song=kept)
    services.history_record_view(user=alice, song=kept)
    services.history_record_search(user=alice, query=SCRIPT_TAG)

    for url in (FAVOURITES_URL, HISTORY_URL, FOR_YOU_URL):
        html = alice_client.get(url).content.decode()
        assert SCRIPT_TAG not in html, url
        assert ESCAPED_SCRIPT_TAG in html, url
