"""Banded MinHash LSH on numpy arrays: signatures, band keys, bucket windows, verification.

numpy and numba loops (no Spark), called by spark.engines.minhash inside Spark tasks.

A song's MinHash signature holds, for each of n = b × r hash functions, the smallest hash of its
playlists; two songs agree on one entry with probability J (their Jaccard similarity). Banding
ANDs r entries (a band's key) and ORs b bands: a pair becomes a candidate with probability
1 − (1 − J^r)^b, an S-curve whose steepest point is near (1/b)^(1/r).
"""

from dataclasses import dataclass

import numba
import numpy as np

from spark.engines.kernel import exact_top_k, listed, offer, ranked_lists, run_starts
from spark.matrix import Neighbours, SongMatrix

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


@numba.njit(nogil=True, cache=True)
def _min_hashes(
    indptr: np.ndarray, indices: np.ndarray, songs: np.ndarray, table: np.ndarray
) -> np.ndarray:
    signature = np.full((songs.size, table.shape[1]), np.uint32(0xFFFFFFFF), np.uint32)
    for row in range(songs.size):
        for entry in range(indptr[songs[row]], indptr[songs[row] + 1]):
            hashes = table[indices[entry]]
            for column in range(table.shape[1]):
                signature[row, column] = min(signature[row, column], hashes[column])
    return signature


def signatures(matrix: SongMatrix, songs: np.ndarray, table: np.ndarray) -> np.ndarray:
    """len(songs) × n_hashes uint32 MinHash signatures (songs must be in some playlist)."""
    return _min_hashes(matrix.indptr, matrix.indices, np.asarray(songs, np.int64), table)


def band_key(entries: np.ndarray, band: int) -> np.ndarray:
    """int64 bucket key per row: the band's r signature entries (columns) hashed together."""
    with np.errstate(over="ignore"):
        key = np.full(entries.shape[0], np.uint64(band + 1) * _GOLDEN, dtype=np.uint64)
        for column in range(entries.shape[1]):
            key = _mix(key ^ entries[:, column].astype(np.uint64))
    return key.view(np.int64)


def band_order(entries: np.ndarray) -> np.ndarray:
    """int64 per row: two signature entries packed as high and low 32 bits.

    Sorted by it inside a bucket, songs that also agree on the first entry (probability J),
    then on the second, are next to each other.
    """
    high = entries[:, 0].astype(np.uint64) << np.uint64(32)
    return (high | entries[:, 1].astype(np.uint64)).view(np.int64)


@numba.njit(nogil=True, cache=True)
def _order_capped_buckets(
    order: np.ndarray, keys: np.ndarray, orders: np.ndarray, cap: int
) -> None:
    """Within each bucket of more than `cap` songs (a run of `keys[order]`), put `order` in
    (`orders`, index) order, in place."""
    start = 0
    while start < order.size:
        end = start + 1
        while end < order.size and keys[order[end]] == keys[order[start]]:
            end += 1
        if end - start > cap:
            run = np.sort(order[start:end])
            order[start:end] = run[np.argsort(orders[run], kind="mergesort")]
        start = end


def bucket_order(keys: np.ndarray, orders: np.ndarray, cap: int) -> np.ndarray:
    """Row positions grouped by bucket `keys`; within buckets above `cap` sorted by `orders`
    (`band_order`) then position. Where a bucket holds `cap` songs or fewer, every pair is a
    candidate whatever their order, so only the large ones are sorted: a fraction of the cost
    of sorting all rows by three keys."""
    order = np.argsort(keys)
    _order_capped_buckets(order, keys, orders, cap)
    return order


@dataclass
class BandStats:
    """Counts over the bands processed: buckets of two or more songs, the largest bucket,
    buckets above the cap, pairs drawn from buckets, pairs of them sharing a playlist."""

    buckets: int = 0
    largest: int = 0
    capped: int = 0
    candidate_pairs: int = 0
    verified_pairs: int = 0

    def add(self, other: "BandStats") -> None:
        self.buckets += other.buckets
        self.largest = max(self.largest, other.largest)
        self.capped += other.capped
        self.candidate_pairs += other.candidate_pairs
        self.verified_pairs += other.verified_pairs


@numba.njit(nogil=True, cache=True)
def _window_pairs(
    songs: np.ndarray, rows: np.ndarray, degrees: np.ndarray, keys: np.ndarray, cap: int,
    indptr: np.ndarray, indices: np.ndarray, marks: np.ndarray, stamp: np.ndarray,
    found: np.ndarray, lists: np.ndarray,
) -> tuple[int, int, int, int, int]:  # fmt: skip
    """One band: `songs` sorted by bucket `keys` (then order), with their ranked lists' `rows`
    and their `degrees`. Each song meets the next cap − 1 songs of its bucket; pairs sharing a
    playlist are offered to both songs' ranked lists (`offer`). Returns buckets, largest,
    capped, candidate and verified pairs.

    A song's playlists are marked once (`marks[p] == stamp[0]`, so no mark is ever cleared)
    and each partner's playlists looked up there: a window of cap songs reads each song's row
    once instead of merging it with each of its partners'."""
    buckets = largest = capped = candidates = verified = 0
    start = 0
    while start < songs.size:
        end = start + 1
        while end < songs.size and keys[end] == keys[start]:
            end += 1
        size = end - start
        buckets += size >= 2
        largest = max(largest, size)
        capped += size > cap
        for first in range(start, end - 1):
            a = songs[first]
            stamp[0] += 1
            mark = stamp[0]
            for entry in range(indptr[a], indptr[a + 1]):
                marks[indices[entry]] = mark
            for second in range(first + 1, min(first + cap, end)):
                b = songs[second]
                candidates += 1
                common = 0
                for entry in range(indptr[b], indptr[b + 1]):
                    common += marks[indices[entry]] == mark
                if common == 0:  # a key collision
                    continue
                verified += 1
                total = degrees[first] + degrees[second] - common
                offer(rows[first], b, common, total, found, lists, True)
                offer(rows[second], a, common, total, found, lists, True)
        start = end
    return buckets, largest, capped, candidates, verified


