"""The song × playlist matrix the engines and the recall check share, the top-K rows they
return, and the split of songs into blocks of similar work: numpy, scipy and pandas, no Spark."""

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import scipy.sparse as sp


@dataclass(frozen=True)
class SongMatrix:
    """Which playlists each song is in, as compressed rows.

    `keys` holds the song keys in ascending order (a song's index is its position); row i's
    playlist indices are `indices[indptr[i]:indptr[i + 1]]`.
    """

    keys: np.ndarray
    indptr: np.ndarray
    indices: np.ndarray
    n_playlists: int

    @classmethod
    def from_memberships(cls, song_keys: np.ndarray, playlist_ids: np.ndarray) -> "SongMatrix":
        """From parallel arrays of (song_key, playlist_id) pairs (int64 each; repeats are
        dropped)."""
        keys, songs = np.unique(np.asarray(song_keys, dtype=np.int64), return_inverse=True)
        return cls.from_indexed(keys, songs, playlist_ids)

    @classmethod
    def from_indexed(
        cls, keys: np.ndarray, songs: np.ndarray, playlist_ids: np.ndarray
    ) -> "SongMatrix":
        """From the ascending song `keys` and parallel arrays of (song index into `keys`,
        playlist_id) pairs (repeats are dropped). Playlists are numbered in id order."""
        playlists, ids = pd.factorize(np.asarray(playlist_ids, dtype=np.int64), sort=True)
        width = max(1, ids.size)
        # One int64 per pair, song-major: a single sort orders the pairs, then repeats go.
        # (Not np.unique: its hash table is far slower than one sort on millions of int64.)
        cells = np.sort(np.asarray(songs, dtype=np.int64) * width + playlists)
        cells = cells[np.r_[True, cells[1:] != cells[:-1]]] if cells.size else cells
        song, playlist = np.divmod(cells, width)
        indptr = np.searchsorted(song, np.arange(keys.size + 1)).astype(np.int64)
        return cls(np.asarray(keys, dtype=np.int64), indptr, playlist.astype(np.int32), ids.size)

    @property
    def n_songs(self) -> int:
        return int(self.keys.size)

    @cached_property
    def degrees(self) -> np.ndarray:
        """Playlists per song (int32)."""
        return np.diff(self.indptr).astype(np.int32)

    @cached_property
    def rows(self) -> sp.csr_matrix:
        """A: songs × playlists, float32 ones."""
        data = np.ones(self.indices.size, dtype=np.float32)
        shape = (self.n_songs, self.n_playlists)
        return sp.csr_matrix((data, self.indices, self.indptr), shape=shape)

    @cached_property
    def columns(self) -> sp.csr_matrix:
        """Aᵀ: playlists × songs, float32 ones."""
        return self.rows.T.tocsr()

    @cached_property
    def column_playlists(self) -> np.ndarray:
        """The playlist of each entry of `columns` (its row index)."""
        return np.repeat(np.arange(self.n_playlists), np.diff(self.columns.indptr))

    def column_cuts(self, width: int) -> np.ndarray:
        """n_playlists × (slices + 1): where each playlist's members (ascending song indices in
        `columns`) cross each multiple of `width` (cached per width)."""
        cache = self.__dict__.setdefault("_column_cuts", {})
        if width not in cache:
            columns = self.columns
            slices = max(1, -(-self.n_songs // width))
            cell = self.column_playlists * (slices + 1) + columns.indices // width + 1
            counts = np.bincount(cell, minlength=self.n_playlists * (slices + 1))
            counts = counts.reshape(self.n_playlists, slices + 1)
            cache[width] = columns.indptr[:-1, None] + np.cumsum(counts, axis=1)
        return cache[width]

    def members_by_degree(self, width: int) -> tuple[np.ndarray, np.ndarray]:
        """`columns.indices` with each playlist's members in each slice of `width` songs (the
        spans of `column_cuts(width)`) reordered by playlist count, fewest first, and those
        counts alongside (cached per width)."""
        cache = self.__dict__.setdefault("_members_by_degree", {})
        if width not in cache:
            members = self.columns.indices
            slices = max(1, -(-self.n_songs // width))
            span = self.column_playlists.astype(np.int64) * slices + members // width
            # Spans are already in order: a stable sort on (span, degree) only reorders within.
            order = np.argsort(span << 32 | self.degrees[members], kind="stable")
            cache[width] = members[order], self.degrees[members[order]]
        return cache[width]

    def fewest_playlists_first(self, width: int) -> np.ndarray:
        """n_playlists × width: each playlist's members with the fewest playlists first (ties to
        the smaller index), padded with -1."""
        degrees = self.degrees.astype(np.int64)
        order = np.lexsort((np.arange(self.n_songs), degrees))
        rank = np.empty(self.n_songs, dtype=np.int64)
        rank[order] = np.arange(self.n_songs)
        return self._member_table("fewest", rank, np.ones(self.n_songs, dtype=bool), width)

    def single_playlist_members(self, width: int) -> np.ndarray:
        """n_playlists × width: each playlist's members that are in no other playlist, smallest
        index first, padded with -1."""
        return self._member_table("single", np.arange(self.n_songs), self.degrees == 1, width)

    def _member_table(
        self, kind: str, rank: np.ndarray, eligible: np.ndarray, width: int
    ) -> np.ndarray:
        # Cached per matrix: every Spark task of a worker reuses the table.
        cache = self.__dict__.setdefault("_member_tables", {})
        name = (kind, width)
        if name not in cache:
            columns = self.columns
            playlist = self.column_playlists
            song = columns.indices
            keep = eligible[song]
            playlist, song = playlist[keep], song[keep]
            order = np.argsort(playlist.astype(np.int64) * self.n_songs + rank[song])
            playlist, song = playlist[order], song[order]
            first = np.searchsorted(playlist, np.arange(self.n_playlists))
            position = np.arange(song.size) - first[playlist]
            table = np.full((self.n_playlists, width), -1, dtype=np.int64)
            fits = position < width
            table[playlist[fits], position[fits]] = song[fits]
            cache[name] = table
        return cache[name]

    @cached_property
    def playlist_sizes(self) -> np.ndarray:
        """Songs per playlist (int64)."""
        return np.bincount(self.indices, minlength=self.n_playlists).astype(np.int64)

    @cached_property
    def pairs_estimate(self) -> int:
        """Σ over playlists of size²: the exact engine's work and a bound on co-occurring pairs."""
        return int((self.playlist_sizes**2).sum())

    @cached_property
    def work(self) -> np.ndarray:
        """Per song, the sum of its playlists' sizes: an upper bound on its row of A · Aᵀ."""
        sizes = self.playlist_sizes[self.indices]
        return np.add.reduceat(sizes, self.indptr[:-1]) * (self.degrees > 0)


@dataclass(frozen=True)
class Neighbours:
    """Top-K rows as parallel arrays of song indices, similarity (float64) and rank (1 = best)."""

    song: np.ndarray
    neighbour: np.ndarray
    similarity: np.ndarray
    rank: np.ndarray

    @classmethod
    def empty(cls) -> "Neighbours":
        none = np.empty(0, dtype=np.int64)
        return cls(none, none, np.empty(0), np.empty(0, dtype=np.int32))

    def __len__(self) -> int:
        return int(self.song.size)

    def take(self, which: np.ndarray) -> "Neighbours":
        """The rows selected by a boolean mask or index array."""
        return Neighbours(
            self.song[which], self.neighbour[which], self.similarity[which], self.rank[which]
        )

    @classmethod
    def concatenate(cls, parts: list["Neighbours"]) -> "Neighbours":
        """All rows of `parts`, in order."""
        return cls(
            np.concatenate([part.song for part in parts]),
            np.concatenate([part.neighbour for part in parts]),
            np.concatenate([part.similarity for part in parts]),
            np.concatenate([part.rank for part in parts]),
        )


def blocks(work: np.ndarray, budget: int) -> list[tuple[int, int]]:
    """Contiguous [start, end) index ranges whose summed `work` stays near `budget` (≥ one row)."""
    if work.size == 0:
        return []
    ends = np.searchsorted(np.cumsum(work), np.arange(1, 1 + work.sum() // budget) * budget)
    bounds = np.unique(np.concatenate([[0], np.minimum(ends + 1, work.size), [work.size]]))
    return list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))
