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

# Songs per column slice in `exact_top_k`: its accumulator (4 bytes a song, 1 MiB) stays in a
# core's L2 cache, and each row walks its playlists once per slice, so fewer slices cost fewer
# walks (docs/benchmarks.md, "Exact build under the bar again").
_COLUMN_SLICE = 262_144


@numba.njit(nogil=True, cache=True)
def ranks_above(shared: int, union: int, song: int, other_shared: int, other_union: int,
            other: int) -> bool:  # fmt: skip
    """(shared / union, song) ranks above (other_shared / other_union, other): higher Jaccard,
    ties to the smaller index. Compared as fractions, exactly."""
    left, right = np.int64(shared) * other_union, np.int64(other_shared) * union
    return left > right or (left == right and song < other)


# A ranked list is k slots of (neighbour, shared, union) in one int32 row of `lists`: checking a
# candidate against a list's k-th reads one cache line, where three arrays would read three.
NEIGHBOUR, SHARED, UNION = 0, 1, 2


@numba.njit(nogil=True, cache=True)
def offer(
    row: int, other: int, common: int, total: int, found: np.ndarray, lists: np.ndarray,
    repeats: bool,
) -> None:  # fmt: skip
    """Put `other` (|∩| = common, |∪| = total) in ranked list `row` if it ranks among its k
    best (and, when the caller may offer it again, `repeats`, is not there yet). A list is the
    first `found[row]` slots of `lists[row]` (k × (NEIGHBOUR, SHARED, UNION)), best first."""
    k = lists.shape[1]
    size = found[row]
    if size == k and not ranks_above(
        common, total, other,
        lists[row, k - 1, SHARED], lists[row, k - 1, UNION], lists[row, k - 1, NEIGHBOUR],
    ):  # fmt: skip
        return
    if repeats:
        for slot in range(size):
            if lists[row, slot, NEIGHBOUR] == other:
                return
    slot = min(size, k - 1)
    while slot > 0 and ranks_above(
        common, total, other,
        lists[row, slot - 1, SHARED], lists[row, slot - 1, UNION], lists[row, slot - 1, NEIGHBOUR],
    ):  # fmt: skip
        for field in range(3):
            lists[row, slot, field] = lists[row, slot - 1, field]
        slot -= 1
    lists[row, slot, NEIGHBOUR], lists[row, slot, SHARED] = other, common
    lists[row, slot, UNION] = total
    found[row] = min(size + 1, k)


def ranked_lists(rows: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Empty ranked lists for `offer`: the counts and the slots."""
    return np.zeros(rows, np.int32), np.empty((rows, k, 3), np.int32)


def listed(found: np.ndarray, lists: np.ndarray) -> tuple[np.ndarray, ...]:
    """The filled slots of ranked lists (see `offer`), flattened row by row, best first: row
    index, neighbour, shared, union (int64) and rank (1 = best)."""
    k = lists.shape[1]
    filled = np.arange(k)[None, :] < found[:, None]
    rows = np.repeat(np.arange(found.size), found)
    ranks = np.broadcast_to(np.arange(1, k + 1, dtype=np.int32), filled.shape)[filled]
    columns = (lists[:, :, field][filled].astype(np.int64) for field in (NEIGHBOUR, SHARED, UNION))
    return rows, *columns, ranks


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
) -> tuple[np.ndarray, np.ndarray]:
    """Per song of `songs`, its k best by Jaccard: one row of A · Aᵀ at a time, counted in a
    dense accumulator (Gustavson's method) and ranked as it is read, so no product is stored.

    Columns go in slices of `width` songs (playlist p's members in slice s are
    `members[column_cuts[p, s]:column_cuts[p, s + 1]]`, fewest playlists first, with their
    counts in `member_degrees`), so the accumulator stays in the CPU cache; each row's ranking
    carries over from slice to slice.
    Once a row has k entries, its k-th bounds the rest: J(a, b) ≤ min(deg a, deg b) /
    max(deg a, deg b), so members whose playlist count puts that bound below the k-th are
    skipped unread (length filtering, as in all-pairs similarity search).
    Returns row counts and ranked lists (`offer`).
    """
    counts = np.zeros(width, np.int32)
    touched = np.empty(width, np.int32)
    found = np.zeros(songs.size, np.int64)
    lists = np.empty((songs.size, k, 3), np.int32)
    for part in range(column_cuts.shape[1] - 1):
        first = part * width
        for row in range(songs.size):
            song = songs[row]
            degree = degrees[song]
            fewest, most = 0, np.iinfo(np.int64).max
            if found[row] == k:
                least_shared = np.int64(lists[row, k - 1, SHARED])
                least_union = np.int64(lists[row, k - 1, UNION])
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
                    lists[row, k - 1, SHARED],
                    lists[row, k - 1, UNION],
                    lists[row, k - 1, NEIGHBOUR],
                ):
                    continue
                offer(row, other, common, total, found, lists, False)
    return found, lists


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
    found, lists = _top_k_rows(
        matrix.indptr, matrix.indices, members, member_degrees, matrix.column_cuts(column_slice),
        column_slice, matrix.degrees.astype(np.int64), songs, k,
    )  # fmt: skip
    rows, neighbour, shared, union, rank = listed(found, lists)
    return Neighbours(songs[rows], neighbour, shared / union, rank)


def run_starts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For a sorted array: each run's start index and length (np.repeat's arguments)."""
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    return starts, np.diff(np.r_[starts, values.size])
