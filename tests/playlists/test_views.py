"""The playlist pages: the session's playlist, saving it, saved playlists and exports."""

import csv
import io
import json

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from accounts.models import Favourite
from playlists import services
from playlists.models import Playlist
from tests.accounts.conftest import PASSWORD
from tests.catalog.conftest import ESCAPED_SCRIPT_TAG, SCRIPT_TAG, create_song
from tests.playlists.conftest import (
    HOSTILE_TITLE,
    PLAYLIST_URL,
    SAVED_URL,
    add_url,
    drop_url,
    export_url,
)
from tests.playlists.test_exports import check_jspf_shape

SEARCH_URL = reverse("catalog:search")
LOGIN_URL = reverse("accounts:login")


def session_keys(client: Client) -> list[int]:
    return client.session.get("playlist", {}).get("keys", [])


# The button on songs, for visitors whose pages may come from the cache


def test_an_anonymous_song_page_links_to_start_a_playlist_and_stays_cacheable(client, catalogue):
    boxer = catalogue["boxer"]

    first = client.get(boxer.get_absolute_url())
    second = client.get(boxer.get_absolute_url())

    assert f'href="{add_url(boxer)}"' in first.content.decode()
    assert "Start a playlist" in first.content.decode()
    assert "csrftoken" not in first.cookies
    assert (first["X-Cache"], second["X-Cache"]) == ("miss", "hit")


def test_the_add_page_asks_then_the_post_starts_the_playlist(client, catalogue):
    boxer = catalogue["boxer"]

    asked = client.get(add_url(boxer))
    added = client.post(add_url(boxer))

    assert asked.status_code == 200 and "Start a playlist with it" in asked.content.decode()
    assert session_keys(client) == [boxer.key]
    assert (added.status_code, added.url) == (302, PLAYLIST_URL)


def test_with_a_playlist_songs_post_straight_to_it_and_come_back(client, catalogue):
    boxer, silence = catalogue["boxer"], catalogue["silence"]
    client.post(add_url(boxer))

    results = client.get(SEARCH_URL, {"q": "simon"}).content.decode()
    assert f'action="{add_url(silence)}"' in results
    assert "In your playlist" in results  # the boxer
    added = client.post(add_url(silence), {"next": f"{SEARCH_URL}?q=simon"})

    assert added.url == f"{SEARCH_URL}?q=simon"
    assert session_keys(client) == [boxer.key, silence.key]


def test_a_next_to_another_site_is_ignored(client, catalogue):
    response = client.post(add_url(catalogue["boxer"]), {"next": "https://evil.example/"})

    assert response.url == PLAYLIST_URL


def test_the_favourites_page_has_the_button(alice_client, alice, catalogue):
    Favourite.objects.create(user=alice, song=catalogue["ballad"])

    page = alice_client.get(reverse("accounts:favourites")).content.decode()

    assert f'action="{add_url(catalogue["ballad"])}"' in page


def test_posts_need_the_csrf_token(catalogue):
    client = Client(enforce_csrf_checks=True)

    assert client.post(add_url(catalogue["boxer"])).status_code == 403
    assert client.post(reverse("playlists:clear")).status_code == 403


def test_adding_an_unknown_song_is_not_found(client, db):
    assert client.post(reverse("playlists:add", args=[999_999])).status_code == 404


# The playlist page


def test_the_playlist_page_shows_the_songs_and_the_proposals_with_their_reasons(client, catalogue):
    for name in ("boxer", "silence"):
        client.post(add_url(catalogue[name]))

    page = client.get(PLAYLIST_URL).content.decode()

    assert page.index("The Boxer") < page.index("The Sound of Silence") < page.index("Ballad")
    assert page.index("Ballad") < page.index("Anthem")
    assert "Because of <a" in page and "and 1 more of its songs" in page
    assert "Log in</a> or" in page  # to save it


def test_pinning_a_proposal_and_dropping_a_song(client, catalogue):
    boxer, silence = catalogue["boxer"], catalogue["silence"]
    client.post(add_url(boxer))

    client.post(add_url(silence), {"next": PLAYLIST_URL})
    client.post(drop_url(boxer))

    assert session_keys(client) == [silence.key]
    page = client.get(PLAYLIST_URL).content.decode()
    assert f'action="{drop_url(silence)}"' in page
    assert f'action="{add_url(boxer)}"' in page  # proposed again, to pin


def test_song_names_are_escaped(client, catalogue):
    client.post(add_url(create_song(SCRIPT_TAG, SCRIPT_TAG, 7)))

    page = client.get(PLAYLIST_URL).content.decode()

    assert SCRIPT_TAG not in page
    assert ESCAPED_SCRIPT_TAG in page


def test_clear_empties_the_playlist(client, catalogue):
    client.post(add_url(catalogue["boxer"]))

    client.post(reverse("playlists:clear"))

    assert session_keys(client) == []
    assert "Your playlist is empty" in client.get(PLAYLIST_URL).content.decode()


# Exports


@pytest.fixture
def hostile_playlist(client, catalogue):
    songs = [catalogue["boxer"], create_song(SCRIPT_TAG, HOSTILE_TITLE, 3)]
    for song in songs:
        client.post(add_url(song))
    return songs


