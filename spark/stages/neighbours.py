"""The neighbours stage: one engine's top-K rows for every song, written to `<output>/neighbours`
(the MinHash engine runs its candidates stage first)."""

import argparse

import pyarrow as pa
from pyspark.sql import DataFrame, SparkSession

from spark import reader, songs
from spark.engines import blocks, exact, minhash, mllib
from spark.engines.blocks import BlockRunner
from spark.matrix import SongMatrix
from spark.neighbours import top_k
from spark.progress import Stages
from spark.stages.candidates import find_candidates, lsh_settings


def block_runner(
    spark: SparkSession, engine: str, matrix: SongMatrix, driver_budget: float
) -> BlockRunner:
    """Where the engine computes: MLlib always in Spark, the others as `--driver-budget` says."""
    if engine == "mllib":
        return blocks.InSparkTasks(spark, matrix)
    return blocks.choose(spark, matrix, driver_budget)


def find_neighbours(
    spark: SparkSession,
    args: argparse.Namespace,
    engine: str,
    parsed: DataFrame,
    keyed: pa.Table,
    runner: BlockRunner,
    stages: Stages,
    output: str,
) -> dict[str, int]:
    """Run `engine`, writing `<output>/neighbours`; returns the engine's counts. The cached
    `parsed` lines (see `read_input`) are released once no engine needs them."""
    try:
        if engine == "mllib":  # the only engine that reads the records again
            spelling_rows = songs.memberships(reader.records(parsed))
            memberships = mllib.memberships(spark, spelling_rows, keyed)
            return _run_mllib(args, memberships, runner, stages, output)
        parsed.unpersist()
        if engine == "exact":
            return _run_exact(spark, args, runner, stages, output)
        return _run_minhash(spark, args, runner, stages, output)
    finally:
        parsed.unpersist()
        runner.release()


def _run_exact(
    spark: SparkSession, args: argparse.Namespace, runner: BlockRunner, stages: Stages, output: str
) -> dict[str, int]:
    # Two tasks a core at least: blocks differ in time, cores should not wait.
    ranges = exact.exact_blocks(runner.matrix, 2 * spark.sparkContext.defaultParallelism)
    with stages.stage("neighbours"):
        exact.write_exact_neighbours(runner, ranges, args.k, output)
    return {"blocks": len(ranges)}


def _run_minhash(
    spark: SparkSession, args: argparse.Namespace, runner: BlockRunner, stages: Stages, output: str
) -> dict[str, int]:
    settings = lsh_settings(args)
    counters = minhash.Counters(spark)
    ranges = minhash.verification_blocks(runner.matrix)
    with stages.stage("candidates"):
        tasks = minhash.task_count(spark)
        candidates = find_candidates(runner, settings, ranges, args.k, counters, tasks)
    with stages.stage("neighbours"):
        minhash.write_verified_neighbours(runner, candidates, ranges, args.k, counters, output)
        runner.drop(candidates)
    signatures = int((runner.matrix.degrees >= 2).sum())  # songs in one playlist need none
    return {"signatures": signatures, **counters.values()}


def _run_mllib(
    args: argparse.Namespace,
    memberships: DataFrame,
    runner: BlockRunner,
    stages: Stages,
    output: str,
) -> dict[str, int]:
    with stages.stage("neighbours"):
        pairs = mllib.mllib_pairs(
            memberships,
            hash_tables=args.hash_tables,
            max_distance=args.max_distance,
            seed=args.seed,
        )
        runner.write(top_k(pairs, args.k), output)
    return {}
