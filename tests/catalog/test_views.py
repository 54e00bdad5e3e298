import pytest
from django.template.loader import render_to_string
from django.urls import resolve, reverse

from catalog import search
from catalog.models import Song
from tests.catalog.conftest import ESCAPED_SCRIPT_TAG, SCRIPT_TAG, create_song

SEARCH_URL = reverse("catalog:search")
API_SEARCH_URL = reverse("api:search")
AUTOCOMPLETE_URL = reverse("api:autocomplete")
TOO_LONG = "a" * 1000


def result_titles(response) -> list[str]:
    return [song.title for song in response.context["page"]]


# Home and layout


def test_home_has_the_search_box_and_the_advanced_fields(client):
    response = client.get(reverse("catalog:home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'action="{SEARCH_URL}"' in html
    for field in ('name="q"', 'name="artist"', 'name="track"', "<details"):
        assert field in html
    assert reverse("catalog:random") in html
    assert "/static/css/site.css" in html


# Search page


def test_search_lists_best_matches_first(client, songs):
    response = client.get(SEARCH_URL, {"q": "hello"})

    assert response.status_code == 200
    assert result_titles(response) == ["Hello", "Hello", "Hello, Goodbye", "Say Hello"]
    assert [song.artist for song in response.context["page"]][:2] == ["Adele", "Lionel Richie"]


def test_search_result_links_song_and_artist_and_shows_playlist_count(client, songs):
    boxer = songs["boxer"]

    html = client.get(SEARCH_URL, {"q": "the boxer"}).content.decode()

    assert f'href="{boxer.get_absolute_url()}"' in html
    assert f'href="{boxer.get_artist_url()}"' in html
    assert "Simon &amp; Garfunkel" in html
    assert "250 playlists" in html


def test_large_playlist_counts_are_grouped_in_thousands(client, db):
    create_song("Popular Artist", "Everywhere", 1234567)

    html = client.get(SEARCH_URL, {"q": "everywhere"}).content.decode()

    assert "1,234,567 playlists" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "beyonce"}, ["Halo"]),
        ({"q": "SIMON AND garfunkel"}, ["The Sound of Silence", "The Boxer"]),
        ({"artist": "simon & GARFUNKEL", "track": "boxer"}, ["The Boxer"]),
        ({"track": "hello"}, ["Hello", "Hello", "Hello, Goodbye", "Say Hello"]),
    ],
)
def test_search_by_query_or_fields_ignores_case_accents_and_ampersands(
    client, songs, params, expected
):
    assert result_titles(client.get(SEARCH_URL, params)) == expected


def test_search_paginates_twenty_per_page_keeping_the_query(client, prolific_songs):
    first = client.get(SEARCH_URL, {"q": "prolific"})
    last = client.get(SEARCH_URL, {"q": "prolific", "page": 3})

    assert first.context["page"].paginator.count == 45
    assert result_titles(first) == [f"Track {n:02d}" for n in range(1, 21)]
    assert result_titles(last) == [f"Track {n:02d}" for n in range(41, 46)]
    assert 'href="?q=prolific&amp;page=2"' in first.content.decode()


def test_search_counts_up_to_a_cap_and_says_more(client, prolific_songs, monkeypatch):
    monkeypatch.setattr(search, "SEARCH_RESULTS_COUNTED", 30)

    first = client.get(SEARCH_URL, {"q": "prolific"})
    last = client.get(SEARCH_URL, {"q": "prolific", "page": 9})
    below = client.get(SEARCH_URL, {"q": "track 01"})

    paginator = first.context["page"].paginator
    assert (paginator.count, paginator.count_capped, paginator.num_pages) == (30, True, 2)
    text = " ".join(first.content.decode().split())
    assert "More than 30 songs match “prolific”: the first 30, best match first." in text
    # The pages end at the cap, best matches first.
    assert result_titles(last) == [f"Track {n:02d}" for n in range(21, 31)]
    assert below.context["page"].paginator.count_capped is False
    assert "1 song matches “track 01”" in " ".join(below.content.decode().split())


@pytest.mark.parametrize(("page", "expected_number"), [("99", 3), ("abc", 1), ("0", 3)])
def test_search_page_out_of_range_shows_a_real_page(client, prolific_songs, page, expected_number):
    response = client.get(SEARCH_URL, {"q": "prolific", "page": page})

    assert response.status_code == 200
    assert response.context["page"].number == expected_number


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   ", "artist": " "}, {"q": "\u0301"}])
def test_empty_search_asks_for_a_song_or_artist(client, songs, params):
    response = client.get(SEARCH_URL, params)

    assert response.status_code == 200
    assert "Type a song or an artist" in response.content.decode()
    assert response.context["page"] is None


