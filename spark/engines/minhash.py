"""The banded MinHash LSH engine: buckets and candidates per band, exact verification.

Two steps over the song matrix (compiled loops inside each block), run by a block runner
(`blocks`): `lsh_candidates` (one block per group of bands: signatures, buckets, each song paired
with the next `cap` − 1 of its bucket, pairs verified on the spot and each song's k best kept)
and `write_verified_neighbours` (per block of songs, the candidates of all band groups merged:
top-K by the exact Jaccard their shared playlists give; songs in one playlist and songs LSH left
short get exact lists). Counts go to accumulators and the summary.
"""

from collections.abc import Iterator

import numpy as np
import pandas as pd
from pyspark import AccumulatorParam
from pyspark.sql import SparkSession

from spark.engines import lsh
from spark.engines.blocks import (
    BlockCompute,
    BlockRunner,
    GroupCompute,
    Rows,
    neighbour_frame,
)
from spark.matrix import SongMatrix, blocks

# A candidate row holds one verification block's pairs from one band group, packed (`pack_pairs`):
# a few large binary rows shuffle far faster than one small row per pair.
PAIR_SCHEMA = "block int, pairs binary"
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
        self.kept_pairs = context.accumulator(0)
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
            "kept_pairs": self.kept_pairs.value,
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


def pack_pairs(a: np.ndarray, b: np.ndarray, shared: np.ndarray) -> bytes:
    """Pairs (a, b) and their shared playlists as the bytes of one (n, 3) int32 array."""
    return np.column_stack([a, b, shared]).astype(np.int32).tobytes()


def unpack_pairs(packed: list[bytes]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs of several `pack_pairs` rows, concatenated: a, b, shared (int64)."""
    pairs = np.frombuffer(b"".join(packed), np.int32).reshape(-1, 3).astype(np.int64)
    return pairs[:, 0], pairs[:, 1], pairs[:, 2]


def _candidate_block(
    settings: lsh.LshSettings, ranges: list[tuple[int, int]], k: int, counters: Counters
) -> BlockCompute:
    starts = np.array([start for start, _ in ranges])

    def compute(matrix: SongMatrix, first: int, last: int) -> Iterator[pd.DataFrame]:
        table = _hash_table(matrix, settings)
        a, b, shared, stats = lsh.band_candidates(matrix, table, settings, range(first, last), k)
        counters.add(int((matrix.degrees >= 2).sum()) * (last - first), stats)
        counters.kept_pairs.add(int(a.size))
        # `a` ascends, so each verification block's pairs are one slice.
        cuts = np.searchsorted(a, starts).tolist() + [a.size]
        for block in range(len(ranges)):
            begin, end = cuts[block], cuts[block + 1]
            if begin < end:
                packed = pack_pairs(a[begin:end], b[begin:end], shared[begin:end])
                yield pd.DataFrame({"block": np.array([block], np.int32), "pairs": [packed]})

    return compute


def lsh_candidates(
    runner: BlockRunner,
    settings: lsh.LshSettings,
    ranges: list[tuple[int, int]],
    k: int,
    counters: Counters,
    tasks: int,
) -> Rows:
    """Candidate rows (block, pairs): each song's k best verified partners per band group and how
    many playlists they share (`pack_pairs`), one row per group and verification block of the
    first song (`ranges`). One
    block per group of bands (`band_groups` of `tasks`), each holding the whole matrix: no
    bucket row is shuffled, only k pairs per song and group."""
    compute = _candidate_block(settings, ranges, k, counters)
    return runner.map(compute, band_groups(settings.bands, tasks), PAIR_SCHEMA)


def task_count(spark: SparkSession) -> int:
    """Band groups: one a core, two at least."""
    return max(2, spark.sparkContext.defaultParallelism)


def _markers(ranges: list[tuple[int, int]]) -> list[tuple[int, bytes]]:
    # An empty row per block, so that blocks without candidates still get their
    # single-playlist and exact fill-in lists.
    return [(block, b"") for block in range(len(ranges))]


def _verify_block(ranges: list[tuple[int, int]], k: int, counters: Counters) -> GroupCompute:
    def compute(matrix: SongMatrix, frame: pd.DataFrame) -> Iterator[pd.DataFrame]:
        for block, group in frame.groupby("block", sort=True):
            start, end = ranges[int(block)]
            a, b, shared = unpack_pairs(group["pairs"].tolist())
            found, counts = lsh.verified_top_k(matrix, a, b, shared, np.arange(start, end), k)
            counters.filled_exactly.add(counts["filled_exactly"])
            yield neighbour_frame(matrix, found)

    return compute


def write_verified_neighbours(
    runner: BlockRunner,
    candidates: Rows,
    ranges: list[tuple[int, int]],
    k: int,
    counters: Counters,
    output: str,
) -> None:
    """Write the top-k per song from candidates verified with exact Jaccard to
    `<output>/neighbours` (NEIGHBOUR_SCHEMA rows).

    One block per range of songs (`ranges`); songs in one playlist and songs LSH left short
    get exact lists (`lsh.verified_top_k`).
    """
    compute = _verify_block(ranges, k, counters)
    runner.write_regroup(candidates, _markers(ranges), compute, output)


def verification_blocks(matrix: SongMatrix) -> list[tuple[int, int]]:
    """Song ranges for verification tasks, sized by product work (the exact fill-in's cost)."""
    return blocks(matrix.work, VERIFY_WORK)
