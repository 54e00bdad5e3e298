"""Banded MinHash LSH on numpy arrays: signatures, band keys, bucket pairs, exact verification.

Plain numpy/scipy (no Spark), called by spark.engines.minhash inside Spark tasks.

A song's MinHash signature holds, for each of n = b × r hash functions, the smallest hash of its
playlists; two songs agree on one entry with probability J (their Jaccard similarity). Banding
ANDs r entries (a band's key) and ORs b bands: a pair becomes a candidate with probability
1 − (1 − J^r)^b, an S-curve whose steepest point is near (1/b)^(1/r).
"""

from dataclasses import dataclass

import numba
import numpy as np

from spark.engines.kernel import (
    Neighbours,
    SongMatrix,
    exact_top_k,
    run_starts,
    select_top_k,
)

_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class LshSettings:
    """b bands of r rows, each song paired with the next `cap` − 1 of its bucket, hash
    functions from `seed`."""

    bands: int
    rows: int
    cap: int
    seed: int

    @classmethod
    def for_threshold(
        cls, threshold: float, *, rows: int, cap: int, seed: int, bands: int | None = None
    ) -> "LshSettings":
        """Bands so the S-curve's steep point (1/b)^(1/r) sits at `threshold` (unless given)."""
        if bands is None:
            bands = max(1, round((1.0 / threshold) ** rows))
        return cls(bands=bands, rows=rows, cap=cap, seed=seed)

    @property
    def hashes(self) -> int:
        return self.bands * self.rows

    @property
    def threshold(self) -> float:
        """(1/b)^(1/r): similarity where the candidate probability rises fastest."""
        return (1.0 / self.bands) ** (1.0 / self.rows)

    def probability(self, similarity: float) -> float:
        """1 − (1 − s^r)^b: chance that a pair of this similarity becomes a candidate."""
        return 1.0 - (1.0 - similarity**self.rows) ** self.bands


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser, elementwise on uint64 (wrapping arithmetic)."""
    x = x ^ (x >> np.uint64(30))
    x = x * _MIX_1
    x = x ^ (x >> np.uint64(27))
    x = x * _MIX_2
    return x ^ (x >> np.uint64(31))


def hash_table(n_playlists: int, n_hashes: int, seed: int) -> np.ndarray:
    """n_playlists × n_hashes uint32: hash function i applied to playlist index p."""
    with np.errstate(over="ignore"):
        salts = _mix(np.arange(1, n_hashes + 1, dtype=np.uint64) * _GOLDEN + np.uint64(seed))
        playlists = np.arange(n_playlists, dtype=np.uint64)[:, None]
        return (_mix(playlists * _GOLDEN ^ salts[None, :]) >> np.uint64(32)).astype(np.uint32)


def signatures(matrix: SongMatrix, songs: np.ndarray, table: np.ndarray) -> np.ndarray:
    """len(songs) × n_hashes uint32 MinHash signatures (songs must be in some playlist)."""
    starts, ends = matrix.indptr[songs], matrix.indptr[songs + 1]
    lengths = ends - starts
    entries = np.repeat(starts - np.r_[0, np.cumsum(lengths)[:-1]], lengths) + np.arange(
        lengths.sum()
    )
    offsets = np.r_[0, np.cumsum(lengths)[:-1]]
    return np.minimum.reduceat(table[matrix.indices[entries]], offsets, axis=0)


def band_keys(signature: np.ndarray, settings: LshSettings) -> np.ndarray:
    """len × bands int64: each band's r signature entries hashed into one bucket key."""
    keys = np.empty((signature.shape[0], settings.bands), dtype=np.int64)
    with np.errstate(over="ignore"):
        for band in range(settings.bands):
            key = np.full(signature.shape[0], np.uint64(band + 1) * _GOLDEN, dtype=np.uint64)
            for row in range(band * settings.rows, (band + 1) * settings.rows):
                key = _mix(key ^ signature[:, row].astype(np.uint64))
            keys[:, band] = key.view(np.int64)
    return keys


