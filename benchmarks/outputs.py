"""Checks on two builds' outputs of one file: planted pairs, coverage against exact, and recall
against an independent reference (the scipy bar's output).

Planted pairs ("Twin A NNN" / "Twin B NNN", always together) must be each other's rank-1
neighbour with similarity 1.0. Coverage: the exact build lists min(K, co-occurring songs)
neighbours for every song by construction, so a build covers a song when it lists as many.

    python -m benchmarks.outputs --exact data/bench/out-12900000/auto-exact \\
        --other data/bench/out-12900000/auto
"""

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.measure import table


def planted(directory: Path) -> tuple[int, int]:
    """(pairs whose twins are each other's rank-1 neighbour at 1.0, planted pairs)."""
    songs = pd.read_parquet(directory / "songs", columns=["key", "artist", "title"])
    twins = songs[songs["artist"].str.startswith("Planted Pair ")]
    first = pd.read_parquet(directory / "neighbours", filters=[("rank", "==", 1)])
    first = first.set_index("song_key")
    # "Twin A 001" and "Twin B 001", each by an artist of its own: a pair shares its number.
    numbers = twins["title"].str.split().str[-1]
    good = 0
    for _, pair in twins.groupby(numbers):
        keys = pair["key"].tolist()
        if len(keys) == 2 and all(
            key in first.index
            and first.loc[key, "neighbour_key"] == other
            and first.loc[key, "similarity"] == 1.0
            for key, other in ((keys[0], keys[1]), (keys[1], keys[0]))
        ):
            good += 1
    return good, numbers.nunique()


def coverage(exact: Path, other: Path) -> tuple[int, int]:
    """(songs listed with as many neighbours as exact lists, songs exact lists)."""
    expected = pd.read_parquet(exact / "neighbours", columns=["song_key"]).value_counts()
    listed = pd.read_parquet(other / "neighbours", columns=["song_key"]).value_counts()
    listed = listed.reindex(expected.index, fill_value=0)
    return int((listed.to_numpy() >= expected.to_numpy()).sum()), int(expected.size)


def _neighbour_rows(directory: Path, **read: object) -> pd.DataFrame:
    """A build's neighbour rows: `<directory>/neighbours` (the job) or `<directory>` itself (the
    bar writes its blocks' Parquet files there); `read` goes to `pd.read_parquet`."""
    rows = directory / "neighbours"
    return pd.read_parquet(rows if rows.is_dir() else directory, **read)


def recall_against(
    reference: Path, other: Path, *, songs: int = 500, at: int = 10, seed: int = 1
) -> float:
    """Recall@`at` of `other`'s lists against `reference`'s (exact) on `songs` songs drawn from
    the reference: the share of each reference top-`at` that `other`'s top-`at` holds, ties
    counted as hits (a neighbour `other` lists whose similarity in the reference reaches the
    `at`-th best; one the reference does not list counts when the reference's last listed
    similarity ties with its `at`-th, at `other`'s similarity). Averaged over songs. Only the
    drawn songs' rows are read."""
    keys = np.unique(_neighbour_rows(reference, columns=["song_key"])["song_key"].to_numpy())
    chosen = np.random.default_rng(seed).choice(keys, size=min(songs, keys.size), replace=False)
    drawn = [("song_key", "in", chosen.tolist())]
    truth = _neighbour_rows(reference, filters=drawn)
    found = _neighbour_rows(other, filters=[*drawn, ("rank", "<=", at)])
    listed_by_song = {key: rows for key, rows in found.groupby("song_key")}
    recalls = []
    for key, rows in truth.groupby("song_key"):
        rows = rows.sort_values("rank")
        best = rows[rows["rank"] <= at]
        cut, last = best["similarity"].min(), rows["similarity"].iloc[-1]
        reference_similarity = dict(zip(rows["neighbour_key"], rows["similarity"], strict=True))
        hits = 0
        listed = listed_by_song.get(key)
        for neighbour, similarity in (
            zip(listed["neighbour_key"], listed["similarity"], strict=True)
            if listed is not None
            else []
        ):
            if neighbour in reference_similarity:
                hits += reference_similarity[neighbour] >= cut
            else:
                hits += last == cut and similarity == cut
        recalls.append(min(hits, len(best)) / len(best))
    return float(np.mean(recalls))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exact", type=Path, required=True)
    parser.add_argument("--other", type=Path, required=True)
    args = parser.parse_args(argv)
    rows = []
    for name, directory in (("exact", args.exact), ("other", args.other)):
        good, pairs = planted(directory)
        covered, songs = coverage(args.exact, directory)
        rows.append([name, f"{good}/{pairs}", f"{covered:,}/{songs:,}", f"{covered / songs:.4f}"])
    print(table(["build", "planted rank-1 at 1.0", "songs covered", "coverage"], rows))


if __name__ == "__main__":
    main()
