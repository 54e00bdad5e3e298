"""Exact Jaccard top-K from the song × playlist matrix: numpy, scipy and numba, no Spark.

Songs are rows of a binary song × playlist matrix A, numbered in ascending song-key order so that
"ties go to the smaller key" is "ties go to the smaller index". Row a of A · Aᵀ counts the
playlists song a shares with every other song (|a ∩ b|), and
J(a, b) = |a ∩ b| / (deg a + deg b − |a ∩ b|). `exact_top_k` computes the rows one at a time in
compiled loops and keeps only each row's best K, so no product is ever stored. Both the Spark
engines and the recall check call `exact_top_k`, so an engine's output and its reference agree
to the last bit.
"""

import numba
import numpy as np

from spark.matrix import Neighbours, SongMatrix

# Similarities are first ranked coarsely by the top bits of their float32 form (exponent and four
# mantissa bits: 16 buckets per octave); only entries in or above each row's K-th bucket are then
# sorted exactly. Linear time instead of sorting every co-occurring pair.
_BUCKET_SHIFT = 19
_BUCKETS = 512
_TOP_BUCKET = np.float32(1.0).view(np.int32) >> _BUCKET_SHIFT
# Songs per column slice in `exact_top_k`: its accumulator (4 bytes a song) stays in the CPU cache.
_COLUMN_SLICE = 131_072


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
    rank = np.arange(kept.size) - np.repeat(*run_starts(kept_rows)) + 1
    best = rank <= k
    return kept[best], similarity[best], rank[best].astype(np.int32)


@numba.njit(nogil=True, cache=True)
def ranks_above(shared: int, union: int, song: int, other_shared: int, other_union: int,
            other: int) -> bool:  # fmt: skip
    """(shared / union, song) ranks above (other_shared / other_union, other): higher Jaccard,
    ties to the smaller index. Compared as fractions, exactly."""
    left, right = shared * other_union, other_shared * union
    return left > right or (left == right and song < other)


@numba.njit(nogil=True, cache=True)
def offer(
    row: int, other: int, common: int, total: int,
    found: np.ndarray, neighbour: np.ndarray, shared: np.ndarray, union: np.ndarray,
    repeats: bool,
) -> None:  # fmt: skip
    """Put `other` (|∩| = common, |∪| = total) in ranked list `row` if it ranks among its k
    best (and, when the caller may offer it again, `repeats`, is not there yet). A list is
    `found[row]` entries of `neighbour`, `shared` and `union` (k columns), best first."""
    k = neighbour.shape[1]
    size = found[row]
    if size == k and not ranks_above(
        common, total, other, shared[row, k - 1], union[row, k - 1], neighbour[row, k - 1]
    ):
        return
    if repeats:
        for slot in range(size):
            if neighbour[row, slot] == other:
                return
    slot = min(size, k - 1)
    while slot > 0 and ranks_above(
        common, total, other, shared[row, slot - 1], union[row, slot - 1], neighbour[row, slot - 1]
    ):
        neighbour[row, slot] = neighbour[row, slot - 1]
        shared[row, slot] = shared[row, slot - 1]
        union[row, slot] = union[row, slot - 1]
        slot -= 1
    neighbour[row, slot], shared[row, slot], union[row, slot] = other, common, total
    found[row] = min(size + 1, k)


def listed(found: np.ndarray, *columns: np.ndarray) -> tuple[np.ndarray, ...]:
    """The filled slots of ranked lists (see `offer`), flattened row by row, best first."""
    filled = np.arange(columns[0].shape[1])[None, :] < found[:, None]
    return tuple(column[filled] for column in columns)


@numba.njit(nogil=True, cache=True)
def _first_at_least(values: np.ndarray, begin: int, end: int, bound: int) -> int:
    """The first position in values[begin:end] (ascending) holding at least `bound`."""
    while begin < end:
        middle = (begin + end) // 2
        if values[middle] < bound:
            begin = middle + 1
        else:
            end = middle
    return begin