def band_orders(signature: np.ndarray, settings: LshSettings) -> np.ndarray:
    """len × bands int64: the order of songs inside each band's buckets.

    Band j's order packs the two signature entries that follow its own rows (cyclically, so
    another band's), as high and low 32 bits. Songs of a bucket that also agree on the first
    of them (probability J), and then on the second, end up next to each other.
    """
    n = signature.shape[1]
    follow = (np.arange(1, settings.bands + 1) * settings.rows) % n
    high = signature[:, follow].astype(np.uint64) << np.uint64(32)
    return (high | signature[:, (follow + 1) % n].astype(np.uint64)).view(np.int64)


@dataclass(frozen=True)
class BucketStats:
    """Buckets of two or more songs, the largest bucket, buckets above the cap."""

    buckets: int
    largest: int
    capped: int


def bucket_pairs(
    band: np.ndarray, bucket: np.ndarray, song: np.ndarray, cap: int
) -> tuple[np.ndarray, np.ndarray, BucketStats]:
    """Candidate pairs (a < b) of songs sharing a (band, bucket), input sorted by band, bucket.

    Each song pairs with the next `cap` − 1 songs of its bucket: every pair of a bucket of at
    most `cap` songs, and a linear number, not s(s − 1)/2, for a bucket of s songs above it, so
    the songs of a popular playlist cannot flood the candidates. Sorted by `band_orders` inside
    buckets, neighbours in that order are likely similar.
    """
    if song.size == 0:
        return song[:0], song[:0], BucketStats(0, 0, 0)
    new = np.r_[True, (band[1:] != band[:-1]) | (bucket[1:] != bucket[:-1])]
    starts = np.flatnonzero(new)
    sizes = np.diff(np.r_[starts, song.size])
    stats = BucketStats(int((sizes >= 2).sum()), int(sizes.max()), int((sizes > cap).sum()))
    following = np.repeat(starts + sizes, sizes) - 1 - np.arange(song.size)
    partners = np.minimum(following, cap - 1)
    first = np.repeat(np.arange(song.size), partners)
    offset = np.arange(first.size) - np.repeat(np.cumsum(partners) - partners, partners)
    a, b = song[first], song[first + 1 + offset]
    return np.minimum(a, b), np.maximum(a, b), stats


