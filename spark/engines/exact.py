"""The exact engine: exact top-K per block of songs, by the compiled kernel.

Blocks are sized by `SongMatrix.work` (the product entries its rows add up) so that they take
similar times; a block runner (`blocks`) computes them in Spark tasks or in the driver.
"""

from collections.abc import Iterator

import numpy as np
import pandas as pd

from spark.engines.blocks import BlockCompute, BlockRunner, neighbour_frame
from spark.engines.kernel import exact_top_k
from spark.matrix import SongMatrix, blocks

# Product entries (upper bound) per task: short tasks, dozens of them at full size, so the cores
# stay evenly busy.
WORK_PER_BLOCK = 60_000_000


def exact_block(k: int) -> BlockCompute:
    """The exact top-k of one block of songs (NEIGHBOUR_SCHEMA rows)."""

    def compute(matrix: SongMatrix, start: int, end: int) -> Iterator[pd.DataFrame]:
        yield neighbour_frame(matrix, exact_top_k(matrix, np.arange(start, end), k))

    return compute


def write_exact_neighbours(
    runner: BlockRunner, ranges: list[tuple[int, int]], k: int, output: str
) -> None:
    """Write every song's exact Jaccard top-k (one block per range of `exact_blocks`) to
    `<output>/neighbours`: song_key, neighbour_key, similarity, rank."""
    runner.write_map(exact_block(k), ranges, output)


def exact_blocks(
    matrix: SongMatrix, tasks_at_least: int = 1, work_per_block: int = WORK_PER_BLOCK
) -> list[tuple[int, int]]:
    """The exact engine's song ranges, one per task: about `work_per_block` each, and at least
    `tasks_at_least` of them so that a small catalogue still keeps every core busy."""
    total = int(matrix.work.sum())
    return blocks(matrix.work, min(work_per_block, max(1, total // tasks_at_least)))
