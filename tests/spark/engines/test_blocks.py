"""In the driver or in Spark tasks: the same neighbours, counts and recall."""

import pandas as pd
import pytest


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
