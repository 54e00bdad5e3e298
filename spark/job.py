"""The batch job: playlists CSV → songs and their nearest neighbours, as Parquet plus a summary.

Run it with `spark-submit spark/job.py --input … --output …` (any --master)
or `python -m spark.job`.
Progress goes to stdout as lines `PROGRESS {json}`; the summary is written to
`<output>/summary.json` and also printed as the last line, `SUMMARY {json}`.
"""

import argparse
import os
import sys
from urllib.parse import urlparse

import pandas as pd
import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq
from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from spark import contract, reader, recall, songs
from spark.engines import exact, lsh, minhash, mllib
from spark.engines.kernel import SongMatrix
from spark.neighbours import top_k
from spark.progress import Stages, report


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
        # The cached records are read twice and then dropped: compressing them cost a quarter of
        # the read stage on the full file (some 10 s) and saved nothing measurable.
        "spark.sql.inMemoryColumnarStorage.compressed": "false",
    }
    configured = spark.sparkContext.getConf()
    for key, value in defaults.items():
        if not configured.contains(key):
            spark.conf.set(key, value)
    return spark


def _output_path(directory: str) -> tuple[pafs.FileSystem, str]:
    # A local path or any URI pyarrow opens (file:, gs:, s3:), like the Spark outputs beside it.
    if not urlparse(directory).scheme:
        directory = os.path.abspath(directory)
    return pafs.FileSystem.from_uri(directory)


def write_summary(output: str, summary: contract.Summary) -> None:
    """Write `<output>/summary.json` (see `_output_path`)."""
    filesystem, path = _output_path(output)
    with filesystem.open_output_stream(f"{path}/summary.json") as stream:
        stream.write((summary.to_json(indent=2) + "\n").encode("utf-8"))


def write_parquet(table: pa.Table, directory: str) -> None:
    """Replace `directory` with one Parquet file of `table` (see `_output_path`)."""
    filesystem, path = _output_path(directory)
    filesystem.delete_dir_contents(path, missing_dir_ok=True)
    filesystem.create_dir(path)
    pq.write_table(table, f"{path}/part-00000.parquet", filesystem=filesystem)


def choose_engine(requested: str, estimate: int, budget: float) -> tuple[str, str]:
    """The engine to run and why: auto picks exact while Σ size² is within `budget`."""
    if requested != "auto":
        return requested, f"requested with --engine {requested}"
    if estimate <= budget:
        return "exact", (
            f"auto: estimated {estimate:,} co-occurring pairs (Σ playlist size²) within the "
            f"exact budget of {budget:,.0f}"
        )
    return "minhash", (
        f"auto: estimated {estimate:,} co-occurring pairs (Σ playlist size²) above the exact "
        f"budget of {budget:,.0f}"
    )


def lsh_settings(args: argparse.Namespace) -> lsh.LshSettings:
    """b, r, cap and seed from the command line (b from --lsh-threshold unless --lsh-bands)."""
    return lsh.LshSettings.for_threshold(
        args.lsh_threshold,
        rows=args.lsh_rows,
        bands=args.lsh_bands,
        cap=args.lsh_cap,
        seed=args.seed,
    )


def _in_driver(args: argparse.Namespace, matrix: SongMatrix) -> bool:
    """Whether the engine runs in this process rather than in Spark tasks (`--driver-budget`)."""
    return matrix.pairs_estimate <= args.driver_budget


def _write_found(found: pd.DataFrame, output: str) -> None:
    write_parquet(pa.Table.from_pandas(found), f"{output}/neighbours")


def _run_minhash(
    spark: SparkSession, args: argparse.Namespace, matrix: SongMatrix, stages: Stages, output: str
) -> tuple[dict[str, int], pd.DataFrame | None]:
    settings = lsh_settings(args)
    counters = minhash.Counters(spark)
    ranges = minhash.verification_blocks(matrix)
    in_driver = _in_driver(args, matrix)
    broadcast = None if in_driver else exact.broadcast_matrix(spark, matrix)
    found = None
    try:
        with stages.stage("candidates"):
            if in_driver:
                candidates = minhash.candidates_in_driver(
                    matrix, settings, ranges, args.k, counters, minhash.task_count(spark)
                )
                kept = len(candidates)
            else:
                candidates = minhash.lsh_candidates(
                    spark, broadcast, settings, ranges, args.k, counters
                ).persist(StorageLevel.MEMORY_AND_DISK)
                kept = candidates.count()
            report(
                "candidates",
                pairs=counters.candidate_pairs.value,
                kept=kept,
                capped_buckets=counters.capped_buckets.value,
            )
        with stages.stage("neighbours"):
            if in_driver:
                found = minhash.verified_in_driver(matrix, candidates, ranges, args.k, counters)
                _write_found(found, output)
            else:
                rows = minhash.verified_neighbours(
                    spark, candidates, broadcast, ranges, args.k, counters
                )
                rows.write.mode("overwrite").parquet(f"{output}/neighbours")
                candidates.unpersist()
    finally:
        if broadcast is not None:
            broadcast.unpersist()
    signatures = int((matrix.degrees >= 2).sum())  # songs in one playlist need none
    return {"signatures": signatures, "kept_pairs": kept, **counters.values()}, found


def _run_exact(
    spark: SparkSession, args: argparse.Namespace, matrix: SongMatrix, stages: Stages, output: str
) -> tuple[dict[str, int], pd.DataFrame | None]:
    # Two tasks a core at least: blocks differ in time, cores should not wait.
    ranges = exact.exact_blocks(matrix, 2 * spark.sparkContext.defaultParallelism)
    found = None
    with stages.stage("neighbours"):
        if _in_driver(args, matrix):
            found = exact.in_driver(matrix, exact.exact_block(args.k), ranges)
            _write_found(found, output)
        else:
            broadcast = exact.broadcast_matrix(spark, matrix)
            try:
                rows = exact.exact_neighbours(spark, broadcast, ranges, args.k)
                rows.write.mode("overwrite").parquet(f"{output}/neighbours")
            finally:
                broadcast.unpersist()
    return {"blocks": len(ranges)}, found


