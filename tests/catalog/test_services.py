"""The catalogue's writes: songs upserted by key from a build's record batches, and the word
table rewritten from them."""

import pyarrow as pa
import pytest
from django.db import transaction

from catalog.models import WORD_MAX_LENGTH, CatalogWord, Song
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
