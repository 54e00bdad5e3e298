"""spark-submit's command: the build's engine and tuning options reach the job; a failed job's
error says its cause first."""

import pytest

from recommendations.selectors import active_build, recommendations_for_song
from recommendations.spark_submit import (
    TAIL_LINES,
    JobOptions,
    SparkJobFailed,
    command,
    failure_cause,
    run_job,
)
from tests.playlists_csv import FIRST, write_playlists_csv
from tests.recommendations.conftest import build_recs, songs_by_title

pytestmark = pytest.mark.usefixtures("build_settings")


@pytest.mark.django_db
def test_engine_and_lsh_options_reach_the_job(tmp_path) -> None:
    build_recs(
        write_playlists_csv(tmp_path / "first.csv", FIRST),
        engine="minhash",
        lsh_bands=7,
        lsh_rows=3,
        lsh_cap=50,
        seed=9,
    )
    build = active_build()
    assert build.parameters["job_arguments"] == {
        "engine": "minhash", "lsh-rows": 3, "lsh-bands": 7, "lsh-cap": 50, "seed": 9
    }  # fmt: skip
    assert build.summary["engine"] == "minhash"
    parameters = build.summary["parameters"]
    assert (parameters["lsh_bands"], parameters["lsh_rows"], parameters["lsh_cap"]) == (7, 3, 50)
    assert "candidates" in build.timings
    twin_a = songs_by_title()["Twin A"]
    best = recommendations_for_song(song=twin_a, include_same_artist=True)[0]
    assert (best.neighbour.title, best.similarity, best.rank) == ("Twin B", 1.0, 1)


def test_a_local_run_collects_with_the_throughput_collector_and_a_cluster_keeps_its_own(
    tmp_path,
) -> None:
    def java_options(master: str) -> list[str]:
        options = JobOptions(
            input_path="in.csv",
            output_dir=tmp_path,
            master=master,
            k=5,
            driver_memory="1g",
            executor_memory="1g",
            max_bad_share=0.05,
        )
        return [argument for argument in command(options) if "JavaOptions" in argument]

    assert java_options("local[*]") == ["spark.driver.extraJavaOptions=-XX:+UseParallelGC"]
    assert java_options("spark://127.0.0.1:7077") == []


def test_a_failed_job_says_its_cause_first_then_its_status_and_a_short_tail(tmp_path) -> None:
    missing = tmp_path / "missing.csv"
    options = JobOptions(
        input_path=str(missing),
        output_dir=tmp_path / "out",
        master="local[1]",
        k=5,
        driver_memory="1g",
        executor_memory="1g",
        max_bad_share=0.05,
    )

    with pytest.raises(SparkJobFailed) as failed:
        run_job(options)

    cause, status, *tail = str(failed.value).splitlines()
    assert cause.startswith(
        f"AnalysisException: [PATH_NOT_FOUND] Path does not exist: file:{missing}"
    )
    assert (
        status
        == f"(the Spark job exited with status 1; the end of {tmp_path / 'out' / 'spark.log'}:)"
    )
    assert 0 < len(tail) <= TAIL_LINES
    assert not any(line.lstrip().startswith("at ") for line in tail)


@pytest.mark.parametrize(
    ("log", "cause"),
    [
        (
            ["error: TooManyMalformedLines: 5 of 7 lines", "Traceback (most recent call last):"],
            "TooManyMalformedLines: 5 of 7 lines",
        ),
        (
            [
                "Traceback (most recent call last):",
                '  File "job.py", line 3, in <module>',
                "py4j.protocol.Py4JJavaError: An error occurred while calling o58.collectToPython.",
                ": org.apache.spark.SparkException: Job aborted due to stage failure: lost",
                "\tat org.apache.spark.scheduler.DAGScheduler.failJobAndIndependentStages",
            ],
            "SparkException: Job aborted due to stage failure: lost",
        ),
        (
            [
                'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space',
                "\tat java.base/java.util.Arrays.copyOf(Arrays.java:3537)",
                "26/12/05 06:22:41 INFO ShutdownHookManager: Shutdown hook called",
            ],
            "OutOfMemoryError: Java heap space",
        ),
        (
            ["26/12/05 06:22:41 INFO SparkContext: Running"],
            "the Spark job failed without saying why",
        ),
    ],
)
def test_the_cause_is_the_jobs_own_error_else_the_last_exception(
    log: list[str], cause: str
) -> None:
    assert failure_cause(log) == cause
