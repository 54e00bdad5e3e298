"""Exact Jaccard top-K with sparse matrix products: plain numpy and scipy, no Spark.

Songs are rows of a binary song × playlist matrix A, numbered in ascending song-key order so that
"ties go to the smaller key" is "ties go to the smaller index". For a block of songs, A[block] · Aᵀ
counts the playlists each song shares with every other song (|a ∩ b|), and
J(a, b) = |a ∩ b| / (deg a + deg b − |a ∩ b|). Both the Spark engines and the recall check call
`exact_top_k`, so an engine's output and its reference agree to the last bit.
"""

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp

# Similarities are first ranked coarsely by the top bits of their float32 form (exponent and four
# mantissa bits: 16 buckets per octave); only entries in or above each row's K-th bucket are then
# sorted exactly. Linear time instead of sorting every co-occurring pair.
_BUCKET_SHIFT = 19
_BUCKETS = 512
_TOP_BUCKET = np.float32(1.0).view(np.int32) >> _BUCKET_SHIFT
# Runs per row in the linear pre-filter (see _prefilter); a few times k keeps few extra entries.
_CHUNKS = 64
# Songs per column slice of Aᵀ: the product's accumulator for one slice stays in the CPU cache,
# which doubles the speed of scipy's sparse product on the full catalogue.
_COLUMN_SLICE = 131_072


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
        """From parallel arrays of distinct (song_key, playlist_id) pairs (int64 each).

        Sorting by (song_key, playlist_id) beforehand (as Spark can, in parallel) saves a sort.
        """
        song_keys, playlist_ids = np.asarray(song_keys), np.asarray(playlist_ids)
        step_song, step_playlist = np.diff(song_keys), np.diff(playlist_ids)
        if not np.all((step_song > 0) | ((step_song == 0) & (step_playlist > 0))):
            order = np.lexsort((playlist_ids, song_keys))
            song_keys, playlist_ids = song_keys[order], playlist_ids[order]
        new_song = np.r_[True, song_keys[1:] != song_keys[:-1]] if song_keys.size else []
        starts = np.flatnonzero(new_song)
        indptr = np.r_[starts, song_keys.size].astype(np.int64)
        # Sort-based, not np.unique: its hash tables are slow on millions of int64.
        playlists = np.sort(playlist_ids)
        if playlists.size:
            playlists = playlists[np.r_[True, playlists[1:] != playlists[:-1]]]
        members = np.searchsorted(playlists, playlist_ids).astype(np.int32)
        return cls(song_keys[starts], indptr, members, int(playlists.size))

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
    def column_parts(self) -> list[tuple[int, sp.csr_matrix]]:
        """Aᵀ cut into slices of _COLUMN_SLICE songs: (first song index, slice)."""
        columns = self.columns
        return [
            (start, columns[:, start : start + _COLUMN_SLICE].tocsr())
            for start in range(0, self.n_songs, _COLUMN_SLICE)
        ]

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
            playlist = np.repeat(np.arange(self.n_playlists), np.diff(columns.indptr))
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


def blocks(work: np.ndarray, budget: int) -> list[tuple[int, int]]:
    """Contiguous [start, end) index ranges whose summed `work` stays near `budget` (≥ one row)."""
    if work.size == 0:
        return []
    ends = np.searchsorted(np.cumsum(work), np.arange(1, 1 + work.sum() // budget) * budget)
    bounds = np.unique(np.concatenate([[0], np.minimum(ends + 1, work.size), [work.size]]))
    return list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))


