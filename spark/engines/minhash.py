"""The banded MinHash LSH engine in Spark: buckets and candidates per band, exact verification.

Two steps over the broadcast song matrix (compiled loops inside tasks):
`lsh_candidates` (one task per group of bands: signatures, buckets, each song paired with the
next `cap` − 1 of its bucket, pairs verified on the spot and each song's k best kept) and
`verified_neighbours` (per block of songs, the candidates of all band groups merged: top-K by
exact Jaccard; songs in one playlist and songs LSH left short get exact lists). Counts go to
accumulators and the summary. `candidates_in_driver` and `verified_in_driver` compute the same
rows in the driver for small catalogues (see `exact.in_driver`).
"""

from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd
from pyspark import AccumulatorParam, Broadcast
from pyspark.sql import DataFrame, SparkSession

from spark.engines import lsh
from spark.engines.exact import (
    NEIGHBOUR_SCHEMA,
    block_frame,
    in_driver,
    map_blocks,
    to_frame,
    worker_matrix,
)
from spark.engines.kernel import SongMatrix, blocks

PAIR_SCHEMA = "block int, a int, b int"
# Work (product entries of the exact fill-in) per verification task.
VERIFY_WORK = 60_000_000


class _Max(AccumulatorParam):
    def zero(self, value: int) -> int:
        return 0

    def addInPlace(self, value1: int, value2: int) -> int:
        return max(value1, value2)


class Counters:
    """Accumulators the engine's tasks add to (task retries may count twice)."""

    def __init__(self, spark: SparkSession) -> None:
        context = spark.sparkContext
        self.bucket_rows = context.accumulator(0)
        self.buckets = context.accumulator(0)
        self.largest_bucket = context.accumulator(0, _Max())
        self.capped_buckets = context.accumulator(0)
        self.candidate_pairs = context.accumulator(0)
        self.verified_pairs = context.accumulator(0)
        self.filled_exactly = context.accumulator(0)

    def add(self, bucket_rows: int, stats: lsh.BandStats) -> None:
        self.bucket_rows.add(bucket_rows)
        self.buckets.add(stats.buckets)
        self.largest_bucket.add(stats.largest)
        self.capped_buckets.add(stats.capped)
        self.candidate_pairs.add(stats.candidate_pairs)
        self.verified_pairs.add(stats.verified_pairs)

    def values(self) -> dict[str, int]:
        return {
            "bucket_rows": self.bucket_rows.value,
            "buckets": self.buckets.value,
            "largest_bucket": self.largest_bucket.value,
            "capped_buckets": self.capped_buckets.value,
            "candidate_pairs": self.candidate_pairs.value,
            "verified_pairs": self.verified_pairs.value,
            "filled_exactly": self.filled_exactly.value,
        }


_TABLES: dict[tuple[int, int, int], np.ndarray] = {}


def _hash_table(matrix: SongMatrix, settings: lsh.LshSettings) -> np.ndarray:
    name = (matrix.n_playlists, settings.hashes, settings.seed)
    if name not in _TABLES:
        _TABLES.clear()
        _TABLES[name] = lsh.hash_table(matrix.n_playlists, settings.hashes, settings.seed)
    return _TABLES[name]


def band_groups(bands: int, tasks: int) -> list[tuple[int, int]]:
    """Bands split into up to `tasks` contiguous [first, last) groups of near-equal size."""
    bounds = np.linspace(0, bands, min(bands, max(1, tasks)) + 1).round().astype(int)
    return list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))


def _candidate_block(
    settings: lsh.LshSettings, ranges: list[tuple[int, int]], k: int, counters: Counters
) -> Callable[[SongMatrix, int, int], Iterator[pd.DataFrame]]:
    starts = np.array([start for start, _ in ranges])

    def compute(matrix: SongMatrix, first: int, last: int) -> Iterator[pd.DataFrame]:
        table = _hash_table(matrix, settings)
        a, b, stats = lsh.band_candidates(matrix, table, settings, range(first, last), k)
        counters.add(int((matrix.degrees >= 2).sum()) * (last - first), stats)
        yield pd.DataFrame(
            {
                "block": (np.searchsorted(starts, a, side="right") - 1).astype(np.int32),
                "a": a.astype(np.int32),
                "b": b.astype(np.int32),
            }
        )

    return compute


