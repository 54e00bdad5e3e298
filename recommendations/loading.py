"""Loading the job's Parquet output into the database.

PostgreSQL gets COPY (streamed record batch by record batch, never row-by-row inserts); other
databases (SQLite in the quick start) get batched inserts. Callers wrap the whole load in one
transaction so the site switches to new data all at once.
"""

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv
import pyarrow.dataset
from django.db import connection

from catalog.models import Song
from recommendations import storage
from spark.contract import InvalidSummary, Summary

SONG_COLUMNS = ("key", "artist", "title", "artist_norm", "title_norm", "playlist_count")
NEIGHBOUR_COLUMNS = ("song_key", "neighbour_key", "similarity", "rank")
BATCH_ROWS = 50_000
HISTOGRAM_BINS = 20


class InvalidOutput(Exception):
    """A directory that is not a whole output of spark/job.py."""


def read_output(output_dir: Path) -> Summary:
    """Check that `output_dir` holds a whole output of spark/job.py and return its summary.

    The summary must be a whole `Summary`; `songs/` and `neighbours/` must be Parquet with the
    columns the load reads and as many rows as the summary counted (a copy cut short has
    fewer). Only the Parquet footers are read. Raises InvalidOutput saying what is wrong.
    """
    if not output_dir.is_dir():
        raise InvalidOutput(f"{output_dir} is not a directory.")
    summary_path = output_dir / "summary.json"
    if not summary_path.is_file():
        raise InvalidOutput(f"{summary_path} is missing: is this the output of spark/job.py?")
    try:
        summary = Summary.from_json(summary_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, InvalidSummary) as error:
        raise InvalidOutput(f"{summary_path} {error}.") from None
    for name, columns, expected in (
        ("songs", SONG_COLUMNS, summary.songs),
        ("neighbours", NEIGHBOUR_COLUMNS, summary.neighbour_rows),
    ):
        rows = _check_parquet(output_dir / name, columns)
        if rows != expected:
            raise InvalidOutput(
                f"{output_dir / name} has {rows:,} rows but {summary_path} counted "
                f"{expected:,}: was the copy cut short?"
            )
    return summary


def _check_parquet(directory: Path, columns: tuple[str, ...]) -> int:
    """The row count of a Parquet directory that has `columns`; raises InvalidOutput otherwise."""
    if not directory.is_dir():
        raise InvalidOutput(f"{directory} is missing: is this the output of spark/job.py?")
    try:
        dataset = pyarrow.dataset.dataset(directory, format="parquet")
        if not dataset.files:
            raise InvalidOutput(f"{directory} holds no Parquet files.")
        missing = [name for name in columns if name not in dataset.schema.names]
        if missing:
            raise InvalidOutput(
                f"{directory} lacks the column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)}."
            )
        return dataset.count_rows()
    except (pa.ArrowException, OSError) as error:
        raise InvalidOutput(f"{directory} is not readable Parquet: {error}") from None


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


@dataclass
class NeighbourLoad:
    """What a neighbour load wrote: the row count and a histogram of similarities."""

    rows: int = 0
    histogram: list[int] = field(default_factory=lambda: [0] * HISTOGRAM_BINS)


def load_neighbours(
    neighbours_dir: Path, *, build_id: int, on_batch: Callable[[int], None] = lambda rows: None
) -> NeighbourLoad:
    """Write the output's neighbour rows into the build's own space (see `storage`).

    `on_batch` is called with the rows loaded so far after every batch; raising from it stops
    the load (the caller's transaction then rolls everything back).
    """
    result = NeighbourLoad()

    def with_build(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            similarities = batch.column("similarity").to_numpy()
            counts, _ = np.histogram(similarities, bins=HISTOGRAM_BINS, range=(0.0, 1.0))
            result.histogram = [a + int(b) for a, b in zip(result.histogram, counts, strict=True)]
            build_column = pa.array(np.full(batch.num_rows, build_id, dtype=np.int64))
            yield pa.RecordBatch.from_arrays(
                [build_column, *batch.columns], names=["build_id", *batch.schema.names]
            )
            result.rows += batch.num_rows
            on_batch(result.rows)

    storage.prepare(build_id)
    columns = ("build_id", *NEIGHBOUR_COLUMNS)
    _bulk_load(
        storage.build_table(build_id),
        columns,
        with_build(_batches(neighbours_dir, NEIGHBOUR_COLUMNS)),
    )
    storage.attach(build_id)
    return result