def unique_pairs(a: np.ndarray, b: np.ndarray, n_songs: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (a, b) pairs, sorted by a then b."""
    codes = np.sort(a.astype(np.int64) * n_songs + b)
    if codes.size:
        codes = codes[np.r_[True, codes[1:] != codes[:-1]]]
    return codes // n_songs, codes % n_songs


@numba.njit(nogil=True)
def _merge_counts(
    indptr: np.ndarray, indices: np.ndarray, a: np.ndarray, b: np.ndarray
) -> np.ndarray:
    shared = np.zeros(a.size, np.int64)
    for pair in range(a.size):
        x, x_end = indptr[a[pair]], indptr[a[pair] + 1]
        y, y_end = indptr[b[pair]], indptr[b[pair] + 1]
        while x < x_end and y < y_end:
            if indices[x] == indices[y]:
                shared[pair] += 1
                x += 1
                y += 1
            elif indices[x] < indices[y]:
                x += 1
            else:
                y += 1
    return shared


def intersections(matrix: SongMatrix, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """|playlists(a) ∩ playlists(b)| for each pair: exact, by merging the two sorted rows."""
    if a.size == 0:
        return np.empty(0, dtype=np.int64)
    return _merge_counts(matrix.indptr, matrix.indices, a.astype(np.int64), b.astype(np.int64))


def single_playlist_neighbours(matrix: SongMatrix, songs: np.ndarray, k: int) -> Neighbours:
    """Exact top-k of songs in exactly one playlist p, with no products.

    J(a, b) = 1 / deg(b) for every other member b of p, so a's neighbours are p's members with
    the fewest playlists (ties to the smaller key).
    """
    songs = songs[matrix.degrees[songs] == 1]
    if songs.size == 0:
        return Neighbours.empty()
    table = matrix.fewest_playlists_first(k + 1)
    listed = table[matrix.indices[matrix.indptr[songs]]]
    neighbour = listed.ravel()
    song = np.repeat(songs, listed.shape[1])
    keep = (neighbour >= 0) & (neighbour != song)
    song, neighbour = song[keep], neighbour[keep]
    rank = np.arange(song.size) - np.repeat(*run_starts(song)) + 1
    best = rank <= k
    song, neighbour, rank = song[best], neighbour[best], rank[best]
    similarity = 1.0 / matrix.degrees[neighbour].astype(np.float64)
    return Neighbours(song, neighbour.astype(np.int64), similarity, rank.astype(np.int32))


def single_playlist_candidates(
    matrix: SongMatrix, songs: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (a, b): for each song a, up to k songs b in one playlist only, sharing one with a.

    All of them score J = 1 / deg(a), so the k with the smallest keys across a's playlists are
    the only ones that can enter a's top k; LSH cannot find them (they have no signature).
    """
    table = matrix.single_playlist_members(k)
    lengths = matrix.degrees[songs]
    entries = np.repeat(matrix.indptr[songs] - np.r_[0, np.cumsum(lengths)[:-1]], lengths)
    entries = entries + np.arange(lengths.sum())
    listed = table[matrix.indices[entries]]
    song = np.repeat(np.repeat(songs, lengths), listed.shape[1])
    member = listed.ravel()
    keep = member >= 0
    return song[keep], member[keep]


def verified_top_k(
    matrix: SongMatrix, a: np.ndarray, b: np.ndarray, songs: np.ndarray, k: int
) -> tuple[Neighbours, dict[str, int]]:
    """Top-k of `songs` (ascending indices) from candidate pairs, verified exactly.

    `a`/`b` are candidate pairs in either direction with a or b in `songs`. Songs in one playlist
    get their exact list directly; songs left with fewer than k verified neighbours are computed
    exactly with the product kernel (so coverage never depends on luck). Returns the rows and
    counts: verified pairs, songs filled in exactly.
    """
    start, end = int(songs[0]), int(songs[-1]) + 1
    mine = (a >= start) & (a < end)
    theirs = (b >= start) & (b < end)
    a, b = np.r_[a[mine], b[theirs]], np.r_[b[mine], a[theirs]]
    # Songs in one playlist get their exact list below, with no verification.
    multiple = matrix.degrees[a] >= 2
    a, b = a[multiple], b[multiple]
    multi = songs[matrix.degrees[songs] >= 2]
    extra_a, extra_b = single_playlist_candidates(matrix, multi, k)
    a, b = unique_pairs(np.r_[a, extra_a], np.r_[b, extra_b], matrix.n_songs)
    shared = intersections(matrix, a, b).astype(np.float32)
    # Key collisions can pair songs with nothing in common.
    real = shared > 0
    a, b, shared = a[real], b[real], shared[real]
    degrees = matrix.degrees.astype(np.float32)
    union = degrees[a] + degrees[b] - shared
    chosen, similarity, rank = select_top_k((a - start).astype(np.int32), b, shared, union, k)
    found = Neighbours(a[chosen], b[chosen], similarity, rank)
    counts = np.bincount(found.song - start, minlength=end - start)
    short = multi[counts[multi - start] < k]
    filled = exact_top_k(matrix, short, k)
    found = found.take(~np.isin(found.song, short))
    single = single_playlist_neighbours(matrix, songs, k)
    result = Neighbours.concatenate([found, filled, single])
    return result, {"verified_pairs": int(real.size), "filled_exactly": int(short.size)}
