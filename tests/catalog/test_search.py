"""The search behind the search page: word starts answered from the postings give what the
songs' full-text search gives, in the same order, on generated catalogues."""

import random

import pytest
from django.db.models import QuerySet

from catalog import postings, selectors
from catalog.models import Song
from catalog.pagination import CappedPaginator
from catalog.postings import RankedMatches, most_popular_matches, word_starts
from catalog.search import SEARCH_RESULTS_COUNTED, SONGS_PER_PAGE, search_paginator
from catalog.selectors import song_search, song_suggestions
from catalog.services import catalog_words_refresh, song_words_refresh
from matching.names import match_key
from tests.catalog.conftest import create_song

# Few syllables, so that words share their starts and many names share words.
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa"]
# What real names put around and inside words: the postings split words where the full-text
# parser does.
DECORATIONS = ["{}", "{}", "{}", "{},", '"{}"', "{}'s", "o'{}", "{}-{}", "{}!", "({})"]


def generated_word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3)))


def generated_name(rng: random.Random) -> str:
    words = []
    for _ in range(rng.randint(1, 3)):
        decoration = rng.choice(DECORATIONS)
        words.append(decoration.format(*(generated_word(rng) for _ in range(2))))
    return " ".join(words)


def generated_catalogue(seed: int, size: int = 300) -> list[Song]:
    """`size` songs with generated names, popularity ties and a tenth out of the catalogue."""
    rng = random.Random(seed)
    songs = []
    for number in range(size):
        artist, title = generated_name(rng), generated_name(rng)
        songs.append(
            Song(
                key=number,
                artist=artist,
                title=title,
                artist_norm=match_key(artist),
                title_norm=match_key(title),
                playlist_count=rng.randint(0, 20),
                in_catalogue=rng.random() > 0.1,
            )
        )
    Song.objects.bulk_create(songs)
    catalog_words_refresh()
    song_words_refresh()
    return songs


def generated_queries(seed: int, songs: list[Song], count: int = 120) -> list[str]:
    """Whole names, their starts, words, word starts and pairs of them, typed as people do."""
    rng = random.Random(seed)
    queries = []
    for _ in range(count):
        song = rng.choice(songs)
        words = song.name_norm.replace(",", " ").replace('"', " ").split()
        kind = rng.randrange(6)
        if kind == 0:
            query = rng.choice([song.artist, song.title])
        elif kind == 1:
            query = rng.choice([song.artist_norm, song.title_norm])[: rng.randint(3, 12)]
        elif kind == 2:
            query = rng.choice(words)[: rng.randint(2, 8)]
        elif kind == 3:
            query = " ".join(
                word[: rng.randint(1, 6)] for word in rng.sample(words, min(2, len(words)))
            )
        elif kind == 4:
            query = f"{generated_word(rng)} {generated_word(rng)}"
        else:
            query = song.name_norm
        queries.append(query.upper() if rng.random() < 0.2 else query)
    return queries


def answers(songs) -> list[tuple[int, str, str]]:
    return [(song.pk, song.artist, song.title) for song in songs]


@pytest.mark.parametrize("seed", range(4))
# 0: the rarest word's postings are read; 10**9: the first word's wherever it is long enough.
@pytest.mark.parametrize("first_word_factor", [0, 10**9])
def test_the_postings_rank_word_starts_as_the_songs_full_text_search_does(
    db, seed, first_word_factor, monkeypatch
):
    monkeypatch.setattr(postings, "FIRST_WORD_FACTOR", first_word_factor)
    songs = generated_catalogue(seed)
    compared = 0
    for query in generated_queries(seed, songs):
        search = word_starts(query)
        if search is None:
            continue
        expected = list(song_search(query=query, word_starts=True)[:SEARCH_RESULTS_COUNTED])

        found, total = RankedMatches(search).window(0, SEARCH_RESULTS_COUNTED)

        assert answers(found) == answers(expected), query
        assert total == len(expected) == RankedMatches(search).count(), query
        compared += 1
    assert compared > 30


@pytest.mark.parametrize("seed", range(2))
def test_suggestions_from_the_postings_are_the_most_popular_matches(db, seed):
    songs = generated_catalogue(seed)
    for query in generated_queries(seed, songs, count=60):
        search = word_starts(query)
        if search is None:
            continue
        matches = song_search(query=query, word_starts=True).order_by("-playlist_count", "pk")

        assert answers(most_popular_matches(search, limit=8)) == answers(matches[:8]), query


def test_pages_and_counts_come_from_the_postings_as_from_the_songs(db):
    songs = generated_catalogue(7, size=600)
    for query in ["ka", "kalo", "mi", "ru sa", "ne"]:
        search = word_starts(query)
        if search is None:
            continue
        expected = CappedPaginator(
            song_search(query=query, word_starts=True), SONGS_PER_PAGE, cap=SEARCH_RESULTS_COUNTED
        )
        found = CappedPaginator(RankedMatches(search), SONGS_PER_PAGE, cap=SEARCH_RESULTS_COUNTED)
        found.fetch(2)

        assert (found.count, found.num_pages) == (expected.count, expected.num_pages), query
        for number in expected.page_range:
            page = found.page(number)
            assert answers(page) == answers(expected.page(number)), (query, number)
    assert songs


def test_the_search_page_reads_word_starts_from_the_postings(songs, django_assert_num_queries):
    # The page and its count in one statement.
    with django_assert_num_queries(1):
        paginator, near_miss = search_paginator(query="hello", artist="", track="", page_number=1)
        page = paginator.page(1)

    assert not near_miss
    assert [song.title for song in page] == ["Hello", "Hello", "Hello, Goodbye", "Say Hello"]
    assert paginator.count == 4


def test_a_query_whose_rarest_word_is_too_common_searches_the_songs(songs, monkeypatch):
    expected, _ = search_paginator(query="simon garf", artist="", track="", page_number=1)
    monkeypatch.setattr(selectors, "FEW_MATCHES", 1)

    paginator, _ = search_paginator(query="simon garf", artist="", track="", page_number=1)

    assert isinstance(paginator.object_list, QuerySet)
    assert answers(paginator.page(1)) == answers(expected.page(1))
    assert [song.title for song in paginator.page(1)] == ["The Sound of Silence", "The Boxer"]


def test_suggestions_fall_back_when_the_rarest_word_is_too_common(songs, monkeypatch):
    monkeypatch.setattr(selectors, "FEW_MATCHES", 1)

    assert [song.title for song in song_suggestions(text="simon garf")] == [
        "The Sound of Silence",
        "The Boxer",
    ]


@pytest.mark.parametrize("query", ["he", "he wo", "o'brien", "x" * 300])
def test_queries_the_postings_do_not_answer(db, query):
    assert word_starts(query) is None


def test_short_words_are_checked_and_the_rarest_long_word_read(songs):
    search = word_starts("Simon & Garf")

    assert (search.key, search.words, search.rarest) == (
        "simon and garf",
        ("simon", "and", "garf"),
        "simon",
    )


def test_the_first_word_is_read_where_it_is_nearly_as_rare(db):
    for number in range(8):
        create_song(f"Gamma {number}", "Song")
    for number in range(3):
        create_song(f"Alpha {number}", "Song")
    create_song("Alpha Beta Gamma", "Song")

    # "alpha" starts 4 postings, "beta" 1: at most FIRST_WORD_FACTOR (4) times as many.
    assert word_starts("alpha beta").rarest == "alpha"
    # "gamma" starts 9.
    assert word_starts("gamma beta").rarest == "beta"
