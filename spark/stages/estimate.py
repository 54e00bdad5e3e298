"""The estimate stage: the work of an exact build (Σ playlist size²) and the engine it leads to."""

from dataclasses import dataclass

from spark.matrix import SongMatrix
from spark.progress import report


@dataclass(frozen=True)
class EngineChoice:
    engine: str
    reason: str
    estimated_pairs: int


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


def estimate(matrix: SongMatrix, requested: str, exact_budget: float) -> EngineChoice:
    """The engine for `matrix` (`choose_engine`), reported."""
    pairs = matrix.pairs_estimate
    engine, reason = choose_engine(requested, pairs, exact_budget)
    report("estimate", pairs=pairs, budget=exact_budget)
    report("engine", engine=engine, reason=reason)
    return EngineChoice(engine, reason, pairs)
