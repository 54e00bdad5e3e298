"""What a search can cost: the rows the autocomplete and near-miss queries read stay bounded
however few songs match, read from PostgreSQL's own account (EXPLAIN ANALYZE) of each query."""

import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection
from django.urls import reverse

from catalog import selectors
from catalog.models import CatalogWord, Song, SongWord
from catalog.search import SEARCH_RESULTS_COUNTED, search_paginator
from catalog.selectors import near_misses, song_suggestions, unknown_words, word_corrections
from catalog.services import catalog_words_refresh, song_words_refresh
from matching.names import match_key
from tests.catalog.conftest import create_song

SCANS = {"Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan"}
CATALOGUE_SIZE = 4000
# A window of 50 reads 50 rows of the popularity index and the songs tied with the last one (the
# index orders by playlist count alone, the window by count and id): a few in this catalogue.
WINDOW_READ = 60
# FEW_MATCHES of 100: the sorted sample reads 101 matches.
FEW_MATCHES_READ = 101


@pytest.fixture
def catalogue(db) -> None:
    """CATALOGUE_SIZE songs, every title spelt close to "Hello World", none containing "qx"."""
    Song.objects.bulk_create(
        Song(
            key=number,
            artist=f"Band {number}",
            title=f"Hello World {number}",
            artist_norm=match_key(f"Band {number}"),
            title_norm=match_key(f"Hello World {number}"),
            playlist_count=number % 997,
        )
        for number in range(CATALOGUE_SIZE)
    )
    catalog_words_refresh()
    song_words_refresh()
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Song._meta.db_table}")


def scanned(plan: dict, table: str) -> Iterator[tuple[str, int]]:
    """(node type, rows read) of each scan of `table` in an EXPLAIN (FORMAT JSON) plan: the rows
    it returned and those its filters removed, over all its loops."""
    if plan["Node Type"] in SCANS and plan.get("Relation Name") == table:
        rows = plan["Actual Rows"] + plan.get("Rows Removed by Filter", 0)
        rows += plan.get("Rows Removed by Index Recheck", 0)
        yield plan["Node Type"], rows * plan["Actual Loops"]
    for child in plan.get("Plans", []):
        yield from scanned(child, table)


@contextmanager
def song_scans(table: str = Song._meta.db_table) -> Iterator[list[tuple[str, int]]]:
    """The scans of the song table (or `table`) of every SELECT (or WITH … SELECT) run inside,
    as PostgreSQL ran them."""
    scans: list[tuple[str, int]] = []

    def explain(execute, sql, parameters, many, context):
        if sql.lstrip().upper().startswith(("SELECT", "WITH")) and table in sql:
            cursor = context["cursor"]
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", parameters)
            (document,) = cursor.fetchone()
            plan = document if isinstance(document, list) else json.loads(document)
            scans.extend(scanned(plan[0]["Plan"], table))
        return execute(sql, parameters, many, context)

    with connection.execute_wrapper(explain):
        yield scans


def rows_read(scans: list[tuple[str, int]]) -> int:
    return sum(rows for _, rows in scans)


def test_two_letters_matching_nothing_read_a_bounded_number_of_rows(catalogue, monkeypatch):
    monkeypatch.setattr(selectors, "POPULAR_WINDOW", 50)

    with song_scans() as scans:
        assert song_suggestions(text="qx") == []

    # Before: the popularity index walked to its end, then every name searched for "qx".
    assert "Seq Scan" not in {node for node, _ in scans}
    assert rows_read(scans) <= WINDOW_READ


def test_two_letters_find_the_most_popular_songs_within_the_window(catalogue, monkeypatch):
    monkeypatch.setattr(selectors, "POPULAR_WINDOW", 50)

    with song_scans() as scans:
        found = song_suggestions(text="he", limit=3)

    assert [song.playlist_count for song in found] == [996, 996, 996]
    assert rows_read(scans) <= WINDOW_READ


def test_many_matches_read_a_bounded_number_of_rows(catalogue, monkeypatch):
    monkeypatch.setattr(selectors, "FEW_MATCHES", 100)
    monkeypatch.setattr(selectors, "POPULAR_WINDOW", 50)

    with song_scans() as scans:
        found = song_suggestions(text="hello", limit=3)

    assert [song.playlist_count for song in found] == [996, 996, 996]
    assert rows_read(scans) <= FEW_MATCHES_READ + WINDOW_READ


def test_near_misses_rank_a_bounded_number_of_candidates(catalogue, monkeypatch):
    monkeypatch.setattr(selectors, "NEAR_MISS_CANDIDATES", 30)

    with song_scans() as scans:
        found = list(near_misses("helo world", limit=10))

    assert len(found) == 10
    assert "Seq Scan" not in {node for node, _ in scans}
    # The candidates, then the ten songs read again by id.
    assert rows_read(scans) <= 30 + 10


def test_near_misses_of_a_rare_spelling_use_the_index(catalogue):
    with song_scans() as scans:
        assert list(near_misses("zzyzx qwvp")) == []

    assert "Seq Scan" not in {node for node, _ in scans}


@pytest.mark.parametrize("text", ["he", "qx", "a b", "hel", "he wo"])
def test_no_near_misses_without_a_word_of_four_letters(catalogue, text):
    assert not near_misses(text).exists()


@pytest.mark.parametrize("query", ["qx", "a b"])
def test_short_words_are_not_searched_inside_names(client, db, query):
    # Matched anywhere, a word without a trigram reads every name: only word starts are searched.
    create_song("Zaqxb", "Cabbage", 10)

    response = client.get(reverse("api:search"), {"q": query})

    assert (response.json()["count"], response.json()["near_miss"]) == (0, False)


