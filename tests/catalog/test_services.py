"""The catalogue's writes: songs upserted by key from a build's record batches, and the word
table and the postings rewritten from them."""

import re

import pyarrow as pa
import pytest
from django.db import connection, transaction

from catalog.models import WORD_MAX_LENGTH, CatalogWord, Song, SongWord
from catalog.services import SONG_COLUMNS, songs_upsert
from matching.names import match_key
from tests.catalog.conftest import create_song


def batch(*songs: Song) -> pa.RecordBatch:
    return pa.RecordBatch.from_pylist(
        [{name: getattr(song, name) for name in SONG_COLUMNS} for song in songs]
    )


def test_songs_upsert_keeps_primary_keys_updates_adds_and_retires(db):
    kept = create_song("Simon & Garfunkel", "The Boxer", 10)
    retired = create_song("Old Artist", "Gone", 5)
    kept.title, kept.playlist_count = "The Boxer (Live)", 12
    added = Song(key=42, artist="New", title="Song", artist_norm="new", title_norm="song")
    added.playlist_count = 3

    assert songs_upsert([batch(kept), batch(added)]) == 2

    updated = Song.objects.get(key=kept.key)
    assert (updated.pk, updated.title, updated.playlist_count) == (kept.pk, "The Boxer (Live)", 12)
    assert updated.in_catalogue
    assert Song.objects.get(key=42).in_catalogue
    assert not Song.objects.get(pk=retired.pk).in_catalogue


def catalogue_words() -> dict[str, int]:
    """Each word of the catalogue's names with how many songs have it, counted in Python."""
    counts: dict[str, int] = {}
    for song in Song.objects.filter(in_catalogue=True):
        for word in set(song.name_norm.split()):
            counts[word] = counts.get(word, 0) + 1
    return counts


def test_a_load_leaves_the_word_table_holding_the_catalogues_words(db):
    boxer = Song(key=1, artist="Simon & Garfunkel", title="The Boxer", playlist_count=3)
    la = Song(key=2, artist="Band", title="La La La", playlist_count=1)
    sound = Song(key=3, artist="Simon & Garfunkel", title="The Sound of Silence")
    for song in (boxer, la, sound):
        song.artist_norm, song.title_norm = match_key(song.artist), match_key(song.title)
    CatalogWord.objects.create(word="stale", song_count=7)

    songs_upsert([batch(boxer, la, sound)])

    words = dict(CatalogWord.objects.values_list("word", "song_count"))
    assert words == catalogue_words()
    assert (words["simon"], words["the"], words["la"]) == (2, 2, 1)

    # The second build drops the Boxer: its own words go, the shared ones count one song less.
    songs_upsert([batch(la, sound)])

    words = dict(CatalogWord.objects.values_list("word", "song_count"))
    assert words == catalogue_words()
    assert "boxer" not in words
    assert (words["simon"], words["the"]) == (1, 1)


def test_words_longer_than_the_column_are_cut(db):
    long_word = "x" * (WORD_MAX_LENGTH + 50)
    create_song("Artist", long_word)

    assert CatalogWord.objects.filter(word="x" * WORD_MAX_LENGTH).exists()


def test_a_load_that_fails_leaves_the_previous_words(db):
    kept = create_song("Simon & Garfunkel", "The Boxer", 10)
    before = dict(CatalogWord.objects.values_list("word", "song_count"))
    added = Song(key=42, artist="New", title="Song", artist_norm="new", title_norm="song")

    with pytest.raises(RuntimeError), transaction.atomic():
        songs_upsert([batch(added)])
        assert CatalogWord.objects.filter(word="new").exists()
        raise RuntimeError("the neighbour rows failed to load")

    assert dict(CatalogWord.objects.values_list("word", "song_count")) == before
    assert "boxer" in before and Song.objects.get(pk=kept.pk).in_catalogue


