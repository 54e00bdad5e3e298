"""The batch job: playlists CSV → songs and their nearest neighbours, as Parquet plus a summary.

Run it with `spark-submit spark/job.py --input … --output …` (any --master)
or `python -m spark.job`.
Progress goes to stdout as lines `PROGRESS {json}`; the summary is written to
`<output>/summary.json` and also printed as the last line, `SUMMARY {json}`.
"""

import argparse
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

from pyspark import StorageLevel
from pyspark.sql import SparkSession

from spark import neighbours, reader, songs

ENGINES = ("mllib",)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="spark.job", description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True, help="CSV file or directory (any Hadoop path)")
    parser.add_argument("--output", required=True, help="directory for songs/, neighbours/ …")
    parser.add_argument("--k", type=int, default=20, help="neighbours kept per song")
    parser.add_argument("--engine", choices=ENGINES, default="mllib")
    parser.add_argument("--max-bad-share", type=float, default=0.05, help="abort above this")
    parser.add_argument("--hash-tables", type=int, default=5, help="MinHashLSH hash tables")
    parser.add_argument(
        "--max-distance",
        type=float,
        default=0.9,
        help="Jaccard distance below which MinHashLSH pairs are kept (similarity above 1 - d)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--master", help="Spark master; leave unset under spark-submit")
    return parser.parse_args(argv)


def report(event: str, **fields: object) -> None:
    print("PROGRESS " + json.dumps({"event": event, **fields}), flush=True)


class Stages:
    """Times named stages and reports each as it starts and ends."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        report("stage", stage=name)
        started = time.perf_counter()
        yield
        self.seconds[name] = round(time.perf_counter() - started, 2)
        report("done", stage=name, seconds=self.seconds[name])


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
    if "spark.sql.shuffle.partitions" not in spark.sparkContext.getConf().toDebugString():
        # Spark's default of 200 partitions is tuned for clusters; a few per core does better.
        cores = spark.sparkContext.defaultParallelism
        spark.conf.set("spark.sql.shuffle.partitions", str(max(4, cores * 4)))
    return spark


def _write_summary(output: str, summary: dict) -> None:
    if urlparse(output).scheme in ("", "file"):
        path = Path(urlparse(output).path) / "summary.json"
        path.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")


def run(spark: SparkSession, args: argparse.Namespace) -> dict:
    """Run every stage and write the outputs; returns the summary."""
    stages = Stages()
    output = args.output.rstrip("/")

    with stages.stage("read"):
        records, rejects = reader.parse_lines(reader.read_lines(spark, args.input))
        rejects = rejects.persist(StorageLevel.MEMORY_AND_DISK)
        rejected = rejects.count()
        records = records.persist(StorageLevel.MEMORY_AND_DISK)
        record_count = records.count()
        lines_read = record_count + rejected
        report("read", lines=lines_read, rejected=rejected)
        reader.check_malformed_share(
            lines_read=lines_read, rejected=rejected, max_bad_share=args.max_bad_share
        )
        if rejected:
            rejects.coalesce(1).write.mode("overwrite").json(f"{output}/rejects")
        rejects.unpersist()

    with stages.stage("normalise"):
        occurrences = songs.occurrences(records)
        spellings = songs.spellings(occurrences).persist(StorageLevel.MEMORY_AND_DISK)
        memberships = songs.memberships(occurrences, spellings).persist(
            StorageLevel.MEMORY_AND_DISK
        )
        song_rows = songs.songs(spellings, memberships)
        song_rows.write.mode("overwrite").parquet(f"{output}/songs")
        song_count = spark.read.parquet(f"{output}/songs").count()
        playlist_count = memberships.select("playlist_id").distinct().count()
        records.unpersist()
        report("songs", songs=song_count, playlists=playlist_count)

    with stages.stage("neighbours"):
        pairs = neighbours.mllib_pairs(
            memberships,
            hash_tables=args.hash_tables,
            max_distance=args.max_distance,
            seed=args.seed,
        )
        neighbours.top_k(pairs, args.k).write.mode("overwrite").parquet(f"{output}/neighbours")
        neighbour_rows = spark.read.parquet(f"{output}/neighbours").count()

    summary = {
        "input": args.input,
        "engine": args.engine,
        "k": args.k,
        "parameters": {
            "hash_tables": args.hash_tables,
            "max_distance": args.max_distance,
            "seed": args.seed,
        },
        "lines_read": lines_read,
        "rejected": rejected,
        "records": record_count,
        "songs": song_count,
        "playlists": playlist_count,
        "neighbour_rows": neighbour_rows,
        "seconds": stages.seconds,
    }
    _write_summary(output, summary)
    return summary


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    spark = _session(args)
    try:
        summary = run(spark, args)
    except reader.TooManyMalformedLines as error:
        print(f"error: {error}", file=sys.stderr, flush=True)
        return 2
    finally:
        spark.stop()
    print("SUMMARY " + json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
