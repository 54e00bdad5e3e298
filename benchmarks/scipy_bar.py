"""The bar: exact top-K for every song with scipy sparse products in plain processes, no Spark.

CSV → pyarrow (multi-threaded) → names normalised once per distinct name → song × playlist
matrix → for each block of songs, in a pool of worker processes (forked, sharing the matrix),
the block's rows of A · Aᵀ by scipy's sparse product and each row's top K by numpy
(`select_top_k`) → one Parquet file per block. The plain scipy way, without the engines'
compiled kernel.

    python -m benchmarks.scipy_bar --input data/full.csv --output /tmp/bar --processes 2
"""

import argparse
import json
import multiprocessing
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from matching.names import match_key
from spark.engines.kernel import select_top_k
from spark.matrix import Neighbours, SongMatrix, blocks

_MATRIX: SongMatrix | None = None


def read_memberships(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (song, playlist) index pairs of the CSV's valid lines."""
    table = pa_csv.read_csv(
        path,
        read_options=pa_csv.ReadOptions(
            column_names=["user_id", "artistname", "trackname", "playlistname"], skip_rows=1
        ),
        parse_options=pa_csv.ParseOptions(
            double_quote=False,
            escape_char="\\",
            # A truncated malformed line leaves a quote open: without this the parallel
            # chunker loses its place in the file.
            newlines_in_values=True,
            invalid_row_handler=lambda row: "skip",
        ),
        convert_options=pa_csv.ConvertOptions(column_types=dict.fromkeys(["user_id"], pa.string())),
    ).to_pandas()
    table = table.apply(lambda column: column.astype("string").str.strip())
    table = table[(table.fillna("") != "").all(axis=1)]
    artists, artist_codes = np.unique(
        table["artistname"].to_numpy(dtype=object), return_inverse=True
    )
    titles, title_codes = np.unique(table["trackname"].to_numpy(dtype=object), return_inverse=True)
    artist_keys = pd.Series([match_key(name) for name in artists]).factorize()[0]
    title_keys = pd.Series([match_key(name) for name in titles]).factorize()[0]
    song = (
        artist_keys[artist_codes].astype(np.int64) * (title_keys.max() + 1)
        + title_keys[title_codes]
    )
    playlist = pd.MultiIndex.from_arrays([table["user_id"], table["playlistname"]]).factorize()[0]
    return song, playlist.astype(np.int64)


def scipy_top_k(matrix: SongMatrix, songs: np.ndarray, k: int) -> Neighbours:
    """Exact Jaccard top-k of `songs` from their rows of A · Aᵀ (scipy's sparse product)."""
    counts = (matrix.rows[songs] @ matrix.columns).tocsr()
    row = np.repeat(np.arange(songs.size, dtype=np.int32), np.diff(counts.indptr))
    column, shared = counts.indices, counts.data
    other = column != songs[row]
    row, column, shared = row[other], column[other], shared[other]
    union = matrix.degrees[songs][row] + matrix.degrees[column] - shared
    chosen, similarity, rank = select_top_k(row, column, shared, union, k)
    return Neighbours(songs[row[chosen]], column[chosen].astype(np.int64), similarity, rank)


def _block(task: tuple[int, int, int, str]) -> int:
    start, end, k, output = task
    found = scipy_top_k(_MATRIX, np.arange(start, end), k)
    pq.write_table(
        pa.table(
            {
                "song_key": _MATRIX.keys[found.song],
                "neighbour_key": _MATRIX.keys[found.neighbour],
                "similarity": found.similarity,
                "rank": found.rank,
            }
        ),
        f"{output}/part-{start:09d}.parquet",
    )
    return len(found)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, required=True)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args(argv)
    global _MATRIX
    seconds, started = {}, time.perf_counter()
    song, playlist = read_memberships(args.input)
    codes = np.unique(song * (playlist.max() + 1) + playlist)
    _MATRIX = SongMatrix.from_memberships(
        codes // (playlist.max() + 1), codes % (playlist.max() + 1)
    )
    seconds["parse"] = round(time.perf_counter() - started, 1)
    _ = _MATRIX.columns  # built before forking: shared by the workers
    args.output.mkdir(parents=True, exist_ok=True)
    # Product entries per block: about 1 GB of numpy temporaries per process at most.
    tasks = [(s, e, args.k, str(args.output)) for s, e in blocks(_MATRIX.work, 30_000_000)]
    with multiprocessing.get_context("fork").Pool(args.processes) as pool:
        rows = sum(pool.imap_unordered(_block, tasks))
    seconds["neighbours"] = round(time.perf_counter() - started - seconds["parse"], 1)
    print(
        "SUMMARY "
        + json.dumps(
            {
                "songs": _MATRIX.n_songs,
                "memberships": int(_MATRIX.indices.size),
                "estimated_pairs": int((_MATRIX.playlist_sizes**2).sum()),
                "neighbour_rows": rows,
                "seconds": seconds,
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