def test_the_jspf_export_has_the_shape_and_the_songs(client, hostile_playlist):
    response = client.get(export_url("jspf"))

    assert response["Content-Type"] == "application/jspf+json"
    assert response["Content-Disposition"] == 'attachment; filename="my-playlist.jspf"'
    document = json.loads(response.content)
    check_jspf_shape(document)
    assert [(t["creator"], t["title"]) for t in document["playlist"]["track"]] == [
        (song.artist, song.title) for song in hostile_playlist
    ]
    assert document["playlist"]["track"][0]["identifier"] == [
        "http://testserver" + hostile_playlist[0].get_absolute_url()
    ]


def test_the_m3u8_export_lists_each_songs_page(client, hostile_playlist):
    lines = client.get(export_url("m3u8")).content.decode().splitlines()

    assert lines == [
        "#EXTM3U",
        "#EXTINF:-1,Simon & Garfunkel - The Boxer",
        "http://testserver" + hostile_playlist[0].get_absolute_url(),
        f"#EXTINF:-1,{SCRIPT_TAG} - {HOSTILE_TITLE}",
        "http://testserver" + hostile_playlist[1].get_absolute_url(),
    ]


def test_the_csv_export_reads_back_with_formulas_defused(client, hostile_playlist):
    response = client.get(export_url("csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode(), newline="")))
    boxer, hostile = hostile_playlist
    assert rows == [
        ["artist", "title", "url"],
        [boxer.artist, boxer.title, "http://testserver" + boxer.get_absolute_url()],
        [SCRIPT_TAG, "'" + HOSTILE_TITLE, "http://testserver" + hostile.get_absolute_url()],
    ]


def test_an_unknown_export_format_is_not_found(client, db):
    assert client.get("/playlist/export.xspf").status_code == 404


# Logging in and saving


def test_saving_asks_an_anonymous_visitor_to_log_in(client, catalogue):
    client.post(add_url(catalogue["boxer"]))

    response = client.post(reverse("playlists:save"), {"title": "Mine"})

    assert response.url.startswith(LOGIN_URL)
    assert not Playlist.objects.exists()


def test_logging_in_keeps_the_playlist_and_offers_to_save_it(client, catalogue, alice):
    client.post(add_url(catalogue["boxer"]))
    client.post(add_url(catalogue["anthem"]))

    response = client.post(
        f"{LOGIN_URL}?next={PLAYLIST_URL}",
        {"username": "alice", "password": PASSWORD},
        follow=True,
    )

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == PLAYLIST_URL
    assert "Your playlist of 2 songs is kept: save it from the playlist page." in page
    assert "This playlist is not saved yet" in page
    assert session_keys(client) == [catalogue["boxer"].key, catalogue["anthem"].key]

    client.post(reverse("playlists:save"), {"title": "Before I logged in"})

    [saved] = Playlist.objects.filter(user=alice)
    assert saved.title == "Before I logged in"
    assert "Save changes" in client.get(PLAYLIST_URL).content.decode()


def test_an_empty_title_is_refused(alice_client, catalogue):
    alice_client.post(add_url(catalogue["boxer"]))

    response = alice_client.post(reverse("playlists:save"), {"title": "   "}, follow=True)

    assert "Title: This field is required." in response.content.decode()
    assert not Playlist.objects.exists()


@pytest.fixture
def saved(catalogue, alice) -> Playlist:
    keys = [catalogue["silence"].key, catalogue["boxer"].key]
    return services.playlist_save(user=alice, title="Saved one", keys=keys)


def test_saved_playlists_are_listed_opened_renamed_and_deleted(alice_client, saved, catalogue):
    assert "Saved one" in alice_client.get(SAVED_URL).content.decode()

    alice_client.post(reverse("playlists:saved_open", args=[saved.pk]))
    assert session_keys(alice_client) == [catalogue["silence"].key, catalogue["boxer"].key]
    alice_client.post(reverse("playlists:saved_rename", args=[saved.pk]), {"title": "New"})
    assert "<h1>New</h1>" in alice_client.get(PLAYLIST_URL).content.decode()
    csv_text = alice_client.get(reverse("playlists:saved_export", args=[saved.pk, "csv"]))
    assert csv_text.content.decode().splitlines()[1].startswith("Simon & Garfunkel,The Sound")
    alice_client.post(reverse("playlists:saved_delete", args=[saved.pk]))

    assert not Playlist.objects.exists()


@pytest.mark.parametrize(
    ("method", "name", "extra"),
    [
        ("post", "saved_open", []),
        ("post", "saved_rename", []),
        ("post", "saved_delete", []),
        ("get", "saved_export", ["jspf"]),
    ],
)
def test_another_users_playlist_is_not_found(client, saved, bob, method, name, extra):
    client.force_login(bob)

    response = getattr(client, method)(reverse(f"playlists:{name}", args=[saved.pk, *extra]))

    assert response.status_code == 404
    saved.refresh_from_db()
    assert saved.title == "Saved one"


def test_the_saved_list_needs_an_account(client, db):
    assert client.get(SAVED_URL).url.startswith(LOGIN_URL)


def test_logging_out_forgets_the_playlist(alice_client, catalogue):
    alice_client.post(add_url(catalogue["boxer"]))

    alice_client.post(reverse("accounts:logout"))

    assert session_keys(alice_client) == []
    assert User.objects.filter(username="alice").exists()