def test_a_search_for_short_words_ranks_the_most_popular_songs_only(client, songs, monkeypatch):
    # The three most popular: "Say Hello" (900), "Halo" (400), "The Sound of Silence" (350).
    monkeypatch.setattr(selectors, "POPULAR_WINDOW", 3)

    found = client.get(reverse("api:search"), {"q": "he"}).json()

    assert [song["title"] for song in found["results"]] == ["Say Hello"]
    assert found["near_miss"] is False


@pytest.mark.parametrize("view", ["api:search", "api:autocomplete"])
def test_a_word_no_song_has_reads_no_song(client, catalogue, view):
    # Before the word table: word starts, then substrings, then near misses, each over the songs.
    with song_scans() as scans:
        response = client.get(reverse(view), {"q": "zzyzx qwvp"})

    assert response.json()["results"] == []
    # The word-start search's plan joins the songs of its page: none.
    assert rows_read(scans) == 0


def test_words_are_looked_up_through_the_word_tables_indexes(catalogue):
    # With a few thousand words the planner may as well read them all (which plan it picks then
    # depends on the statistics of the moment); at a catalogue's hundreds of thousands it takes
    # the indexes. So 200,000 more words, in hexadecimal: none shares a trigram with the words
    # looked up below.
    table = CatalogWord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (word, song_count) "
            "SELECT md5(i::text), 1 FROM generate_series(1, 200000) AS i"
        )
        cursor.execute(f"ANALYZE {table}")
    with song_scans(CatalogWord._meta.db_table) as scans:
        assert unknown_words("hello zzyzx wor") == ["zzyzx"]
        assert word_corrections(["helo", "wrld"]) == {"helo": ["hello"], "wrld": ["world"]}

    assert scans
    assert "Seq Scan" not in {node for node, _ in scans}
    # "hello" and "wor" are found by prefix, "zzyzx" in no posting list; "helo" and "wrld" have
    # one correction each among the few words sharing their trigrams.
    assert rows_read(scans) <= 10


POSTINGS = SongWord._meta.db_table


@pytest.fixture
def postings(catalogue) -> None:
    """The catalogue's postings among 200,000 more, of hexadecimal words no query below starts
    (and songs that do not exist): with a few thousand the planner may as well read them all."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {POSTINGS} (song_id, word, playlist_count, place) "
            "SELECT -i, 'zz' || md5(i::text), i % 1000, 0 FROM generate_series(1, 200000) AS i"
        )
        cursor.execute(f"ANALYZE {POSTINGS}")


def test_a_word_start_search_reads_the_postings_index_and_the_page_songs_only(postings):
    # "123" starts the numbers 123 and 1230 to 1239 (of both the band and the title): 11 songs.
    with song_scans(POSTINGS) as scans, song_scans() as songs:
        paginator, _ = search_paginator(query="123", artist="", track="", page_number=1)

    assert paginator.count == 11
    assert scans == [("Index Only Scan", 11)]
    assert songs == [("Index Scan", 11)]


def test_a_search_of_several_words_reads_the_rarest_ones_postings(postings):
    with song_scans(POSTINGS) as scans, song_scans() as songs:
        paginator, _ = search_paginator(query="hello 123", artist="", track="", page_number=1)

    assert paginator.count == 11
    assert scans[0] == ("Index Only Scan", 11)  # the postings of "123"
    # Then each of its songs' postings looked up by primary key: for "hello", and for "hello"
    # starting a name (which tells the songs to read for an exact or prefix match: all here).
    assert {node for node, _ in scans[1:]} <= {"Index Only Scan", "Index Scan"}
    assert rows_read(scans[1:]) <= 2 * 11 * 4
    assert rows_read(songs) == 11 + 11  # the exact and prefix match, then the page


def test_a_search_whose_rarest_word_is_common_reads_a_bounded_number_of_postings(
    postings, monkeypatch
):
    monkeypatch.setattr(selectors, "FEW_MATCHES", 100)

    with song_scans(POSTINGS) as scans:
        paginator, _ = search_paginator(query="hello world", artist="", track="", page_number=1)

    assert paginator.count == SEARCH_RESULTS_COUNTED
    # FEW_MATCHES + 1 postings of "hello" and their songs' checks; then the songs' full-text
    # index answers.
    assert scans[0] == ("Index Only Scan", FEW_MATCHES_READ)
    assert rows_read(scans[1:]) <= 2 * FEW_MATCHES_READ * 4


def test_suggestions_read_each_words_most_popular_postings_and_the_songs_suggested_only(
    postings,
):
    with song_scans(POSTINGS) as scans, song_scans() as songs:
        found = song_suggestions(text="hello", limit=3)

    assert [song.playlist_count for song in found] == [996, 996, 996]
    assert {node for node, _ in scans} == {"Index Only Scan"}
    # The word "hello" found, the next word looked for, then hello's 3 most popular songs.
    assert rows_read(scans) <= 1 + 1 + 3
    assert songs == [("Index Scan", 3)]


def test_suggestions_of_several_words_read_a_bounded_number_of_postings(postings, monkeypatch):
    monkeypatch.setattr(selectors, "FEW_MATCHES", 100)

    with song_scans(POSTINGS) as scans:
        found = song_suggestions(text="hello wor", limit=3)

    assert [song.playlist_count for song in found] == [996, 996, 996]
    assert scans[0] == ("Index Only Scan", FEW_MATCHES_READ)