def select_top_k(
    row: np.ndarray, column: np.ndarray, numerator: np.ndarray, denominator: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row, the k entries with the largest numerator / denominator, ties to smaller columns.

    `row` holds small non-negative ints (entries need not be sorted). Returns the positions of
    the chosen entries, their exact float64 similarity and their rank (1 = best), ordered by row
    then rank.
    """
    if row.size == 0:
        return np.empty(0, dtype=np.int64), np.empty(0), np.empty(0, dtype=np.int32)
    rough = (numerator.astype(np.float32) / denominator.astype(np.float32)).view(np.int32)
    bucket = np.clip((rough >> _BUCKET_SHIFT) - (_TOP_BUCKET - _BUCKETS + 1), 0, _BUCKETS - 1)
    n_rows = int(row.max()) + 1
    counts = np.bincount(row.astype(np.int64) * _BUCKETS + bucket, minlength=n_rows * _BUCKETS)
    at_or_above = np.cumsum(counts.reshape(n_rows, _BUCKETS)[:, ::-1], axis=1)
    # Each row's lowest bucket still needed: the one holding its k-th best entry (0 if fewer).
    needed = _BUCKETS - 1 - np.minimum(np.argmax(at_or_above >= k, axis=1), _BUCKETS - 1)
    needed[at_or_above[:, -1] < k] = 0
    kept = np.flatnonzero(bucket >= needed[row])
    similarity = numerator[kept].astype(np.float64) / denominator[kept].astype(np.float64)
    order = np.lexsort((column[kept], -similarity, row[kept]))
    kept, similarity, kept_rows = kept[order], similarity[order], row[kept][order]
    starts = np.flatnonzero(np.r_[True, kept_rows[1:] != kept_rows[:-1]])
    rank = np.arange(kept.size) - np.repeat(starts, np.diff(np.r_[starts, kept.size])) + 1
    best = rank <= k
    return kept[best], similarity[best], rank[best].astype(np.int32)


def _prefilter(
    counts: sp.csr_matrix,
    song_degrees: np.ndarray,
    column_degrees: np.ndarray,
    k: int,
    threshold: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Entries of a block product that can still be among their row's k best.

    Each row with more than k entries is cut into up to _CHUNKS runs; the k-th largest of the
    runs' maxima is a lower bound on the row's k-th best similarity (k distinct entries reach
    it). `threshold` (one per row, updated in place) keeps the best bound over the slices seen
    so far; entries below it go. Sequential passes only: no sort, no scatter.
    Returns row, column, intersection and union of the entries kept.
    """
    lengths = np.diff(counts.indptr)
    intersection = counts.data
    union = np.repeat(song_degrees, lengths) + column_degrees[counts.indices] - intersection
    similarity = intersection / union
    ranked = np.flatnonzero(lengths > k)
    if ranked.size:
        # Runs: min(length, _CHUNKS) per row with more than k entries (one entry each when the
        # row is short, so the bound is exact there); one run for other rows, so none spills.
        runs = np.where(lengths > k, np.minimum(lengths, _CHUNKS), lengths > 0)
        row_of_run = np.repeat(np.arange(lengths.size), runs)
        nth = np.arange(row_of_run.size) - np.repeat(np.cumsum(runs) - runs, runs)
        edges = counts.indptr[row_of_run] + lengths[row_of_run] * nth // runs[row_of_run]
        maxima = np.maximum.reduceat(similarity, edges)
        in_ranked = np.repeat(lengths > k, runs)
        table = np.full((lengths.size, _CHUNKS), -1.0, dtype=np.float32)
        table[row_of_run[in_ranked], nth[in_ranked]] = maxima[in_ranked]
        table = table[ranked]
        bound = -np.partition(-table, k - 1, axis=1)[:, k - 1]
        np.maximum.at(threshold, ranked, bound)
    kept = np.flatnonzero(similarity >= np.repeat(threshold, lengths))
    row = (np.searchsorted(counts.indptr, kept, side="right") - 1).astype(np.int32)
    return row, counts.indices[kept], intersection[kept], union[kept]


def exact_top_k(matrix: SongMatrix, songs: np.ndarray, k: int) -> Neighbours:
    """Exact Jaccard top-k of each song index in `songs` over all songs (itself excluded).

    Songs sharing no playlist with anyone get no rows. Memory is proportional to the summed
    `matrix.work` of `songs`: callers size their blocks with `blocks`.
    """
    songs = np.asarray(songs, dtype=np.int64)
    if songs.size == 0:
        return Neighbours.empty()
    block = matrix.rows[songs]
    degrees = matrix.degrees.astype(np.float32)
    song_degrees = degrees[songs]
    parts, threshold = [], np.zeros(songs.size, dtype=np.float32)
    for start, columns in matrix.column_parts:
        counts = (block @ columns).tocsr()
        # k + 1: a song's own column (similarity 1) may take one of the places.
        row, column, intersection, union = _prefilter(
            counts, song_degrees, degrees[start : start + columns.shape[1]], k + 1, threshold
        )
        parts.append((row, column + start, intersection, union))
    row, column, intersection, union = (
        np.concatenate(arrays) for arrays in zip(*parts, strict=True)
    )
    not_self = (column != songs[row]) & (intersection / union >= threshold[row])
    row, column = row[not_self], column[not_self]
    intersection, union = intersection[not_self], union[not_self]
    chosen, similarity, rank = select_top_k(row, column, intersection, union, k)
    return Neighbours(songs[row[chosen]], column[chosen].astype(np.int64), similarity, rank)
