import pytest

from catalog import selectors
from catalog.selectors import artist_songs, catalogue_songs, random_song, song_search
from tests.catalog.conftest import create_song


def titles(songs) -> list[str]:
    return [song.title for song in songs]


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