def _neighbours(
    spark: SparkSession,
    args: argparse.Namespace,
    engine: str,
    memberships: DataFrame | None,
    matrix: SongMatrix,
    stages: Stages,
    output: str,
) -> tuple[dict[str, int], pd.DataFrame | None]:
    """Run one engine, writing `<output>/neighbours`; returns the engine's stage counts and,
    when the driver computed them, the neighbour rows."""
    if engine == "exact":
        return _run_exact(spark, args, matrix, stages, output)
    if engine == "minhash":
        return _run_minhash(spark, args, matrix, stages, output)
    with stages.stage("neighbours"):
        pairs = mllib.mllib_pairs(
            memberships,
            hash_tables=args.hash_tables,
            max_distance=args.max_distance,
            seed=args.seed,
        )
        top_k(pairs, args.k).write.mode("overwrite").parquet(f"{output}/neighbours")
    return {}, None


def _recall(
    spark: SparkSession,
    args: argparse.Namespace,
    matrix: SongMatrix,
    output: str,
    found: pd.DataFrame | None,
) -> dict[str, float | int]:
    """Recall@10 of the written neighbours on a random sample of songs in 2+ playlists.

    At k below 10 (tiny tests) it is recall@k: a build cannot list more.
    """
    at = min(contract.RECALL_AT, args.k)
    sample = recall.sample_songs(matrix, args.recall_sample, args.seed)
    truth = recall.reference(matrix, sample, at)
    if found is not None:
        found = found[found["song_key"].isin(matrix.keys[sample]) & (found["rank"] <= at)]
    else:
        keys = spark.createDataFrame([(int(key),) for key in matrix.keys[sample]], "song_key long")
        found = (
            spark.read.parquet(f"{output}/neighbours")
            .join(F.broadcast(keys), "song_key")
            .filter(F.col("rank") <= at)
            .toPandas()
        )
    return {"at": at, **recall.recall_at(matrix, truth, found, at)}


def run(spark: SparkSession, args: argparse.Namespace) -> contract.Summary:
    """Run every stage and write the outputs; returns the summary."""
    stages = Stages()
    output = args.output.rstrip("/")

    with stages.stage("read"):
        # One scan of the input: checked, split and cached lines; records and rejects both
        # come from the cache.
        parsed = songs.hash_playlists(reader.parse(reader.read_lines(spark, args.input)))
        parsed = parsed.persist(StorageLevel.MEMORY_AND_DISK)
        by_reason = reader.reason_counts(parsed)
        record_count = by_reason.pop(None, 0)
        rejected = sum(by_reason.values())
        lines_read = record_count + rejected
        report("read", lines=lines_read, rejected=rejected)
        reader.check_malformed_share(
            lines_read=lines_read, rejected=rejected, max_bad_share=args.max_bad_share
        )
        if rejected:
            reader.rejects(parsed).coalesce(1).write.mode("overwrite").json(f"{output}/rejects")

    with stages.stage("normalise"):
        catalogue, matrix, keyed = songs.songs_and_matrix(reader.records(parsed))
        playlist_count = matrix.n_playlists
        report("songs", songs=matrix.n_songs, playlists=playlist_count)
        write_parquet(catalogue, f"{output}/songs")

    with stages.stage("estimate"):
        estimate = matrix.pairs_estimate
        engine, reason = choose_engine(args.engine, estimate, args.exact_budget)
        report("estimate", pairs=estimate, budget=args.exact_budget)
        report("engine", engine=engine, reason=reason)

    if engine == "mllib":  # the only engine that reads the records again
        memberships = mllib.memberships(spark, reader.records(parsed), keyed)
    else:
        parsed.unpersist()
        memberships = None
    counts, found = _neighbours(spark, args, engine, memberships, matrix, stages, output)
    parsed.unpersist()
    if found is None:
        neighbour_rows = spark.read.parquet(f"{output}/neighbours").count()
    else:
        neighbour_rows = len(found)

    with stages.stage("recall"):
        quality = _recall(spark, args, matrix, output, found)
        report("recall", recall_at_10=quality["recall"], songs=quality["songs"])

    settings = lsh_settings(args)
    summary = contract.Summary(
        input=args.input,
        engine=engine,
        engine_requested=args.engine,
        engine_reason=reason,
        k=args.k,
        parameters={
            "exact_budget": args.exact_budget,
            "driver_budget": args.driver_budget,
            "lsh_bands": settings.bands,
            "lsh_rows": settings.rows,
            "lsh_cap": settings.cap,
            "lsh_threshold": round(settings.threshold, 4),
            "hash_tables": args.hash_tables,
            "max_distance": args.max_distance,
            "seed": args.seed,
        },
        lines_read=lines_read,
        rejected=rejected,
        records=record_count,
        rejected_by_reason=by_reason,
        songs=matrix.n_songs,
        playlists=playlist_count,
        memberships=int(matrix.indices.size),
        estimated_pairs=estimate,
        neighbours_in="driver" if found is not None else "spark tasks",
        neighbour_rows=neighbour_rows,
        counts={**counts, "output_rows": neighbour_rows},
        recall=quality,
        recall_at_10=quality["recall"],
        seconds=stages.seconds,
    )
    write_summary(output, summary)
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
    print(summary.line(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
