"""Small random song matrices for tests of the kernel, LSH and recall."""

import numpy as np

from spark.matrix import SongMatrix


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
