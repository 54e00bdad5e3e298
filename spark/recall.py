"""Recall of a build's neighbours against exact top-K on a random sample of songs.

Plain numpy: the reference comes from the same kernel as the exact engine (`exact_top_k`).
A reference neighbour counts as found when the build lists, within its first `at`, a neighbour
at least as similar as the reference's `at`-th: songs tied at that similarity are
interchangeable, and every engine reports exact Jaccard similarities.
"""

import numpy as np
import pandas as pd

from spark.engines.kernel import exact_top_k
from spark.matrix import Neighbours, SongMatrix

# Relative tolerance when comparing similarities computed on different paths (float64 division).
_TOLERANCE = 1e-9


def sample_songs(matrix: SongMatrix, size: int, seed: int) -> np.ndarray:
    """Up to `size` random song indices among songs in at least two playlists, ascending."""
    eligible = np.flatnonzero(matrix.degrees >= 2)
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(eligible, min(size, eligible.size), replace=False))


def reference(matrix: SongMatrix, songs: np.ndarray, at: int) -> Neighbours:
    """Exact top-`at` of the sampled songs."""
    return exact_top_k(matrix, songs, at)


def recall_at(
    matrix: SongMatrix, truth: Neighbours, found: pd.DataFrame, at: int = 10
) -> dict[str, float | int]:
    """Recall@`at` of `found` (song_key, neighbour_key, similarity, rank rows) against `truth`.

    Returns {"recall": share of reference neighbours found, "songs": sampled songs with any
    co-occurring song, "expected": reference neighbours, "found": of them found}.
    """
    truth_frame = pd.DataFrame(
        {"song_key": matrix.keys[truth.song], "similarity": truth.similarity, "rank": truth.rank}
    )
    truth_frame = truth_frame[truth_frame["rank"] <= at]
    per_song = truth_frame.groupby("song_key")["similarity"].agg(["min", "size"])
    listed = found[found["rank"] <= at][["song_key", "similarity"]].merge(
        per_song, left_on="song_key", right_index=True
    )
    good = listed["similarity"] >= listed["min"] * (1 - _TOLERANCE)
    hits = good.groupby(listed["song_key"]).sum().reindex(per_song.index, fill_value=0)
    found_count = int(np.minimum(hits.to_numpy(), per_song["size"].to_numpy()).sum())
    expected = int(per_song["size"].sum())
    return {
        "recall": round(found_count / expected, 4) if expected else 1.0,
        "songs": int(per_song.shape[0]),
        "expected": expected,
        "found": found_count,
    }
