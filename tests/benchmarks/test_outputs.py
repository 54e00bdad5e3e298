"""Recall against a reference build's Parquet rows, ties counted as hits."""

from pathlib import Path

import pandas as pd
import pytest

from benchmarks.outputs import recall_against


def _write(directory: Path, rows: list[tuple[int, int, float, int]]) -> Path:
    directory.mkdir(parents=True)
    frame = pd.DataFrame(rows, columns=["song_key", "neighbour_key", "similarity", "rank"])
    frame.to_parquet(directory / "part-0.parquet")
    return directory.parent if directory.name == "neighbours" else directory


# Song 1's reference top-2: 10 (0.5), then 11 and 12 tied at 0.25 (12 listed third).
REFERENCE = [(1, 10, 0.5, 1), (1, 11, 0.25, 2), (1, 12, 0.25, 3), (2, 20, 1.0, 1)]


@pytest.mark.parametrize(
    ("listed", "expected"),
    [
        ([(1, 10, 0.5, 1), (1, 11, 0.25, 2), (2, 20, 1.0, 1)], 1.0),
        # The tied neighbour the reference ranks third is as good as the second.
        ([(1, 10, 0.5, 1), (1, 12, 0.25, 2), (2, 20, 1.0, 1)], 1.0),
        # A worse neighbour in place of one of song 1's two.
        ([(1, 10, 0.5, 1), (1, 13, 0.1, 2), (2, 20, 1.0, 1)], 0.75),
        # Song 2 missing altogether.
        ([(1, 10, 0.5, 1), (1, 11, 0.25, 2)], 0.5),
        # One the reference does not list, tied with its cut where its last row ties too.
        ([(1, 10, 0.5, 1), (1, 14, 0.25, 2), (2, 20, 1.0, 1)], 1.0),
    ],
)
def test_recall_against_a_reference(tmp_path, listed, expected) -> None:
    reference = _write(tmp_path / "bar", REFERENCE)
    other = _write(tmp_path / "job" / "neighbours", listed)
    assert recall_against(reference, other, at=2) == expected


def test_a_neighbour_beyond_the_reference_list_is_a_miss_without_a_tie(tmp_path) -> None:
    reference = _write(tmp_path / "bar", [(1, 10, 0.5, 1), (1, 11, 0.4, 2), (1, 12, 0.3, 3)])
    other = _write(tmp_path / "job" / "neighbours", [(1, 10, 0.5, 1), (1, 14, 0.4, 2)])
    assert recall_against(reference, other, at=2) == 0.5