def band_candidates(
    matrix: SongMatrix,
    table: np.ndarray,
    settings: LshSettings,
    bands: range,
    k: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, BandStats]:
    """Candidate pairs (a, b) and their shared playlists from the buckets of `bands`: for each
    song in two or more playlists, the k best verified partners it met in those bands (songs
    in one playlist get exact lists elsewhere). `table` is
    `hash_table(n_playlists, settings.hashes, seed)`.

    Per band: signatures of the band's r rows and of the two entries after them (another
    band's), which order its buckets (`band_order`), songs grouped by bucket (`bucket_order`),
    then a window of `settings.cap`.
    Verified on the spot, so only k pairs per song leave: a bucket of s songs costs
    s × (cap − 1) lookups of a row, never s²/2.
    """
    songs = np.flatnonzero(matrix.degrees >= 2)
    found, lists = ranked_lists(songs.size, k)
    degrees = matrix.degrees[songs].astype(np.int64)
    marks = np.zeros(matrix.n_playlists, dtype=np.int64)
    stamp = np.zeros(1, dtype=np.int64)
    stats = BandStats()
    n = settings.hashes
    for band in bands:
        own = np.arange(band * settings.rows, (band + 1) * settings.rows)
        follow = ((band + 1) * settings.rows + np.arange(2)) % n
        signature = signatures(matrix, songs, table[:, np.r_[own, follow]])
        keys = band_key(signature[:, : settings.rows], band)
        order = bucket_order(keys, band_order(signature[:, settings.rows :]), settings.cap)
        counts = _window_pairs(
            songs[order], order, degrees[order], keys[order], settings.cap,
            matrix.indptr, matrix.indices, marks, stamp, found, lists,
        )  # fmt: skip
        stats.add(BandStats(*counts))
    rows, neighbour, shared, _, _ = listed(found, lists)
    return songs[rows], neighbour, shared, stats


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


@numba.njit(nogil=True, cache=True)
def _rank_pairs(
    row: np.ndarray, other: np.ndarray, common: np.ndarray, total: np.ndarray,
    found: np.ndarray, lists: np.ndarray,
) -> None:  # fmt: skip
    """Offer each pair (row, other) with `common` shared playlists of `total` to ranked list
    `row` (`offer`; a pair may come more than once)."""
    for pair in range(row.size):
        offer(row[pair], other[pair], common[pair], total[pair], found, lists, True)


def verified_top_k(
    matrix: SongMatrix,
    a: np.ndarray,
    b: np.ndarray,
    common: np.ndarray,
    songs: np.ndarray,
    k: int,
) -> tuple[Neighbours, dict[str, int]]:
    """Top-k of `songs` (ascending indices) from candidate pairs and their shared playlists.

    `a`/`b` are candidate pairs in either direction with a or b in `songs`, `common` their
    exact |playlists(a) ∩ playlists(b)| (pairs sharing none are dropped). Songs in one playlist
    get their exact list directly; songs left with fewer than k neighbours are computed exactly
    with the product kernel (so coverage never depends on luck). Returns the rows and counts:
    pairs ranked, songs filled in exactly.
    """
    start, end = int(songs[0]), int(songs[-1]) + 1
    mine = (a >= start) & (a < end)
    theirs = (b >= start) & (b < end)
    a, b = np.r_[a[mine], b[theirs]], np.r_[b[mine], a[theirs]]
    common = np.r_[common[mine], common[theirs]].astype(np.int64)
    # Songs in one playlist get their exact list below, with no verification.
    multiple = (matrix.degrees[a] >= 2) & (common > 0)
    a, b, common = a[multiple], b[multiple], common[multiple]
    multi = songs[matrix.degrees[songs] >= 2]
    # Songs in one playlist that share it with a song always share exactly that one.
    extra_a, extra_b = single_playlist_candidates(matrix, multi, k)
    a, b = np.r_[a, extra_a], np.r_[b, extra_b]
    common = np.r_[common, np.ones(extra_a.size, np.int64)]
    total = matrix.degrees[a].astype(np.int64) + matrix.degrees[b] - common
    found, lists = ranked_lists(end - start, k)
    _rank_pairs((a - start).astype(np.int64), b.astype(np.int64), common, total, found, lists)
    rows, neighbour, shared, union, rank = listed(found, lists)
    found_rows = Neighbours(rows + start, neighbour, shared / union, rank)
    short = multi[found[multi - start] < k]
    filled = exact_top_k(matrix, short, k)
    found_rows = found_rows.take(~np.isin(found_rows.song, short))
    single = single_playlist_neighbours(matrix, songs, k)
    result = Neighbours.concatenate([found_rows, filled, single])
    return result, {"ranked_pairs": int(a.size), "filled_exactly": int(short.size)}
