import pytest
from django.db import connection

from catalog import selectors
from catalog.selectors import (
    artist_songs,
    catalogue_songs,
    is_song_pk,
    near_misses,
    random_song,
    song_search,
    song_suggestions,
    word_start_query,
)
from tests.catalog.conftest import create_song


def titles(songs) -> list[str]:
    return [song.title for song in songs]


def plan(sql: str, parameters: list) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", parameters)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("pk", "possible"), [(1, True), (2**63 - 1, True), (0, False), (-1, False), (2**63, False)]
)
def test_a_song_primary_key_is_a_positive_bigint(pk, possible):
    assert is_song_pk(pk) is possible


def test_exact_title_ranks_before_prefix_before_word_match(songs):
    # Popularity alone would put "Say Hello" (900) and "Hello, Goodbye" (300) first.
    assert titles(song_search(query="hello")) == ["Hello", "Hello", "Hello, Goodbye", "Say Hello"]


def test_exact_matches_tie_break_on_popularity(songs):
    results = list(song_search(query="hello"))

    assert results[:2] == [songs["adele_hello"], songs["lionel_hello"]]


def test_songs_no_longer_in_the_catalogue_are_left_out(songs):
    assert songs["retired"] not in song_search(query="hello again")
    assert songs["retired"] not in catalogue_songs()


@pytest.mark.parametrize("query", ["beyonce", "BEYONCÉ", "Beyoncé halo"])
def test_search_ignores_case_and_accents(songs, query):
    assert list(song_search(query=query)) == [songs["halo"]]


@pytest.mark.parametrize("query", ["SIMON AND garfunkel", "simon & garfunkel"])
def test_search_reads_ampersand_as_and(songs, query):
    assert list(song_search(query=query)) == [songs["silence"], songs["boxer"]]


def test_every_query_word_must_match_artist_or_title(songs):
    assert list(song_search(query="garfunkel boxer")) == [songs["boxer"]]


def test_artist_and_track_fields_filter_their_own_column(songs):
    assert list(song_search(artist="Simon and Garfunkel", track="boxer")) == [songs["boxer"]]
    assert list(song_search(artist="adele")) == [songs["adele_hello"]]
    # "Hello" is a title, never an artist.
    assert list(song_search(artist="hello")) == []


def test_track_field_ranks_exact_title_first(songs):
    assert titles(song_search(track="hello")) == ["Hello", "Hello", "Hello, Goodbye", "Say Hello"]


def test_artist_songs_are_most_popular_first_and_in_catalogue_only(songs):
    create_song("Simon & Garfunkel", "Old Friends", 9999, in_catalogue=False)

    assert list(artist_songs(artist_norm="simon and garfunkel")) == [
        songs["silence"],
        songs["boxer"],
    ]
    assert not artist_songs(artist_norm="nobody").exists()


def test_random_song_is_none_for_an_empty_catalogue(db):
    create_song("Neil Diamond", "Hello Again", in_catalogue=False)

    assert random_song() is None


def test_random_song_steps_over_songs_out_of_the_catalogue(db, monkeypatch):
    first = create_song("Artist A", "One")
    retired = create_song("Artist B", "Two", in_catalogue=False)
    last = create_song("Artist C", "Three")
    picks = []

    def pick_retired(low: int, high: int) -> int:
        picks.append((low, high))
        return retired.pk

    monkeypatch.setattr(selectors.random, "randint", pick_retired)

    assert random_song() == last
    assert picks == [(first.pk, last.pk)]


# Served by the trigram and full-text indexes: substrings, near misses, suggestions


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
        ("simin garfunkle", "silence"),
    ],
)
def test_near_misses_put_the_closest_spelling_first(songs, text, expected):
    assert list(song_search(query=text)) == []

    assert near_misses(text)[0] == songs[expected]


def test_near_misses_leave_out_songs_no_longer_in_the_catalogue(songs):
    assert songs["retired"] not in near_misses("neil diamond hello again")


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


def test_near_misses_of_known_words_no_song_has_together_have_some_of_them(songs):
    assert list(song_search(query="adele boxer")) == []

    assert set(near_misses("adele boxer")) == {songs["adele_hello"], songs["boxer"]}
