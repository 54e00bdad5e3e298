"""Loading the job's Parquet output into the database.

Songs go to the catalogue through its own service; neighbour rows are written here; both with
`catalog.bulk.bulk_load` (COPY on PostgreSQL, batched inserts elsewhere). Callers wrap the whole
load in one transaction so the site switches to new data all at once.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.dataset

from catalog.bulk import bulk_load
from catalog.services import SONG_COLUMNS, songs_upsert
from recommendations import storage
from spark.contract import InvalidSummary, Summary

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


def load_songs(songs_dir: Path) -> int:
    """Upsert every song of the output into the catalogue (`catalog.services.songs_upsert`).

    Returns the number of songs in the output.
    """
    return songs_upsert(_batches(songs_dir, SONG_COLUMNS))


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
    bulk_load(
        storage.build_table(build_id),
        columns,
        with_build(_batches(neighbours_dir, NEIGHBOUR_COLUMNS)),
    )
    storage.attach(build_id)
    return result
