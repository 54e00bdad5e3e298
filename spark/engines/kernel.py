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
_COLUMN_SLICE = 262_144


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


def _tie_break(matrix: SongMatrix) -> float:
    """Weight of the column index in a float64 score similarity − weight × column, or 0.

    Distinct similarities differ by at least 1 / (largest union)², so the score orders exactly
    as (similarity desc, column asc) while n_songs × weight stays below that gap and the weight
    is at least float64's unit step below 1 (2⁻⁵²). Ties then count once each in the pre-filter.
    """
    weight = 2.0**-52
    largest_union = 2.0 * max(int(matrix.degrees.max(initial=0)), 1)
    return weight if matrix.n_songs * weight < 0.5 / largest_union**2 else 0.0


def _bounds(indptr: np.ndarray, score: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows (of a CSR-like layout) with more than k entries, and a lower bound on each one's
    k-th best score.

    A row is cut into up to _CHUNKS runs; the k-th largest of the runs' maxima is reached by k
    distinct entries, so it bounds the k-th best from below (exactly for rows of at most
    _CHUNKS entries, where every entry is its own run). Sequential passes: no sort, no scatter
    over the entries.
    """
    lengths = np.diff(indptr)
    ranked = np.flatnonzero(lengths > k)
    if ranked.size == 0:
        return ranked, np.empty(0)
    # One run per row that is not ranked (so no run spills into the next row).
    runs = np.where(lengths > k, np.minimum(lengths, _CHUNKS), lengths > 0)
    row_of_run = np.repeat(np.arange(lengths.size), runs)
    nth = np.arange(row_of_run.size) - np.repeat(np.cumsum(runs) - runs, runs)
    edges = indptr[row_of_run] + lengths[row_of_run] * nth // runs[row_of_run]
    maxima = np.maximum.reduceat(score, edges)
    in_ranked = np.repeat(lengths > k, runs)
    slot = np.cumsum(lengths > k) - 1
    table = np.full((ranked.size, _CHUNKS), -np.inf)
    table[slot[row_of_run[in_ranked]], nth[in_ranked]] = maxima[in_ranked]
    return ranked, -np.partition(-table, k - 1, axis=1)[:, k - 1]


def _prefilter(
    counts: sp.csr_matrix,
    song_degrees: np.ndarray,
    column_degrees: np.ndarray,
    first_column: int,
    weight: float,
    k: int,
    threshold: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Entries of one column slice of a block product that can still be among their row's k best.

    Entries are scored similarity − weight × column (see _tie_break). `threshold` (one per row,
    updated in place) keeps the best lower bound on the k-th score over the slices seen so far
    (see _bounds); entries below it go.
    Returns row, column, intersection, union and score of the entries kept.
    """
    lengths = np.diff(counts.indptr)
    intersection = counts.data
    union = np.repeat(song_degrees, lengths) + column_degrees[counts.indices] - intersection
    column = counts.indices + first_column
    score = intersection.astype(np.float64) / union
    if weight:
        score -= column * weight
    ranked, bound = _bounds(counts.indptr, score, k)
    np.maximum.at(threshold, ranked, bound)
    kept = np.flatnonzero(score >= np.repeat(threshold, lengths))
    row = (np.searchsorted(counts.indptr, kept, side="right") - 1).astype(np.int32)
    return row, column[kept], intersection[kept], union[kept], score[kept]


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
    weight = _tie_break(matrix)
    parts, threshold = [], np.full(songs.size, -1.0)
    for start, columns in matrix.column_parts:
        counts = (block @ columns).tocsr()
        # k + 1: a song's own column (similarity 1) may take one of the places.
        part_degrees = degrees[start : start + columns.shape[1]]
        parts.append(
            _prefilter(counts, song_degrees, part_degrees, start, weight, k + 1, threshold)
        )
    row, column, intersection, union, score = (
        np.concatenate(arrays) for arrays in zip(*parts, strict=True)
    )
    keep = np.flatnonzero((column != songs[row]) & (score >= threshold[row]))
    # Entries of one row together (a linear-time sort of small ints), then a bound over the
    # whole row: the survivors of each slice only knew their own slice.
    keep = keep[np.argsort(row[keep], kind="stable")]
    row, column, intersection, union, score = (
        array[keep] for array in (row, column, intersection, union, score)
    )
    indptr = np.r_[0, np.cumsum(np.bincount(row, minlength=songs.size))]
    ranked, bound = _bounds(indptr, score, k)
    threshold[:] = -np.inf
    threshold[ranked] = bound
    keep = score >= threshold[row]
    row, column, intersection, union = row[keep], column[keep], intersection[keep], union[keep]
    if weight:
        # Scores are distinct and ordered as the result: one two-key sort of the few survivors.
        order = np.lexsort((-score[keep], row))
        row, column = row[order], column[order]
        similarity = intersection[order].astype(np.float64) / union[order].astype(np.float64)
        starts, lengths = run_starts(row)
        rank = np.arange(row.size) - np.repeat(starts, lengths) + 1
        best = rank <= k
        return Neighbours(
            songs[row[best]], column[best].astype(np.int64), similarity[best],
            rank[best].astype(np.int32),
        )  # fmt: skip
    chosen, similarity, rank = select_top_k(row, column, intersection, union, k)
    return Neighbours(songs[row[chosen]], column[chosen].astype(np.int64), similarity, rank)


def run_starts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For a sorted array: each run's start index and length (np.repeat's arguments)."""
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    return starts, np.diff(np.r_[starts, values.size])
