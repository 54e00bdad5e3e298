"""The song matrix and its blocks: plain numpy, no Spark."""

import itertools

import numpy as np

from spark.matrix import SongMatrix, blocks
from tests.spark.matrices import random_matrix


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
