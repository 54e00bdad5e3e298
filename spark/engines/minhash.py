"""The banded MinHash LSH engine in Spark: signatures, buckets, candidates, exact verification.

Stages, each a DataFrame → DataFrame step over the broadcast song matrix (numpy inside tasks):
`minhash_signatures` (one row per song and band: band, bucket, song), `lsh_candidates` (pairs
from each bucket, each song with the next `cap` − 1 of it), `verified_neighbours` (candidates
checked with exact Jaccard, top-K per song; songs in one playlist and songs LSH left short get
exact lists). Counts go to accumulators and the summary.
"""

from collections.abc import Iterator

import numpy as np
import pandas as pd
from pyspark import AccumulatorParam, Broadcast
from pyspark.sql import DataFrame, SparkSession

from spark.engines import lsh
from spark.engines.exact import (
    NEIGHBOUR_SCHEMA,
    block_frame,
    map_blocks,
    to_frame,
    worker_matrix,
)
from spark.engines.kernel import SongMatrix, blocks

BUCKET_SCHEMA = "band int, bucket long, order long, song int"
PAIR_SCHEMA = "block int, a int, b int"
# Songs per signature task and work per verification task.
SIGNATURE_WORK = 2_000_000
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
        self.signatures = context.accumulator(0)
        self.buckets = context.accumulator(0)
        self.largest_bucket = context.accumulator(0, _Max())
        self.capped_buckets = context.accumulator(0)
        self.verified_pairs = context.accumulator(0)
        self.filled_exactly = context.accumulator(0)

    def values(self) -> dict[str, int]:
        return {
            "signatures": self.signatures.value,
            "buckets": self.buckets.value,
            "largest_bucket": self.largest_bucket.value,
            "capped_buckets": self.capped_buckets.value,
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


def minhash_signatures(
    spark: SparkSession,
    matrix: SongMatrix,
    broadcast: Broadcast,
    settings: lsh.LshSettings,
    counters: Counters,
) -> DataFrame:
    """One row per song in two or more playlists and band: band, bucket (the band's key), order
    (see lsh.band_orders), song.

    Songs in a single playlist get no signature: their neighbours are known exactly.
    """

    def compute(matrix: SongMatrix, start: int, end: int) -> Iterator[pd.DataFrame]:
        songs = np.arange(start, end)
        songs = songs[matrix.degrees[songs] >= 2]
        if songs.size == 0:
            return
        signature = lsh.signatures(matrix, songs, _hash_table(matrix, settings))
        counters.signatures.add(int(songs.size))
        yield pd.DataFrame(
            {
                "band": np.repeat(
                    np.arange(settings.bands, dtype=np.int32)[None, :], songs.size, axis=0
                ).ravel(),
                "bucket": lsh.band_keys(signature, settings).ravel(),
                "order": lsh.band_orders(signature, settings).ravel(),
                "song": np.repeat(songs.astype(np.int32), settings.bands),
            }
        )

    ranges = blocks(matrix.degrees.astype(np.int64) * settings.hashes, SIGNATURE_WORK * 20)
    return block_frame(spark, ranges).mapInPandas(map_blocks(broadcast, compute), BUCKET_SCHEMA)


def lsh_candidates(
    bucket_rows: DataFrame,
    settings: lsh.LshSettings,
    block_starts: np.ndarray,
    n_songs: int,
    partitions: int,
    counters: Counters,
) -> DataFrame:
    """Candidate pairs from shared buckets, each once per direction's block: block, a, b.

    Rows of one bucket meet in one task (hash partitioning, then sorted by order); each song
    pairs with the next `cap` − 1 of its bucket. `block` is the verification block of `a`
    (and a second row carries the pair to `b`'s block when it differs).
    """
    cap = settings.cap

    def pairs(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        batches = list(batches)
        if not batches:
            return
        frame = pd.concat(batches, ignore_index=True)
        a, b, stats = lsh.bucket_pairs(
            frame["band"].to_numpy(), frame["bucket"].to_numpy(), frame["song"].to_numpy(), cap
        )
        counters.buckets.add(stats.buckets)
        counters.largest_bucket.add(stats.largest)
        counters.capped_buckets.add(stats.capped)
        if a.size == 0:
            return
        a, b = lsh.unique_pairs(a, b, n_songs)
        block_a = np.searchsorted(block_starts, a, side="right") - 1
        block_b = np.searchsorted(block_starts, b, side="right") - 1
        other = block_a != block_b
        yield pd.DataFrame(
            {
                "block": np.r_[block_a, block_b[other]].astype(np.int32),
                "a": np.r_[a, a[other]].astype(np.int32),
                "b": np.r_[b, b[other]].astype(np.int32),
            }
        )

    return (
        bucket_rows.repartition(partitions, "band", "bucket")
        .sortWithinPartitions("band", "bucket", "order", "song")
        .mapInPandas(pairs, PAIR_SCHEMA)
    )


def verified_neighbours(
    spark: SparkSession,
    candidates: DataFrame,
    broadcast: Broadcast,
    ranges: list[tuple[int, int]],
    k: int,
    counters: Counters,
) -> DataFrame:
    """Top-k per song from candidates verified with exact Jaccard: NEIGHBOUR_SCHEMA rows.

    One task per block of songs (`ranges`); an empty marker row per block makes sure blocks
    without candidates still get their single-playlist and exact fill-in lists.
    """
    markers = spark.createDataFrame([(block, -1, -1) for block in range(len(ranges))], PAIR_SCHEMA)
    rows = candidates.unionByName(markers).repartition(len(ranges), "block")

    def verify(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        batches = list(batches)
        if not batches:
            return
        matrix = worker_matrix(broadcast)
        frame = pd.concat(batches, ignore_index=True)
        for block, group in frame.groupby("block", sort=True):
            start, end = ranges[int(block)]
            a, b = group["a"].to_numpy(), group["b"].to_numpy()
            real = a >= 0
            found, counts = lsh.verified_top_k(
                matrix,
                a[real].astype(np.int64),
                b[real].astype(np.int64),
                np.arange(start, end),
                k,
            )
            counters.verified_pairs.add(counts["verified_pairs"])
            counters.filled_exactly.add(counts["filled_exactly"])
            yield to_frame(matrix, found)

    return rows.mapInPandas(verify, NEIGHBOUR_SCHEMA)


def verification_blocks(matrix: SongMatrix) -> list[tuple[int, int]]:
    """Song ranges for verification tasks, sized by product work (the exact fill-in's cost)."""
    return blocks(matrix.work, VERIFY_WORK)
