"""The job's summary (`contract.Summary`) from what its stages found."""

import argparse

from spark import contract
from spark.matrix import SongMatrix
from spark.stages.candidates import lsh_settings
from spark.stages.estimate import EngineChoice
from spark.stages.read import ReadLines


def parameters(args: argparse.Namespace) -> dict[str, object]:
    """The tuning the build ran with (LSH settings as derived, not as given)."""
    settings = lsh_settings(args)
    return {
        "exact_budget": args.exact_budget,
        "driver_budget": args.driver_budget,
        "lsh_bands": settings.bands,
        "lsh_rows": settings.rows,
        "lsh_cap": settings.cap,
        "lsh_threshold": round(settings.threshold, 4),
        "hash_tables": args.hash_tables,
        "max_distance": args.max_distance,
        "seed": args.seed,
    }


def build_summary(
    args: argparse.Namespace,
    *,
    lines: ReadLines,
    matrix: SongMatrix,
    choice: EngineChoice,
    counts: dict[str, int],
    neighbours_in: str,
    neighbour_rows: int,
    quality: dict[str, float | int],
    seconds: dict[str, float],
) -> contract.Summary:
    """What the run found and did: `counts` are the engine's, `quality` the recall stage's."""
    return contract.Summary(
        input=args.input,
        engine=choice.engine,
        engine_requested=args.engine,
        engine_reason=choice.reason,
        k=args.k,
        parameters=parameters(args),
        lines_read=lines.lines,
        rejected=lines.rejected,
        records=lines.records,
        rejected_by_reason=lines.rejected_by_reason,
        songs=matrix.n_songs,
        playlists=matrix.n_playlists,
        memberships=int(matrix.indices.size),
        estimated_pairs=choice.estimated_pairs,
        neighbours_in=neighbours_in,
        neighbour_rows=neighbour_rows,
        counts={**counts, "output_rows": neighbour_rows},
        recall=quality,
        recall_at_10=quality["recall"],
        seconds=seconds,
    )
