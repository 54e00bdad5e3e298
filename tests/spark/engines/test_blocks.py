"""In the driver or in Spark tasks: the same neighbours, counts and recall; tasks write their own
rows."""

import pandas as pd
import pytest

from spark import job
from tests.playlists_csv import write_playlists_csv


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


@pytest.mark.parametrize("engine", ["exact", "minhash"])
def test_spark_tasks_count_the_rows_they_wrote(request, engine: str) -> None:
    in_tasks, task_rows, _ = request.getfixturevalue(f"{engine}_tasks_run")
    assert in_tasks["neighbour_rows"] == len(task_rows) > 0


@pytest.mark.parametrize("engine", ["exact", "minhash"])
def test_tasks_that_find_no_neighbours_leave_an_empty_table_in_place_of_an_earlier_output(
    spark, generated, tmp_path, engine: str
) -> None:
    # One song per playlist: no song shares a playlist with another.
    lonely = [(f"user{i}", f"Artist {i}", f"Title {i}", "Mix") for i in range(30)]
    path = write_playlists_csv(tmp_path / "lonely.csv", lonely)
    _, earlier, _ = generated
    output = tmp_path / "out"
    for source in (earlier, path):
        arguments = ["--input", str(source), "--output", str(output), "--k", "5"]
        arguments += ["--engine", engine, "--driver-budget", "0"]
        summary = job.run(spark, job.parse_args(arguments)).to_dict()

    written = spark.read.parquet(f"{output}/neighbours")
    assert summary["neighbour_rows"] == written.count() == 0
    assert written.schema.simpleString() == (
        "struct<song_key:bigint,neighbour_key:bigint,similarity:double,rank:int>"
    )
