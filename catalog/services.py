"""Writes to the catalogue: songs as a build's output names them."""

from collections.abc import Iterable

import pyarrow as pa
from django.db import connection

from catalog.bulk import bulk_load
from catalog.models import Song

# The columns a build's songs arrive with, the key first.
SONG_COLUMNS = ("key", "artist", "title", "artist_norm", "title_norm", "playlist_count")


def songs_upsert(batches: Iterable[pa.RecordBatch]) -> int:
    """Upsert every song of `batches` (SONG_COLUMNS) by key and mark the songs they lack as out
    of catalogue.

    Existing songs keep their primary key. Returns the number of songs in the batches.
    """
    song_table = Song._meta.db_table
    temporary = "incoming_song"
    assignments = ", ".join(f"{name} = excluded.{name}" for name in SONG_COLUMNS[1:])
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {temporary}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {temporary} (key bigint PRIMARY KEY, artist text, "
            "title text, artist_norm text, title_norm text, playlist_count integer)"
        )
    loaded = bulk_load(temporary, SONG_COLUMNS, batches)
    columns = ", ".join(SONG_COLUMNS)
    with connection.cursor() as cursor:
        # "WHERE true" lets SQLite parse ON CONFLICT after INSERT … SELECT.
        cursor.execute(
            f"INSERT INTO {song_table} ({columns}, in_catalogue) "
            f"SELECT {columns}, true FROM {temporary} WHERE true "
            f"ON CONFLICT (key) DO UPDATE SET {assignments}, in_catalogue = true"
        )
        cursor.execute(
            f"UPDATE {song_table} SET in_catalogue = false WHERE in_catalogue "
            f"AND NOT EXISTS (SELECT 1 FROM {temporary} i WHERE i.key = {song_table}.key)"
        )
        cursor.execute(f"DROP TABLE {temporary}")
    return loaded