def lsh_candidates(
    spark: SparkSession,
    broadcast: Broadcast,
    settings: lsh.LshSettings,
    ranges: list[tuple[int, int]],
    k: int,
    counters: Counters,
) -> DataFrame:
    """Candidate pairs (block, a, b): each song's k best verified partners per band group,
    `block` being a's verification block (`ranges`). One task per group of bands
    (`band_groups`), each holding the whole matrix: no bucket row is shuffled, only k pairs per
    song and group."""
    groups = band_groups(settings.bands, task_count(spark))
    compute = map_blocks(broadcast, _candidate_block(settings, ranges, k, counters))
    return block_frame(spark, groups).mapInPandas(compute, PAIR_SCHEMA)


def task_count(spark: SparkSession) -> int:
    """Band groups: one a core, two at least."""
    return max(2, spark.sparkContext.defaultParallelism)


def _markers(ranges: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
    # An empty row per block, so that blocks without candidates still get their
    # single-playlist and exact fill-in lists.
    return [(block, -1, -1) for block in range(len(ranges))]


def _verify(
    matrix: SongMatrix,
    frame: pd.DataFrame,
    ranges: list[tuple[int, int]],
    k: int,
    counters: Counters,
) -> Iterator[pd.DataFrame]:
    for block, group in frame.groupby("block", sort=True):
        start, end = ranges[int(block)]
        a, b = group["a"].to_numpy(), group["b"].to_numpy()
        real = a >= 0
        found, counts = lsh.verified_top_k(
            matrix, a[real].astype(np.int64), b[real].astype(np.int64), np.arange(start, end), k
        )
        counters.filled_exactly.add(counts["filled_exactly"])
        yield to_frame(matrix, found)


def verified_neighbours(
    spark: SparkSession,
    candidates: DataFrame,
    broadcast: Broadcast,
    ranges: list[tuple[int, int]],
    k: int,
    counters: Counters,
) -> DataFrame:
    """Top-k per song from candidates verified with exact Jaccard: NEIGHBOUR_SCHEMA rows.

    One task per block of songs (`ranges`); songs in one playlist and songs LSH left short
    get exact lists (`lsh.verified_top_k`).
    """
    markers = spark.createDataFrame(_markers(ranges), PAIR_SCHEMA)
    rows = candidates.unionByName(markers).repartition(len(ranges), "block")

    def verify(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        batches = list(batches)
        if batches:
            frame = pd.concat(batches, ignore_index=True)
            yield from _verify(worker_matrix(broadcast), frame, ranges, k, counters)

    return rows.mapInPandas(verify, NEIGHBOUR_SCHEMA)


def candidates_in_driver(
    matrix: SongMatrix,
    settings: lsh.LshSettings,
    ranges: list[tuple[int, int]],
    k: int,
    counters: Counters,
    tasks: int,
) -> pd.DataFrame:
    """`lsh_candidates`' rows for the same band groups, computed in this process (see
    `exact.in_driver`)."""
    compute = _candidate_block(settings, ranges, k, counters)
    return in_driver(matrix, compute, band_groups(settings.bands, tasks))


def verified_in_driver(
    matrix: SongMatrix,
    candidates: pd.DataFrame,
    ranges: list[tuple[int, int]],
    k: int,
    counters: Counters,
) -> pd.DataFrame:
    """`verified_neighbours`' rows, computed in this process (see `exact.in_driver`)."""
    markers = pd.DataFrame(_markers(ranges), columns=candidates.columns, dtype=np.int32)
    frame = pd.concat([candidates, markers], ignore_index=True)
    return pd.concat(_verify(matrix, frame, ranges, k, counters), ignore_index=True)


def verification_blocks(matrix: SongMatrix) -> list[tuple[int, int]]:
    """Song ranges for verification tasks, sized by product work (the exact fill-in's cost)."""
    return blocks(matrix.work, VERIFY_WORK)
