"""The scipy bar gives the job's exact engine's rows: same songs, neighbours, similarities and
ranks (ties included), from the same kernel the engine runs, on a small generated file. No Spark."""

import numpy as np
import pandas as pd
import pytest

from benchmarks.bar_reader import memberships, parse
from benchmarks.scipy_bar import build, kth_largest
from generator.synthetic import generate
from spark.engines.kernel import exact_top_k
from spark.matrix import SongMatrix


def test_the_bar_equals_the_exact_kernel(tmp_path) -> None:
    source = tmp_path / "playlists.csv"
    generate(source, rows=20_000, seed=3, planted=5)

    # A small block budget: many blocks over both worker processes.
    summary = build(source, tmp_path / "bar", k=20, processes=2, block_entries=200_000)

    found = memberships(parse(source))
    matrix = SongMatrix.from_indexed(found.keys, found.song, found.playlist)
    exact = exact_top_k(matrix, np.arange(matrix.n_songs), 20)
    expected = pd.DataFrame(
        {
            "song_key": matrix.keys[exact.song],
            "neighbour_key": matrix.keys[exact.neighbour],
            "similarity": exact.similarity,
            "rank": exact.rank,
        }
    )
    bar = pd.read_parquet(tmp_path / "bar").sort_values(["song_key", "rank"], ignore_index=True)
    assert summary["songs"] == matrix.n_songs
    assert summary["neighbour_rows"] == len(expected) > 0
    pd.testing.assert_frame_equal(
        bar, expected.sort_values(["song_key", "rank"], ignore_index=True)
    )


@pytest.mark.parametrize("k", [1, 3, 5])
def test_kth_largest_of_ragged_rows(k) -> None:
    rng = np.random.default_rng(k)
    rows = [rng.random(n) for n in [0, 1, 3, 4, 5, 6, 9, 17, 40, 3, 130]]
    indptr = np.r_[0, np.cumsum([row.size for row in rows])]

    found = kth_largest(indptr, np.concatenate(rows), k)

    assert found.tolist() == [np.sort(row)[-k] if row.size > k else 0.0 for row in rows]