@numba.njit(nogil=True, cache=True)
def _top_k_rows(
    indptr: np.ndarray,
    indices: np.ndarray,
    members: np.ndarray,
    member_degrees: np.ndarray,
    column_cuts: np.ndarray,
    width: int,
    degrees: np.ndarray,
    songs: np.ndarray,
    k: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per song of `songs`, its k best by Jaccard: one row of A · Aᵀ at a time, counted in a
    dense accumulator (Gustavson's method) and ranked as it is read, so no product is stored.

    Columns go in slices of `width` songs (playlist p's members in slice s are
    `members[column_cuts[p, s]:column_cuts[p, s + 1]]`, fewest playlists first, with their
    counts in `member_degrees`), so the accumulator stays in the CPU cache; each row's ranking
    carries over from slice to slice.
    Once a row has k entries, its k-th bounds the rest: J(a, b) ≤ min(deg a, deg b) /
    max(deg a, deg b), so members whose playlist count puts that bound below the k-th are
    skipped unread (length filtering, as in all-pairs similarity search).
    Returns row counts and, k slots per song, neighbour index, intersection and union.
    """
    counts = np.zeros(width, np.int32)
    touched = np.empty(width, np.int32)
    found = np.zeros(songs.size, np.int64)
    neighbour = np.empty((songs.size, k), np.int64)
    shared = np.empty((songs.size, k), np.int64)
    union = np.empty((songs.size, k), np.int64)
    for part in range(column_cuts.shape[1] - 1):
        first = part * width
        for row in range(songs.size):
            song = songs[row]
            degree = degrees[song]
            fewest, most = 0, np.iinfo(np.int64).max
            if found[row] == k:
                least_shared, least_union = shared[row, k - 1], union[row, k - 1]
                # deg b ≥ ⌈shared·deg a / union⌉ and deg b ≤ ⌊deg a·union / shared⌋
                fewest = (least_shared * degree + least_union - 1) // least_union
                most = degree * least_union // least_shared
            n_touched = 0
            for entry in range(indptr[song], indptr[song + 1]):
                playlist = indices[entry]
                end = column_cuts[playlist, part + 1]
                begin = _first_at_least(member_degrees, column_cuts[playlist, part], end, fewest)
                for member in range(begin, end):
                    if member_degrees[member] > most:
                        break
                    local = members[member] - first
                    if counts[local] == 0:
                        touched[n_touched] = local
                        n_touched += 1
                    counts[local] += 1
            for position in range(n_touched):
                local = touched[position]
                common = np.int64(counts[local])
                counts[local] = 0
                other = first + local
                if other == song:
                    continue
                total = degree + degrees[other] - common
                # Most entries fail this test: made here, not only inside offer, it spares them
                # the call, a large part of the kernel's time on big inputs.
                if found[row] == k and not ranks_above(
                    common,
                    total,
                    other,
                    shared[row, k - 1],
                    union[row, k - 1],
                    neighbour[row, k - 1],
                ):
                    continue
                offer(row, other, common, total, found, neighbour, shared, union, False)
    return found, neighbour, shared, union


def exact_top_k(
    matrix: SongMatrix, songs: np.ndarray, k: int, *, column_slice: int = _COLUMN_SLICE
) -> Neighbours:
    """Exact Jaccard top-k of each song index in `songs` over all songs (itself excluded).

    Ties go to the smaller index (the smaller key). Songs sharing no playlist with anyone get
    no rows. Time is proportional to the summed `matrix.work` of `songs`; memory to the
    number of songs.
    """
    songs = np.asarray(songs, dtype=np.int64)
    if songs.size == 0 or k < 1:
        return Neighbours.empty()
    members, member_degrees = matrix.members_by_degree(column_slice)
    found, neighbour, shared, union = _top_k_rows(
        matrix.indptr, matrix.indices, members, member_degrees, matrix.column_cuts(column_slice),
        column_slice, matrix.degrees.astype(np.int64), songs, k,
    )  # fmt: skip
    ranks = np.broadcast_to(np.arange(1, k + 1, dtype=np.int32), neighbour.shape)
    neighbour, shared, union, rank = listed(found, neighbour, shared, union, ranks)
    return Neighbours(np.repeat(songs, found), neighbour, shared / union, rank)


def run_starts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For a sorted array: each run's start index and length (np.repeat's arguments)."""
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    return starts, np.diff(np.r_[starts, values.size])
