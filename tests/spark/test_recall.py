"""Recall@k against the exact reference: tied neighbours are interchangeable."""

import numpy as np
import pandas as pd

from spark import recall
from spark.engines.kernel import exact_top_k
from tests.spark.matrices import random_matrix


def frame(matrix, found) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "song_key": matrix.keys[found.song],
            "neighbour_key": matrix.keys[found.neighbour],
            "similarity": found.similarity,
            "rank": found.rank,
        }
    )


def test_the_exact_output_has_recall_one_and_a_truncated_one_less() -> None:
    matrix = random_matrix(7)
    sample = recall.sample_songs(matrix, 50, seed=1)
    assert (matrix.degrees[sample] >= 2).all() and np.all(np.diff(sample) > 0)
    truth = recall.reference(matrix, sample, 10)
    everything = frame(matrix, exact_top_k(matrix, np.arange(matrix.n_songs), 20))
    assert recall.recall_at(matrix, truth, everything)["recall"] == 1.0
    first_five = everything[everything["rank"] <= 5]
    result = recall.recall_at(matrix, truth, first_five)
    assert 0.4 < result["recall"] < 1.0
    assert result["expected"] == len(truth) and result["songs"] == len(set(truth.song))


def test_a_different_neighbour_with_the_same_similarity_counts_as_found() -> None:
    matrix = random_matrix(8)
    sample = recall.sample_songs(matrix, 30, seed=2)
    truth = recall.reference(matrix, sample, 10)
    found = frame(matrix, truth)
    found["neighbour_key"] = -1  # other songs, same similarities
    assert recall.recall_at(matrix, truth, found)["recall"] == 1.0
    found["similarity"] *= 0.5
    assert recall.recall_at(matrix, truth, found)["recall"] < 1.0
