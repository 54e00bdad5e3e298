"""The bar: exact Jaccard top-K for every song in plain Python (numpy, scipy, pyarrow), no Spark.

The strongest short script a user could write instead of the job, to measure the job against:
the job's records and song keys (`benchmarks.bar_reader`), the binary song × playlist matrix X
built once as CSR, then blocks of songs handed to a pool of forked worker processes (one per
core, sharing X and Xᵀ by copy-on-write). Each block is one sparse product `X[block] @ Xᵀ`
(int32 shared-playlist counts), Jaccard inter / (|a| + |b| − inter) computed on the product's
data, each row's K-th best found by `np.partition` on padded slices of rows of similar length
and the entries at or above it ranked by one lexsort: no loop over rows in Python. Each worker
writes its block's rows (song_key, neighbour_key, similarity, rank: the job's columns, ties to
the smaller key like the job) to a Parquet file.

    python -m benchmarks.scipy_bar --input data/full.csv --output /tmp/bar
"""

import argparse
import ctypes
import json
import multiprocessing
import os
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import scipy.sparse as sp

from benchmarks.bar_reader import memberships, parse

_X: sp.csr_matrix | None = None
_XT: sp.csr_matrix | None = None
_DEGREES: np.ndarray | None = None
_KEYS: np.ndarray | None = None
# Upper bound on a block's product entries: a few hundred MB of temporaries per worker.
BLOCK_ENTRIES = 20_000_000


def song_matrix(song: np.ndarray, playlist: np.ndarray, n_songs: int) -> sp.csr_matrix:
    """Binary songs × playlists CSR (int32 ones) of (song, playlist) pairs, repeats dropped."""
    width = int(playlist.max()) + 1 if playlist.size else 1
    cells = np.unique(song.astype(np.int64) * width + playlist)
    rows, columns = np.divmod(cells, width)
    indptr = np.searchsorted(rows, np.arange(n_songs + 1))
    data = np.ones(cells.size, dtype=np.int32)
    return sp.csr_matrix((data, columns.astype(np.int32), indptr), shape=(n_songs, width))


def kth_largest(indptr: np.ndarray, values: np.ndarray, k: int) -> np.ndarray:
    """Per row of a CSR layout, its k-th largest value (0 for rows of k values or fewer; values
    are ≥ 0). Rows are padded to the next power of two of their length and partitioned a group
    of equal padded width at a time: at most twice the data, a few dozen numpy calls."""
    lengths = np.diff(indptr)
    found = np.zeros(lengths.size, dtype=values.dtype)
    long = np.flatnonzero(lengths > k)
    widths = np.left_shift(1, np.ceil(np.log2(lengths[long])).astype(np.int64))
    for width in np.unique(widths):
        rows = long[widths == width]
        size = lengths[rows]
        padded = np.full((rows.size, width), -1, dtype=values.dtype)
        slot = np.arange(size.sum()) - np.repeat(np.cumsum(size) - size, size)
        line = np.repeat(np.arange(rows.size), size)
        padded[line, slot] = values[np.repeat(indptr[rows], size) + slot]
        found[rows] = np.partition(padded, width - k, axis=1)[:, width - k]
    return found


