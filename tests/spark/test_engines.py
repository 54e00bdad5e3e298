"""Both engines on a small generated file: planted pairs, coverage, agreement with exact."""

import numpy as np
import pandas as pd
import pytest

from generator.synthetic import generate
from spark import job

PLANTED = 3


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    directory = tmp_path_factory.mktemp("engines")
    path = directory / "playlists.csv"
    stats = generate(path, rows=20_000, seed=4, planted=PLANTED)
    return directory, path, stats


def run_engine(spark, generated, engine: str, *extra: str, name: str = ""):
    directory, path, _ = generated
    out = directory / (name or engine)
    arguments = ["--input", str(path), "--output", str(out), "--k", "10", "--engine", engine]
    arguments = job.parse_args([*arguments, "--recall-sample", "200", *extra])
    summary = job.run(spark, arguments).to_dict()
    neighbours = spark.read.parquet(f"{out}/neighbours").toPandas()
    songs = spark.read.parquet(f"{out}/songs").toPandas()
    return summary, neighbours, songs


@pytest.fixture(scope="module")
def exact_run(spark, generated):
    return run_engine(spark, generated, "exact")


@pytest.fixture(scope="module")
def minhash_run(spark, generated):
    # Few bands and a small cap: LSH alone misses pairs, which the build must make up for.
    return run_engine(spark, generated, "minhash", "--lsh-bands", "4", "--lsh-cap", "20")


# The same runs with every block in a Spark task (the default computes this small file in the
# driver).
@pytest.fixture(scope="module")
def exact_tasks_run(spark, generated):
    return run_engine(spark, generated, "exact", "--driver-budget", "0", name="exact-tasks")


@pytest.fixture(scope="module")
def minhash_tasks_run(spark, generated):
    weak = ("--lsh-bands", "4", "--lsh-cap", "20")
    return run_engine(spark, generated, "minhash", *weak, "--driver-budget", "0", name="mh-tasks")


@pytest.mark.parametrize("engine", ["exact", "minhash"])
def test_driver_and_spark_tasks_find_the_same_neighbours_and_counts(request, engine: str) -> None:
    in_driver, rows, _ = request.getfixturevalue(f"{engine}_run")
    in_tasks, task_rows, _ = request.getfixturevalue(f"{engine}_tasks_run")
    assert (in_driver["neighbours_in"], in_tasks["neighbours_in"]) == ("driver", "spark tasks")
    assert in_driver["counts"] == in_tasks["counts"]
    assert in_driver["recall"] == in_tasks["recall"]
    order = ["song_key", "rank"]
    expected = task_rows.sort_values(order, ignore_index=True)
    pd.testing.assert_frame_equal(rows.sort_values(order, ignore_index=True), expected)


@pytest.mark.parametrize("run", ["exact_run", "minhash_run"])
def test_planted_pairs_are_each_others_first_neighbour(request, run: str) -> None:
    _, neighbours, songs = request.getfixturevalue(run)
    key = dict(zip(songs["title"], songs["key"], strict=True))
    first = neighbours[neighbours["rank"] == 1].set_index("song_key")
    for number in range(1, PLANTED + 1):
        a, b = key[f"Twin A {number:03d}"], key[f"Twin B {number:03d}"]
        assert (first.loc[a, "neighbour_key"], first.loc[a, "similarity"]) == (b, 1.0)
        assert (first.loc[b, "neighbour_key"], first.loc[b, "similarity"]) == (a, 1.0)


def co_occurring(spark, generated) -> tuple[np.ndarray, np.ndarray]:
    """Song keys and how many other songs share a playlist with each."""
    from spark import reader, songs

    _, path, _ = generated
    parsed = songs.hash_playlists(reader.parse(reader.read_lines(spark, str(path))))
    _, matrix, _ = songs.songs_and_matrix(reader.records(parsed))
    product = (matrix.rows @ matrix.columns).tocsr()
    return matrix.keys, np.diff(product.indptr) - 1


@pytest.mark.parametrize("run", ["exact_run", "minhash_run"])
def test_every_song_sharing_a_playlist_gets_min_k_and_its_co_occurring_count(
    spark, generated, request, run: str
) -> None:
    _, neighbours, _ = request.getfixturevalue(run)
    keys, others = co_occurring(spark, generated)
    counts = neighbours.groupby("song_key").size().reindex(keys, fill_value=0).to_numpy()
    assert np.array_equal(counts, np.minimum(10, others))


def test_minhash_reports_its_stages_and_agrees_with_exact_on_most_neighbours(
    exact_run, minhash_run
) -> None:
    exact_summary, exact_rows, _ = exact_run
    summary, rows, _ = minhash_run
    assert exact_summary["recall_at_10"] == 1.0
    assert 0.5 <= summary["recall_at_10"] < 1.0  # deliberately weak settings: misses show
    counts = summary["counts"]
    assert counts["signatures"] > 0 and counts["bucket_rows"] == 4 * counts["signatures"]
    assert counts["capped_buckets"] > 0 and counts["largest_bucket"] > 20
    assert counts["verified_pairs"] > 0 and counts["filled_exactly"] > 0
    merged = rows.merge(exact_rows, on=["song_key", "rank"], suffixes=("", "_exact"))
    assert (merged["similarity"] <= merged["similarity_exact"] + 1e-12).all()
