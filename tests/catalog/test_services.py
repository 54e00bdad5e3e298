"""The catalogue's writes: songs upserted by key from a build's record batches."""

import pyarrow as pa

from catalog.models import Song
from catalog.services import SONG_COLUMNS, songs_upsert
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
