"""The exact kernel against brute force on small random matrices: plain numpy, no Spark."""

import itertools

import numpy as np
import pytest

from spark.engines.kernel import exact_top_k, select_top_k
from spark.matrix import SongMatrix, blocks


def random_matrix(seed: int, songs: int = 300, playlists: int = 40) -> SongMatrix:
    rng = np.random.default_rng(seed)
    pairs = set()
    for playlist in range(playlists):
        size = int(rng.integers(1, 60))
        # popular songs (low indices) more often, so there are ties and long rows
        members = np.unique((rng.pareto(1.2, size) * 20).astype(int) % songs)
        pairs.update((int(song), playlist) for song in members)
    song, playlist = np.array(sorted(pairs)).T
    # keys need not be 0..n-1: any int64, possibly negative
    return SongMatrix.from_memberships(song * 7919 - 10**12, playlist * 31 + 5)


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


def test_keys_are_sorted_so_index_order_is_key_order() -> None:
    matrix = random_matrix(4)
    assert np.all(np.diff(matrix.keys) > 0)
    assert matrix.degrees.sum() == matrix.indices.size


def test_repeated_and_unsorted_pairs_make_the_same_matrix() -> None:
    song = np.array([30, 10, 30, 20, 10, 30])
    playlist = np.array([7, 5, 7, 5, 6, 5])
    matrix = SongMatrix.from_memberships(song, playlist)
    assert matrix.keys.tolist() == [10, 20, 30]
    assert matrix.indptr.tolist() == [0, 2, 3, 5]
    assert matrix.indices.tolist() == [0, 1, 0, 0, 2]  # playlists 5, 6, 7 are 0, 1, 2
    assert matrix.n_playlists == 3


def test_blocks_cover_every_song_once_and_respect_the_budget() -> None:
    work = np.array([5, 1, 1, 9, 2, 2, 2, 30, 1])
    ranges = blocks(work, 10)
    assert ranges[0][0] == 0 and ranges[-1][1] == work.size
    assert all(end == start for (_, end), (start, _) in itertools.pairwise(ranges))
    # a block exceeds the budget only when it is a single heavy song
    assert all(work[s:e].sum() <= 10 + work[s:e].max() for s, e in ranges)


def test_select_top_k_keeps_k_per_row_in_order() -> None:
    row = np.array([0, 0, 0, 0, 1, 1, 2])
    column = np.array([9, 3, 5, 7, 1, 2, 4])
    numerator = np.array([1, 1, 2, 1, 1, 1, 1], dtype=np.float32)
    denominator = np.array([2, 2, 3, 4, 5, 5, 9], dtype=np.float32)
    chosen, similarity, rank = select_top_k(row, column, numerator, denominator, 2)
    assert column[chosen].tolist() == [5, 3, 1, 2, 4]
    assert rank.tolist() == [1, 2, 1, 2, 1]
    assert similarity[0] == pytest.approx(2 / 3)
