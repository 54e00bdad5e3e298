"""Banded MinHash pieces: the S-curve, signatures, bucket pairs with a cap, verification."""

import numpy as np
import pytest

from spark.engines import lsh
from spark.engines.kernel import exact_top_k
from spark.matrix import SongMatrix
from tests.spark.matrices import random_matrix


def test_bands_come_from_the_threshold_and_the_s_curve_is_steepest_there() -> None:
    settings = lsh.LshSettings.for_threshold(0.2, rows=2, cap=100, seed=1)
    assert settings.bands == 25 and settings.hashes == 50
    assert settings.threshold == pytest.approx(0.2)
    assert settings.probability(0.0) == 0.0 and settings.probability(1.0) == 1.0
    assert settings.probability(0.2) == pytest.approx(1 - (1 - 0.04) ** 25)
    assert settings.probability(0.1) < 0.5 < settings.probability(0.3)
    assert lsh.LshSettings.for_threshold(0.2, rows=2, cap=9, seed=1, bands=7).bands == 7


def test_identical_playlist_sets_share_every_signature_entry_and_others_mostly_not() -> None:
    matrix = SongMatrix.from_memberships(
        np.array([1, 1, 1, 2, 2, 2, 3, 3]), np.array([10, 11, 12, 10, 11, 12, 13, 14])
    )
    table = lsh.hash_table(matrix.n_playlists, 64, seed=3)
    signature = lsh.signatures(matrix, np.arange(3), table)
    assert signature.shape == (3, 64)
    assert np.array_equal(signature[0], signature[1])
    assert not np.array_equal(signature[0], signature[2])
    assert np.array_equal(signature[2], table[[3, 4]].min(axis=0))
    keys = lsh.band_key(signature[:, :2], band=0)
    assert keys[0] == keys[1] != keys[2]
    assert lsh.band_key(signature[:, :2], band=1)[0] != keys[0]


def test_band_order_puts_songs_agreeing_on_its_entries_together() -> None:
    entries = np.array([[1, 2], [9, 9], [1, 3], [1, 2]], np.uint32)
    orders = lsh.band_order(entries)
    assert orders.tolist() == [(1 << 32) | 2, (9 << 32) | 9, (1 << 32) | 3, (1 << 32) | 2]
    assert np.argsort(orders, kind="stable").tolist() == [0, 3, 2, 1]


