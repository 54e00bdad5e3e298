"""Search served by the trigram index: substring and typo-tolerant matching, and autocomplete."""

import pytest
from django.db import connection
from django.urls import reverse

from catalog import selectors
from catalog.selectors import near_misses, song_search, song_suggestions, word_start_query
from tests.catalog.conftest import create_song

AUTOCOMPLETE_URL = reverse("catalog:api_autocomplete")
SEARCH_URL = reverse("catalog:search")
API_SEARCH_URL = reverse("catalog:api_search")


def plan(sql: str, parameters: list) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", parameters)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_substring_search_is_served_by_the_trigram_index(songs):
    sql, parameters = song_search(query="garfunk").query.sql_with_params()

    assert "song_name_trgm" in plan(sql, list(parameters))


def test_near_misses_are_served_by_the_trigram_index(songs):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN SELECT id FROM catalog_song WHERE %s <%% name_norm", ["helo"])
        assert "song_name_trgm" in "\n".join(row[0] for row in cursor.fetchall())


def test_search_matches_inside_words(songs):
    assert list(song_search(query="arfunk")) == [songs["silence"], songs["boxer"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("beyonse", "halo"),
        ("adelle hello", "adele_hello"),
        ("simon and garfunkle boxer", "boxer"),
        ("the sound of silense", "silence"),
    ],
)
def test_near_misses_put_the_closest_spelling_first(songs, text, expected):
    assert list(song_search(query=text)) == []

    assert near_misses(text)[0] == songs[expected]


def test_near_misses_leave_out_songs_no_longer_in_the_catalogue(songs):
    assert songs["retired"] not in near_misses("neil diamond hello again")


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


def test_suggestions_are_popular_songs_containing_every_word(songs):
    assert song_suggestions(text="hel") == [
        songs["say_hello"],
        songs["hello_goodbye"],
        songs["adele_hello"],
        songs["lionel_hello"],
    ]
    assert song_suggestions(text="hello adel") == [songs["adele_hello"]]
    assert song_suggestions(text="hel", limit=2) == [songs["say_hello"], songs["hello_goodbye"]]


@pytest.mark.parametrize("few_matches", [1000, 2])
def test_suggestions_are_the_most_popular_however_many_match(songs, monkeypatch, few_matches):
    # Up to FEW_MATCHES matches are sorted; more, and the popularity index is walked instead.
    monkeypatch.setattr(selectors, "FEW_MATCHES", few_matches)

    assert song_suggestions(text="hel") == [
        songs["say_hello"],
        songs["hello_goodbye"],
        songs["adele_hello"],
        songs["lionel_hello"],
    ]
    assert song_suggestions(text="simon") == [songs["silence"], songs["boxer"]]


def test_short_words_are_checked_on_the_rows_longer_words_find(songs):
    # "b" alone would read every word starting with b in the full-text index.
    assert word_start_query("hello a") == "'hello':*"
    assert list(song_search(query="hello a", word_starts=True)) == [songs["adele_hello"]]
    assert song_suggestions(text="hello g") == [songs["hello_goodbye"]]
    assert song_suggestions(text="the b") == [songs["hello_goodbye"], songs["boxer"]]


def test_suggestions_need_two_letters(songs):
    assert song_suggestions(text="h") == []
    assert song_suggestions(text=" é ") == []


def test_autocomplete_endpoint(client, songs, django_assert_num_queries):
    with django_assert_num_queries(2):  # the active build's id (the page cache's key), songs
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


def test_search_boxes_carry_the_autocomplete_url_and_script(client, db):
    html = client.get(reverse("catalog:home")).content.decode()

    assert html.count(f'data-autocomplete="{AUTOCOMPLETE_URL}"') == 2
    assert "/static/js/autocomplete.js" in html


def test_word_start_search_is_served_by_the_full_text_index(songs):
    sql, parameters = song_search(query="simon garf", word_starts=True).query.sql_with_params()

    assert "song_name_words" in plan(sql, list(parameters))
    assert list(song_search(query="simon garf", word_starts=True)) == [
        songs["silence"],
        songs["boxer"],
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Simon & Garf", "'simon':* & 'and':* & 'garf':*"),
        ("Simon & G", "'simon':* & 'and':*"),
        ("la la", "'la':* & 'la':*"),
        ("Beyoncé", "'beyonce':*"),
        ("AC/DC", None),
        ("  ", None),
    ],
)
def test_word_start_query(db, text, expected):
    assert word_start_query(text) == expected


def test_search_page_finds_words_then_substrings(client, songs):
    assert client.get(SEARCH_URL, {"q": "simon gar"}).context["page"].paginator.count == 2
    # Inside a word only: the substring search finds it.
    assert [song.title for song in client.get(SEARCH_URL, {"q": "arfunk"}).context["page"]] == [
        "The Sound of Silence",
        "The Boxer",
    ]
