"""Whole job runs of the exact and MinHash engines on one small generated file, in the driver
and in Spark tasks, shared by the engines' tests."""

import pytest

from generator.synthetic import generate
from spark import job
from tests.spark.engines.checks import PLANTED


@pytest.fixture(scope="package")
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


@pytest.fixture(scope="package")
def exact_run(spark, generated):
    return run_engine(spark, generated, "exact")


@pytest.fixture(scope="package")
def minhash_run(spark, generated):
    # Few bands and a small cap: LSH alone misses pairs, which the build must make up for.
    return run_engine(spark, generated, "minhash", "--lsh-bands", "4", "--lsh-cap", "20")


# The same runs with every block in a Spark task (the default computes this small file in the
# driver).
@pytest.fixture(scope="package")
def exact_tasks_run(spark, generated):
    return run_engine(spark, generated, "exact", "--driver-budget", "0", name="exact-tasks")


@pytest.fixture(scope="package")
def minhash_tasks_run(spark, generated):
    weak = ("--lsh-bands", "4", "--lsh-cap", "20")
    return run_engine(spark, generated, "minhash", *weak, "--driver-budget", "0", name="mh-tasks")