def top_k(x: sp.csr_matrix, xt: sp.csr_matrix, degrees: np.ndarray, start: int, end: int,
          k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """Songs start..end-1's k best by Jaccard, ties to the smaller index: (song, neighbour,
    similarity, rank) arrays ordered by song then rank."""
    product = x[start:end] @ xt
    indptr, column, shared = product.indptr, product.indices, product.data
    lengths = np.diff(indptr)
    row = np.repeat(np.arange(end - start), lengths)
    union = np.repeat(degrees[start:end], lengths) + degrees[column] - shared
    # float32 finds each row's K-th best: rounding keeps the order, so the entries at or above
    # it include the true top K, and only those get exact float64 similarities for ranking.
    rough = shared.astype(np.float32) / union.astype(np.float32)
    rough[column == start + row] = 0.0  # a song is not its own neighbour
    bound = kth_largest(indptr, rough, k)
    kept = np.flatnonzero((rough >= bound[row]) & (rough > 0))
    similarity = shared[kept] / union[kept]
    order = np.lexsort((column[kept], -similarity, row[kept]))
    kept, similarity = kept[order], similarity[order]
    kept_row = row[kept]
    starts = np.flatnonzero(np.r_[True, kept_row[1:] != kept_row[:-1]])
    rank = np.arange(kept.size) - np.repeat(starts, np.diff(np.r_[starts, kept.size])) + 1
    best = rank <= k
    kept = kept[best]
    return start + row[kept], column[kept], similarity[best], rank[best].astype(np.int32)


def _block(task: tuple[int, int, int, str]) -> tuple[int, float]:
    start, end, k, output = task
    song, neighbour, similarity, rank = top_k(_X, _XT, _DEGREES, start, end, k)
    started = time.perf_counter()
    table = pa.table(
        {
            "song_key": _KEYS[song],
            "neighbour_key": _KEYS[neighbour],
            "similarity": similarity,
            "rank": rank,
        }
    )
    pq.write_table(table, f"{output}/part-{start:09d}.parquet")
    return song.size, time.perf_counter() - started


def _keep_freed_memory() -> None:
    """Every block allocates the same large arrays: glibc would hand them back to the kernel on
    free and fault fresh pages in for the next block. Kept on the heap, they are reused."""
    libc = ctypes.CDLL("libc.so.6")
    libc.mallopt(-4, 0)  # M_MMAP_MAX: no allocation in its own mapping
    libc.mallopt(-1, 2**31 - 1)  # M_TRIM_THRESHOLD: never give the heap's top back


def blocks(work: np.ndarray, budget: int) -> list[tuple[int, int]]:
    """Contiguous [start, end) song ranges whose summed `work` stays near `budget` (≥ 1 song)."""
    cuts = np.searchsorted(np.cumsum(work), np.arange(budget, int(work.sum()), budget))
    bounds = np.unique(np.r_[0, np.minimum(cuts + 1, work.size), work.size])
    return list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))


def build(
    source: Path, output: Path, k: int, processes: int, block_entries: int = BLOCK_ENTRIES
) -> dict[str, object]:
    """The whole bar, CSV to Parquet; its counts and seconds per stage."""
    global _X, _XT, _DEGREES, _KEYS
    seconds, clock = {}, [time.perf_counter()]

    def lap(stage: str) -> None:
        clock.append(time.perf_counter())
        seconds[stage] = round(clock[-1] - clock[-2], 1)

    table = parse(source)
    lap("parse")
    found = memberships(table)
    del table
    lap("normalise")
    _KEYS = found.keys
    _X = song_matrix(found.song, found.playlist, found.keys.size)
    _XT = _X.T.tocsr()
    _DEGREES = np.diff(_X.indptr).astype(np.int32)
    playlist_sizes = np.diff(_XT.indptr).astype(np.int64)
    # Per song, the sum of its playlists' sizes: a bound on its row of the product.
    work = np.add.reduceat(playlist_sizes[_X.indices], _X.indptr[:-1]) * (_DEGREES > 0)
    lap("matrix")
    output.mkdir(parents=True, exist_ok=True)
    for stale in output.glob("part-*.parquet"):  # an earlier run's blocks may differ
        stale.unlink()
    tasks = [(s, e, k, str(output)) for s, e in blocks(work, block_entries)]
    with multiprocessing.get_context("fork").Pool(processes, _keep_freed_memory) as pool:
        done = list(pool.imap_unordered(_block, tasks))
    lap("neighbours")
    rows = sum(count for count, _ in done)
    # Writing happens in the workers, inside "neighbours": their summed seconds, apart.
    seconds["of which write, summed over workers"] = round(sum(s for _, s in done), 1)
    return {
        "songs": int(_KEYS.size),
        "memberships": int(_X.nnz),
        "estimated_pairs": int((playlist_sizes**2).sum()),
        "neighbour_rows": int(rows),
        "seconds": seconds,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, required=True)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--processes", type=int, default=os.cpu_count())
    args = parser.parse_args(argv)
    summary = build(args.input, args.output, args.k, args.processes)
    print("SUMMARY " + json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