def shared_playlists(matrix: SongMatrix, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """|playlists(a) ∩ playlists(b)| per pair, from the dense product A · Aᵀ."""
    product = (matrix.rows @ matrix.rows.T).toarray()
    return product[a, b].astype(np.int64)


def shared_bucket_matrix(songs: int) -> SongMatrix:
    """`songs` songs in the same two playlists (one bucket in every band) and a song apart."""
    song = np.r_[np.repeat(np.arange(songs), 2), songs, songs]
    playlist = np.r_[np.tile([100, 101], songs), 102, 103]
    return SongMatrix.from_memberships(song, playlist)


def test_a_bucket_above_the_cap_gives_each_song_the_next_cap_minus_one() -> None:
    matrix = shared_bucket_matrix(10)
    settings = lsh.LshSettings(bands=2, rows=2, cap=3, seed=1)
    table = lsh.hash_table(matrix.n_playlists, settings.hashes, settings.seed)
    a, b, shared, stats = lsh.band_candidates(matrix, table, settings, range(2), k=5)
    # per band: one bucket of 10 songs, each paired with the next two (8 × 2 + 1 pairs)
    assert (stats.buckets, stats.largest, stats.capped) == (2, 10, 2)
    assert stats.candidate_pairs == stats.verified_pairs == 2 * 17
    assert set(a.tolist()) == set(range(10))  # song 10 shares no bucket with anyone
    assert all(x != y for x, y in zip(a.tolist(), b.tolist(), strict=True))
    assert np.bincount(a).max() <= 5
    assert (shared == 2).all()  # every pair shares both playlists


def test_candidates_below_the_cap_are_every_pair_and_give_the_exact_top_k() -> None:
    matrix = random_matrix(2, songs=120, playlists=12)
    settings = lsh.LshSettings(bands=60, rows=1, cap=1000, seed=1)
    table = lsh.hash_table(matrix.n_playlists, settings.hashes, settings.seed)
    a, b, shared, _ = lsh.band_candidates(matrix, table, settings, range(settings.bands), k=4)
    assert np.array_equal(shared, shared_playlists(matrix, a, b))
    songs = np.arange(matrix.n_songs)
    found, _ = lsh.verified_top_k(matrix, a, b, shared, songs, 4)
    exact = exact_top_k(matrix, songs, 4)
    order = np.lexsort((found.rank, found.song))
    assert np.array_equal(found.song[order], exact.song)
    assert np.array_equal(found.similarity[order], exact.similarity)


def test_songs_in_one_playlist_get_its_members_with_fewest_playlists_first() -> None:
    # song 0 only in playlist 100 with songs 1 (3 playlists), 2 (1), 3 (2)
    memberships = [(0, 100), (1, 100), (1, 101), (1, 102), (2, 100), (3, 100), (3, 101)]
    song, playlist = np.array(memberships).T
    matrix = SongMatrix.from_memberships(song, playlist)
    found = lsh.single_playlist_neighbours(matrix, np.arange(4), k=2)
    assert found.song.tolist() == [0, 0, 2, 2]
    assert found.neighbour.tolist() == [2, 3, 0, 3]
    assert found.similarity.tolist() == [1.0, 0.5, 1.0, 0.5]
    exact = exact_top_k(matrix, np.array([0, 2]), 2)
    assert exact.neighbour.tolist() == found.neighbour.tolist()
    assert exact.similarity.tolist() == found.similarity.tolist()


@pytest.mark.parametrize(
    ("seed", "thirds"),
    # Every song, and a block of songs in the middle (list rows start past 0).
    [(1, (0, 3)), (2, (0, 3)), (3, (1, 2))],
)
def test_verification_of_all_pairs_gives_the_exact_top_k(seed: int, thirds: tuple) -> None:
    matrix = random_matrix(seed)
    first, last = (matrix.n_songs * third // 3 for third in thirds)
    songs = np.arange(first, last)
    a, b = np.triu_indices(matrix.n_songs, 1)
    found, counts = lsh.verified_top_k(matrix, a, b, shared_playlists(matrix, a, b), songs, 5)
    exact = exact_top_k(matrix, songs, 5)
    order = np.lexsort((found.rank, found.song))
    assert np.array_equal(found.song[order], exact.song)
    assert np.array_equal(found.neighbour[order], exact.neighbour)
    assert np.array_equal(found.similarity[order], exact.similarity)
    assert counts["ranked_pairs"] > 0


def test_songs_lsh_leaves_short_are_filled_in_exactly() -> None:
    matrix = random_matrix(5)
    songs = np.arange(matrix.n_songs)
    none = np.empty(0, dtype=np.int64)
    found, counts = lsh.verified_top_k(matrix, none, none, none, songs, 5)
    exact = exact_top_k(matrix, songs, 5)
    assert len(found) == len(exact)
    assert counts["filled_exactly"] > 0


def test_bucket_order_groups_buckets_and_sorts_those_above_the_cap() -> None:
    rng = np.random.default_rng(4)
    keys = rng.integers(0, 40, 2_000)
    orders = rng.integers(0, 5, 2_000)  # many ties: positions break them
    order = lsh.bucket_order(keys, orders, cap=50)
    expected = np.lexsort((np.arange(keys.size), orders, keys))
    assert np.array_equal(keys[order], keys[expected])
    small = 0
    for key in np.unique(keys):
        mine, theirs = order[keys[order] == key], expected[keys[expected] == key]
        if mine.size > 50:
            assert np.array_equal(mine, theirs)
        else:
            small += 1
            assert sorted(mine) == sorted(theirs)
    assert 0 < small < 40