@pytest.mark.parametrize("field", ["q", "artist", "track"])
def test_overlong_search_gets_a_friendly_message(client, songs, field):
    response = client.get(SEARCH_URL, {field: TOO_LONG})

    assert response.status_code == 200
    assert "That search is too long" in response.content.decode()
    assert response.context["page"] is None


def test_search_without_results_says_so(client, songs):
    html = client.get(SEARCH_URL, {"q": "zzz", "artist": "adele"}).content.decode()

    assert "No songs match “zzz” and artist “adele”." in html


def test_search_results_escape_names(client, script_song):
    response = client.get(SEARCH_URL, {"q": "script alert"})

    assert result_titles(response) == [SCRIPT_TAG]
    html = response.content.decode()
    assert SCRIPT_TAG not in html
    assert ESCAPED_SCRIPT_TAG in html


# Random song


def test_random_redirects_to_a_song_in_the_catalogue(client, songs):
    response = client.get(reverse("catalog:random"))

    assert response.status_code == 302
    match = resolve(response.url)
    assert match.view_name == "recommendations:song"
    assert Song.objects.get(pk=match.kwargs["pk"]).in_catalogue
    assert client.get(response.url).status_code == 200


def test_random_with_an_empty_catalogue_goes_home_with_a_message(client, db):
    response = client.get(reverse("catalog:random"), follow=True)

    assert response.redirect_chain == [(reverse("catalog:home"), 302)]
    assert "The catalogue is empty" in response.content.decode()


# Artist page


def test_artist_page_lists_the_artists_songs_under_its_best_known_spelling(client, songs):
    create_song("Beyonce", "Single Ladies", 100)  # same artist_norm as "Beyoncé" (400)

    response = client.get(songs["halo"].get_artist_url())

    assert response.status_code == 200
    assert response.context["artist_name"] == "Beyoncé"
    assert result_titles(response) == ["Halo", "Single Ladies"]
    assert "<h1>Beyoncé</h1>" in response.content.decode()


def test_artist_page_is_paginated(client, prolific_songs):
    url = prolific_songs[0].get_artist_url()

    assert result_titles(client.get(url))[0] == "Track 01"
    assert result_titles(client.get(url, {"page": 3})) == [f"Track {n:02d}" for n in range(41, 46)]


def test_unknown_artist_is_a_404_page(client, songs):
    response = client.get(reverse("catalog:artist", args=["nobody at all"]))

    assert response.status_code == 404
    html = response.content.decode()
    assert "We couldn't find that page" in html
    assert "/static/css/site.css" in html


def test_artist_page_escapes_names(client, script_song):
    response = client.get(script_song.get_artist_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert SCRIPT_TAG not in html
    assert ESCAPED_SCRIPT_TAG in html


# Error pages


def test_500_page_renders_without_a_request():
    html = render_to_string("500.html")

    assert "Something went wrong" in html
    assert "/static/css/site.css" in html


# Search API


def test_api_search_returns_ranked_results(client, songs):
    response = client.get(API_SEARCH_URL, {"q": "hello"})

    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in ("query", "page", "num_pages", "count")} == {
        "query": "hello",
        "page": 1,
        "num_pages": 1,
        "count": 4,
    }
    adele = songs["adele_hello"]
    assert body["results"][0] == {
        "id": adele.pk,
        "artist": "Adele",
        "title": "Hello",
        "playlist_count": 50,
        "url": adele.get_absolute_url(),
    }
    assert [result["title"] for result in body["results"]] == [
        "Hello",
        "Hello",
        "Hello, Goodbye",
        "Say Hello",
    ]


def test_api_search_accepts_artist_and_track_fields_and_pages(client, prolific_songs):
    body = client.get(API_SEARCH_URL, {"artist": "PROLIFIC band", "page": 3}).json()

    assert (body["page"], body["num_pages"], body["count"], body["count_capped"]) == (
        3,
        3,
        45,
        False,
    )
    assert [result["title"] for result in body["results"]] == [
        f"Track {n:02d}" for n in range(41, 46)
    ]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "Type a song or an artist"),
        ({"q": "  "}, "Type a song or an artist"),
        # The API names the parameter (the search page's form says "That search is too long").
        ({"q": TOO_LONG}, "q must be 200 characters or fewer."),
        ({"q": "hello", "track": TOO_LONG}, "track must be 200 characters or fewer."),
        ({"q": "hello", "page": "abc"}, "page must be a whole number"),
        ({"q": "hello", "page": "0"}, "page must be a whole number"),
        ({"q": "hello", "page": "2"}, "page must be a whole number"),
    ],
)
def test_api_search_rejects_bad_input_with_a_json_400(client, songs, params, message):
    response = client.get(API_SEARCH_URL, params)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert message in response.json()["error"]


