"""The exact kernel against brute force on small random matrices: plain numpy, no Spark."""

import numpy as np
import pytest

from spark.engines.kernel import exact_top_k
from spark.matrix import SongMatrix
from tests.spark.matrices import random_matrix


def brute_force(matrix: SongMatrix, k: int) -> dict[int, list[tuple[int, float]]]:
    dense = matrix.rows.toarray().astype(bool)
    result = {}
    for a in range(matrix.n_songs):
        shared = (dense[a] & dense).sum(axis=1)
        union = (dense[a] | dense).sum(axis=1)
        scored = [(-shared[b] / union[b], b) for b in range(matrix.n_songs) if b != a and shared[b]]
        result[a] = [(b, -score) for score, b in sorted(scored)[:k]]
    return result


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("k", [1, 5, 20])
# One column slice, and slices of 7 songs (the ranking carries over from slice to slice).
@pytest.mark.parametrize("column_slice", [1024, 7])
def test_exact_top_k_equals_brute_force_with_ties_to_the_smaller_key(
    seed: int, k: int, column_slice: int
) -> None:
    matrix = random_matrix(seed)
    expected = brute_force(matrix, k)
    found = exact_top_k(matrix, np.arange(matrix.n_songs), k, column_slice=column_slice)
    got: dict[int, list[tuple[int, float]]] = {}
    for song, neighbour, similarity, rank in zip(
        found.song, found.neighbour, found.similarity, found.rank, strict=True
    ):
        got.setdefault(int(song), []).append((int(neighbour), float(similarity)))
        assert rank == len(got[int(song)])
    assert got == {song: pairs for song, pairs in expected.items() if pairs}