def catalogue_postings() -> dict[tuple[int, str], tuple[int, int]]:
    """(song id, word): (playlist count, place) for each word of each catalogue song, split in
    Python: the runs of letters and digits of its name, cut to the column's length; whether the
    word starts the artist or the title, and whether it is the whole of one."""
    postings = {}
    for song in Song.objects.filter(in_catalogue=True):
        places: dict[str, int] = {}
        for word in re.findall(r"[^\W_]+", song.name_norm):
            places.setdefault(word[:WORD_MAX_LENGTH], 0)
        for name in (song.artist_norm, song.title_norm):
            if head := re.match(r"[^\W_]+", name):
                whole = SongWord.WHOLE_NAME if head[0] == name else 0
                word = head[0][:WORD_MAX_LENGTH]
                places[word] |= SongWord.STARTS_NAME | whole
        for word, place in places.items():
            postings[song.pk, word] = (song.playlist_count, place)
    return postings


def stored_postings() -> dict[tuple[int, str], tuple[int, int]]:
    rows = SongWord.objects.values_list("song_id", "word", "playlist_count", "place")
    return {(song_id, word): (count, place) for song_id, word, count, place in rows}


def locations() -> dict[tuple[int, str], str]:
    """Where each posting lies in the table: a row deleted and inserted again moves."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT song_id, word, ctid::text FROM {SongWord._meta.db_table}")
        return {(song_id, word): ctid for song_id, word, ctid in cursor.fetchall()}


def test_a_load_leaves_the_postings_holding_the_catalogues_words(db):
    boxer = Song(key=1, artist="Simon & Garfunkel", title="The Boxer", playlist_count=3)
    heroes = Song(key=2, artist="David Bowie", title='"Heroes"', playlist_count=8)
    brien = Song(key=3, artist="O'Brien", title="Hello-World, Hello", playlist_count=1)
    la = Song(key=4, artist="Band", title="La La La", playlist_count=1)
    long = Song(key=5, artist="Artist", title="x" * (WORD_MAX_LENGTH + 50), playlist_count=2)
    for song in (boxer, heroes, brien, la, long):
        song.artist_norm, song.title_norm = match_key(song.artist), match_key(song.title)

    songs_upsert([batch(boxer, heroes, brien, la, long)])

    postings = stored_postings()
    assert postings == catalogue_postings()
    bowie = Song.objects.get(key=2).pk
    assert postings[bowie, "heroes"] == (8, 0)  # the title starts with a quote
    assert postings[bowie, "david"] == (8, SongWord.STARTS_NAME)
    assert postings[Song.objects.get(key=4).pk, "band"] == (1, 3)  # the whole artist
    assert (Song.objects.get(key=5).pk, "x" * WORD_MAX_LENGTH) in postings

    # The second build drops the Boxer, renames one song and makes another more popular: only
    # their postings are written again.
    brien.title, brien.title_norm = "Goodbye", "goodbye"
    la.playlist_count = 40
    before = locations()
    songs_upsert([batch(heroes, brien, la, long)])

    assert stored_postings() == catalogue_postings()
    assert not SongWord.objects.filter(song__key=1).exists()
    after = locations()
    kept = {key for key in after if key[0] in {Song.objects.get(key=k).pk for k in (2, 5)}}
    assert kept and all(after[key] == before[key] for key in kept)
    moved = {key for key in after if key[0] == Song.objects.get(key=4).pk}
    assert all(after[key] != before[key] for key in moved)


def test_a_load_that_fails_leaves_the_previous_postings(db):
    create_song("Simon & Garfunkel", "The Boxer", 10)
    before = stored_postings()
    added = Song(key=42, artist="New", title="Song", artist_norm="new", title_norm="song")

    with pytest.raises(RuntimeError), transaction.atomic():
        songs_upsert([batch(added)])
        assert SongWord.objects.filter(word="new").exists()
        raise RuntimeError("the neighbour rows failed to load")

    assert stored_postings() == before
