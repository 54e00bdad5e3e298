"""The MinHash engine's candidates stage: each song's best LSH partners per group of bands."""

import argparse

from spark.engines import lsh, minhash
from spark.engines.blocks import BlockRunner, Rows
from spark.progress import report


def lsh_settings(args: argparse.Namespace) -> lsh.LshSettings:
    """b, r, cap and seed from the command line (b from --lsh-threshold unless --lsh-bands)."""
    return lsh.LshSettings.for_threshold(
        args.lsh_threshold,
        rows=args.lsh_rows,
        bands=args.lsh_bands,
        cap=args.lsh_cap,
        seed=args.seed,
    )


def find_candidates(
    runner: BlockRunner,
    settings: lsh.LshSettings,
    ranges: list[tuple[int, int]],
    k: int,
    counters: minhash.Counters,
    tasks: int,
) -> Rows:
    """`minhash.lsh_candidates`, kept for verification."""
    candidates = minhash.lsh_candidates(runner, settings, ranges, k, counters, tasks)
    candidates, _ = runner.keep(candidates)
    report(
        "candidates",
        pairs=counters.candidate_pairs.value,
        kept=counters.kept_pairs.value,
        capped_buckets=counters.capped_buckets.value,
    )
    return candidates
