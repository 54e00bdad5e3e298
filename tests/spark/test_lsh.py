"""Banded MinHash pieces: the S-curve, signatures, bucket pairs with a cap, verification."""

import numpy as np
import pytest

from spark.engines import lsh
from spark.engines.kernel import SongMatrix, exact_top_k
from tests.spark.test_kernel import random_matrix


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
    settings = lsh.LshSettings(bands=32, rows=2, cap=10, seed=3)
    keys = lsh.band_keys(signature, settings)
    assert np.array_equal(keys[0], keys[1]) and (keys[0] != keys[2]).all()


def test_bucket_pairs_are_all_pairs_below_the_cap_and_a_sliding_window_above() -> None:
    band = np.array([0] * 5 + [0] * 2 + [1])
    bucket = np.array([7] * 5 + [8] * 2 + [7])
    song = np.array([1, 2, 3, 4, 5, 6, 7, 8])
    a, b, stats = lsh.bucket_pairs(band, bucket, song, cap=10)
    assert sorted(zip(a.tolist(), b.tolist(), strict=True)) == sorted(
        [(x, y) for x in range(1, 6) for y in range(x + 1, 6)] + [(6, 7)]
    )
    assert stats == lsh.BucketStats(buckets=2, largest=5, capped=0)
    a, b, stats = lsh.bucket_pairs(band, bucket, song, cap=3)
    # in the bucket of five, each song pairs with the next two
    assert sorted(zip(a.tolist(), b.tolist(), strict=True)) == [
        (1, 2), (1, 3), (2, 3), (2, 4), (3, 4), (3, 5), (4, 5), (6, 7),
    ]  # fmt: skip
    assert stats == lsh.BucketStats(buckets=2, largest=5, capped=1)


def test_band_orders_put_songs_agreeing_on_the_next_entries_together() -> None:
    signature = np.array([[5, 5, 1, 2], [5, 5, 9, 9], [5, 5, 1, 3], [5, 5, 1, 2]], np.uint32)
    settings = lsh.LshSettings(bands=2, rows=2, cap=2, seed=1)
    orders = lsh.band_orders(signature, settings)
    # band 0 orders by entries 2 and 3; band 1 by entries 0 and 1 (cyclically)
    assert orders[:, 0].tolist() == [(1 << 32) | 2, (9 << 32) | 9, (1 << 32) | 3, (1 << 32) | 2]
    assert len(set(orders[:, 1].tolist())) == 1
    assert np.argsort(orders[:, 0], kind="stable").tolist() == [0, 3, 2, 1]


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


@pytest.mark.parametrize("seed", [1, 2])
def test_verification_of_all_pairs_gives_the_exact_top_k(seed: int) -> None:
    matrix = random_matrix(seed)
    songs = np.arange(matrix.n_songs)
    a, b = np.triu_indices(matrix.n_songs, 1)
    found, counts = lsh.verified_top_k(matrix, a, b, songs, 5)
    exact = exact_top_k(matrix, songs, 5)
    order = np.lexsort((found.rank, found.song))
    assert np.array_equal(found.song[order], exact.song)
    assert np.array_equal(found.neighbour[order], exact.neighbour)
    assert np.array_equal(found.similarity[order], exact.similarity)
    assert counts["verified_pairs"] > 0


def test_songs_lsh_leaves_short_are_filled_in_exactly() -> None:
    matrix = random_matrix(5)
    songs = np.arange(matrix.n_songs)
    none = np.empty(0, dtype=np.int64)
    found, counts = lsh.verified_top_k(matrix, none, none, songs, 5)
    exact = exact_top_k(matrix, songs, 5)
    assert len(found) == len(exact)
    assert counts["filled_exactly"] > 0
