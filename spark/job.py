"""The batch job: playlists CSV → songs and their nearest neighbours, as Parquet plus a summary.

Run it with `spark-submit spark/job.py --input … --output …` (any --master)
or `python -m spark.job`.
Progress goes to stdout as lines `PROGRESS {json}`; the summary is written to
`<output>/summary.json` and also printed as the last line, `SUMMARY {json}`.
"""

import argparse
import os
import sys

from pyspark.sql import SparkSession

from spark import contract
from spark.outputs import write_summary
from spark.progress import Stages
from spark.reader import EmptyInput, TooManyMalformedLines
from spark.stages.estimate import estimate
from spark.stages.neighbours import block_runner, find_neighbours
from spark.stages.normalise import normalise
from spark.stages.read import read_input
from spark.stages.recall import measure_recall
from spark.summary import build_summary


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The job's options (see `contract.OPTIONS`)."""
    parser = contract.argument_parser(prog="spark.job", description=__doc__.splitlines()[0])
    return parser.parse_args(argv)


def _session(args: argparse.Namespace) -> SparkSession:
    # Python workers started by this driver use the same interpreter (and its packages).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("songrec-neighbours").config(
        "spark.ui.showConsoleProgress", "false"
    )
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    defaults = {
        # Spark's default of 200 partitions is tuned for clusters; a few per core does better.
        "spark.sql.shuffle.partitions": str(max(4, spark.sparkContext.defaultParallelism * 4)),
        # The cached records are read twice and then dropped: compressing them cost a large share
        # of the read stage and saved nothing measurable.
        "spark.sql.inMemoryColumnarStorage.compressed": "false",
    }
    configured = spark.sparkContext.getConf()
    for key, value in defaults.items():
        if not configured.contains(key):
            spark.conf.set(key, value)
    return spark


def run(spark: SparkSession, args: argparse.Namespace) -> contract.Summary:
    """Run every stage and write the outputs; returns the summary."""
    stages = Stages()
    output = args.output.rstrip("/")
    with stages.stage("read"):
        lines = read_input(spark, args.input, output, args.max_bad_share)
    with stages.stage("normalise"):
        matrix, keyed = normalise(lines.parsed, output)
    with stages.stage("estimate"):
        choice = estimate(matrix, args.engine, args.exact_budget)
    runner = block_runner(spark, choice.engine, matrix, args.driver_budget)
    counts = find_neighbours(
        spark, args, choice.engine, lines.parsed, keyed, runner, stages, output
    )
    neighbour_rows = runner.written_rows()
    with stages.stage("recall"):
        quality = measure_recall(runner, matrix, args.k, args.recall_sample, args.seed)
    summary = build_summary(
        args,
        lines=lines,
        matrix=matrix,
        choice=choice,
        counts=counts,
        neighbours_in=runner.where,
        neighbour_rows=neighbour_rows,
        quality=quality,
        seconds=stages.seconds,
    )
    write_summary(output, summary)
    return summary


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    spark = _session(args)
    try:
        summary = run(spark, args)
    except (TooManyMalformedLines, EmptyInput) as error:
        # The line the site shows first when the build fails (see spark_submit).
        print(f"error: {type(error).__name__}: {error}", file=sys.stderr, flush=True)
        return 2
    finally:
        spark.stop()
    print(summary.line(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
