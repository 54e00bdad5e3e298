"""The exact engine: the song × playlist matrix broadcast, exact top-K per block of songs.

The driver collects the memberships once (two longs per row), numbers songs in key order and
broadcasts the compressed matrix. Each Spark task takes a block of song indices, sized by
`SongMatrix.work` (the product entries its rows add up) so tasks take similar times, and runs
the compiled kernel on it. A catalogue whose whole product is a few seconds of one core runs
the same blocks in the driver (`in_driver`): Python workers and a broadcast would cost more.
"""

import uuid
from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd
from pyspark import Broadcast
from pyspark.sql import DataFrame, SparkSession

from spark.engines.kernel import Neighbours, SongMatrix, blocks, exact_top_k

NEIGHBOUR_SCHEMA = "song_key long, neighbour_key long, similarity double, rank int"
BLOCK_SCHEMA = "start long, end long"
# Product entries (upper bound) per task: about a second of work, dozens of tasks at full size.
WORK_PER_BLOCK = 60_000_000

_MATRICES: dict[str, SongMatrix] = {}


def broadcast_matrix(spark: SparkSession, matrix: SongMatrix) -> Broadcast:
    """Ship the matrix's arrays once to every executor."""
    # The token names this matrix in each worker's cache (broadcasts carry no id there).
    token = uuid.uuid4().hex
    return spark.sparkContext.broadcast(
        (token, matrix.keys, matrix.indptr, matrix.indices, matrix.n_playlists)
    )


def worker_matrix(broadcast: Broadcast) -> SongMatrix:
    """The broadcast matrix, built once per Python worker and reused by its later tasks."""
    token, *arrays = broadcast.value
    matrix = _MATRICES.get(token)
    if matrix is None:
        _MATRICES.clear()
        matrix = _MATRICES[token] = SongMatrix(*arrays)
    return matrix


def block_frame(spark: SparkSession, ranges: list[tuple[int, int]]) -> DataFrame:
    """One row (start, end) per block, each in its own partition, so blocks run in parallel."""
    rdd = spark.sparkContext.parallelize(ranges, max(1, len(ranges)))
    return spark.createDataFrame(rdd, BLOCK_SCHEMA)


def to_frame(matrix: SongMatrix, found: Neighbours) -> pd.DataFrame:
    """Neighbour rows with song keys in place of indices."""
    return pd.DataFrame(
        {
            "song_key": matrix.keys[found.song],
            "neighbour_key": matrix.keys[found.neighbour],
            "similarity": found.similarity,
            "rank": found.rank.astype(np.int32),
        }
    )


def map_blocks(
    broadcast: Broadcast, compute: Callable[[SongMatrix, int, int], Iterator[pd.DataFrame]]
) -> Callable[[Iterator[pd.DataFrame]], Iterator[pd.DataFrame]]:
    """A mapInPandas function calling `compute(matrix, start, end)` for every block row."""

    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        matrix = worker_matrix(broadcast)
        for batch in batches:
            for start, end in zip(batch["start"].tolist(), batch["end"].tolist(), strict=True):
                yield from compute(matrix, start, end)

    return run


def in_driver(
    matrix: SongMatrix,
    compute: Callable[[SongMatrix, int, int], Iterator[pd.DataFrame]],
    ranges: list[tuple[int, int]],
) -> pd.DataFrame:
    """What `map_blocks(…, compute)` yields over `ranges`, computed in this process instead of
    in Spark tasks: for catalogues smaller than the cost of starting Python workers."""
    frames = [frame for start, end in ranges for frame in compute(matrix, start, end)]
    return pd.concat(frames, ignore_index=True)


def exact_block(k: int) -> Callable[[SongMatrix, int, int], Iterator[pd.DataFrame]]:
    """The exact top-k of one block of songs (NEIGHBOUR_SCHEMA rows)."""

    def compute(matrix: SongMatrix, start: int, end: int) -> Iterator[pd.DataFrame]:
        yield to_frame(matrix, exact_top_k(matrix, np.arange(start, end), k))

    return compute


def exact_neighbours(
    spark: SparkSession, broadcast: Broadcast, ranges: list[tuple[int, int]], k: int
) -> DataFrame:
    """Every song's exact Jaccard top-k (one task per range of `exact_blocks`): song_key,
    neighbour_key, similarity, rank."""
    compute = map_blocks(broadcast, exact_block(k))
    return block_frame(spark, ranges).mapInPandas(compute, NEIGHBOUR_SCHEMA)


def exact_blocks(
    matrix: SongMatrix, tasks_at_least: int = 1, work_per_block: int = WORK_PER_BLOCK
) -> list[tuple[int, int]]:
    """The exact engine's song ranges, one per task: about `work_per_block` each, and at least
    `tasks_at_least` of them so that a small catalogue still keeps every core busy."""
    total = int(matrix.work.sum())
    return blocks(matrix.work, min(work_per_block, max(1, total // tasks_at_least)))