def test_api_search_says_when_the_count_is_capped(client, prolific_songs, monkeypatch):
    monkeypatch.setattr(search, "SEARCH_RESULTS_COUNTED", 30)

    body = client.get(API_SEARCH_URL, {"q": "prolific", "page": 2}).json()

    assert (body["count"], body["count_capped"], body["num_pages"]) == (30, True, 2)
    assert len(body["results"]) == 10


def test_api_search_returns_names_unchanged_as_json(client, script_song):
    response = client.get(API_SEARCH_URL, {"q": "script"})

    assert response["Content-Type"] == "application/json"
    result = response.json()["results"][0]
    assert (result["artist"], result["title"]) == (SCRIPT_TAG, SCRIPT_TAG)


def test_search_and_artist_pages_query_a_fixed_number_of_times(
    client, prolific_songs, django_assert_max_num_queries
):
    # Budget: statement_timeout set in a savepoint and put back (tests/catalog/test_budget.py).
    with django_assert_max_num_queries(7):  # the build, budget (4), words known, count, page
        client.get(SEARCH_URL, {"q": "prolific"})
    with django_assert_max_num_queries(3):  # best-known spelling, count, page
        client.get(prolific_songs[0].get_artist_url())


def test_search_page_offers_near_misses_when_nothing_contains_the_words(client, songs):
    response = client.get(SEARCH_URL, {"q": "beyonse"})

    assert response.context["near_miss"] is True
    assert response.context["page"][0].title == "Halo"
    assert "spelt closest" in response.content.decode()


def test_api_search_says_when_results_are_near_misses(client, songs):
    exact = client.get(API_SEARCH_URL, {"q": "halo"}).json()
    near = client.get(API_SEARCH_URL, {"q": "beyonse"}).json()

    assert (exact["near_miss"], [song["title"] for song in exact["results"]]) == (False, ["Halo"])
    assert near["near_miss"] is True
    assert near["results"][0]["title"] == "Halo"


def test_artist_and_track_fields_get_no_near_misses(client, songs):
    response = client.get(SEARCH_URL, {"artist": "beyonse"})

    assert response.context["near_miss"] is False
    assert response.context["page"].paginator.count == 0


def test_autocomplete_endpoint(client, songs, django_assert_num_queries):
    # The active build id, budget (4), words known, their postings counted, songs.
    with django_assert_num_queries(8):
        response = client.get(AUTOCOMPLETE_URL, {"q": "Simon & Garf"})

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=60"
    boxer = songs["boxer"]
    assert response.json() == {
        "query": "Simon & Garf",
        "results": [
            {
                "id": songs["silence"].pk,
                "artist": "Simon & Garfunkel",
                "title": "The Sound of Silence",
                "url": songs["silence"].get_absolute_url(),
            },
            {
                "id": boxer.pk,
                "artist": "Simon & Garfunkel",
                "title": "The Boxer",
                "url": boxer.get_absolute_url(),
            },
        ],
    }


def test_autocomplete_falls_back_to_near_misses(client, songs):
    results = client.get(AUTOCOMPLETE_URL, {"q": "beyonse"}).json()["results"]

    assert results[0]["title"] == "Halo"


def test_autocomplete_short_empty_and_too_long(client, songs):
    assert client.get(AUTOCOMPLETE_URL, {"q": "h"}).json()["results"] == []
    assert client.get(AUTOCOMPLETE_URL).json() == {"query": "", "results": []}
    response = client.get(AUTOCOMPLETE_URL, {"q": "a" * 201})
    assert response.status_code == 400
    assert "200 characters" in response.json()["error"]


def test_autocomplete_escapes_nothing_it_should_not(client, db):
    song = create_song("<b>Bold</b>", "Tag & Title", 3)

    results = client.get(AUTOCOMPLETE_URL, {"q": "bold"}).json()["results"]

    assert results == [
        {
            "id": song.pk,
            "artist": "<b>Bold</b>",
            "title": "Tag & Title",
            "url": song.get_absolute_url(),
        }
    ]


def test_search_page_finds_words_then_substrings(client, songs):
    assert client.get(SEARCH_URL, {"q": "simon gar"}).context["page"].paginator.count == 2
    # Inside a word only: the substring search finds it.
    assert [song.title for song in client.get(SEARCH_URL, {"q": "arfunk"}).context["page"]] == [
        "The Sound of Silence",
        "The Boxer",
    ]
