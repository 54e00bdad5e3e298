"""Loading the job's Parquet output into the database.

PostgreSQL gets COPY (streamed record batch by record batch, never row-by-row inserts); other
databases (SQLite in the quick start) get batched inserts. Callers wrap the whole load in one
transaction so the site switches to new data all at once.
"""

import io
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.csv
import pyarrow.dataset
from django.db import connection

from catalog.models import Song
from recommendations.models import Neighbour

SONG_COLUMNS = ("key", "artist", "title", "artist_norm", "title_norm", "playlist_count")
NEIGHBOUR_COLUMNS = ("song_key", "neighbour_key", "similarity", "rank")
BATCH_ROWS = 50_000


def _batches(directory: Path, columns: tuple[str, ...]) -> Iterator[pa.RecordBatch]:
    dataset = pyarrow.dataset.dataset(directory, format="parquet")
    yield from dataset.to_batches(columns=list(columns), batch_size=BATCH_ROWS)


def _copy(cursor, table: str, columns: tuple[str, ...], batch: pa.RecordBatch) -> None:
    buffer = io.BytesIO()
    pyarrow.csv.write_csv(
        batch, buffer, pyarrow.csv.WriteOptions(include_header=False, quoting_style="needed")
    )
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)", buffer)


def _insert(cursor, table: str, columns: tuple[str, ...], batch: pa.RecordBatch) -> None:
    placeholders = ", ".join(["%s"] * len(columns))
    rows = zip(*(batch.column(name).to_pylist() for name in columns), strict=True)
    cursor.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", list(rows)
    )


def _bulk_load(table: str, columns: tuple[str, ...], batches: Iterator[pa.RecordBatch]) -> int:
    write = _copy if connection.vendor == "postgresql" else _insert
    loaded = 0
    with connection.cursor() as cursor:
        for batch in batches:
            write(cursor, table, columns, batch)
            loaded += batch.num_rows
    return loaded


def load_songs(songs_dir: Path) -> int:
    """Upsert every song of the output by key and mark the songs it lacks as out of catalogue.

    Existing songs keep their primary key. Returns the number of songs in the output.
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
    loaded = _bulk_load(temporary, SONG_COLUMNS, _batches(songs_dir, SONG_COLUMNS))
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


def load_neighbours(neighbours_dir: Path, *, build_id: int) -> int:
    """Insert the output's neighbour rows under `build_id`; returns how many."""

    def with_build(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            build_column = pa.array([build_id] * batch.num_rows, pa.int64())
            yield pa.RecordBatch.from_arrays(
                [build_column, *batch.columns], names=["build_id", *batch.schema.names]
            )

    columns = ("build_id", *NEIGHBOUR_COLUMNS)
    batches = with_build(_batches(neighbours_dir, NEIGHBOUR_COLUMNS))
    return _bulk_load(Neighbour._meta.db_table, columns, batches)
