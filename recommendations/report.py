"""A build as staff read it in the admin: the job's summary (`contract.Summary`) in labelled
tables, and numbers written for people (thousands grouped, no float noise)."""

import math
from dataclasses import dataclass, field
from pathlib import Path

from recommendations.models import Build
from spark import contract

# Steps of the compact form: 1,234 → 1.2K, 2,262,292 → 2.26M.
_COMPACT = [(1e9, "B"), (1e6, "M"), (1e3, "K")]


def number(value: object, decimals: int | None = None) -> str:
    """`value` with thousands grouped; floats to `decimals` places (by default: three
    significant digits below 100, whole numbers above). None and the rest: as given or "–"."""
    if value is None:
        return "–"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if decimals is None:
        decimals = 0 if abs(value) >= 100 else max(0, 2 - _magnitude(value))
    text = f"{value:,.{decimals}f}"
    return "0" if float(text.replace(",", "")) == 0 else text


def _magnitude(value: float) -> int:
    return math.floor(math.log10(abs(value))) if value else 0


def compact(value: int | float | None) -> str:
    """A count in four characters or so: 999, 12.3K, 2.26M."""
    if value is None:
        return "–"
    for size, suffix in _COMPACT:
        if abs(value) >= size:
            scaled = value / size
            return f"{scaled:.{max(0, 2 - _magnitude(scaled))}f}{suffix}"
    return number(value, 0)


def duration(seconds: float | None) -> str:
    """0.4 s, 42 s, 5 m 02 s, 1 h 05 m."""
    if seconds is None:
        return "–"
    whole = round(seconds)
    if whole < 60:
        return f"{seconds:.1f} s" if seconds < 10 else f"{whole} s"
    minutes, rest = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} m {rest:02d} s"
    return f"{minutes // 60} h {minutes % 60:02d} m"


def size(n_bytes: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n_bytes >= scale:
            return f"{n_bytes / scale:.1f} {unit} ({n_bytes:,} bytes)"
    return f"{n_bytes:,} bytes"


def change(value: object, before: object) -> str:
    """The signed difference of two figures, "–" unless both are numbers."""
    if not all(isinstance(x, int | float) and not isinstance(x, bool) for x in (value, before)):
        return "–"
    difference = value - before  # type: ignore[operator]
    if isinstance(difference, float):
        decimals = max(_decimals(value), _decimals(before))
        difference = round(difference, decimals)
        text = number(difference, decimals)
    else:
        text = number(difference)
    return text if text.startswith("-") or text == "0" else f"+{text}"


def _decimals(value: object) -> int:
    """Places the figure is shown with (see `number`)."""
    shown = number(value)
    return len(shown.split(".")[1]) if "." in shown else 0


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    help: str = ""


@dataclass(frozen=True)
class Table:
    title: str
    rows: list[Row] = field(default_factory=list)


def summary_tables(build: Build) -> list[Table]:
    """The job's summary as tables: input, lines rejected by reason, catalogue, engine,
    parameters. Empty when the job wrote none (it failed, or has not finished)."""
    summary = build.summary
    if "lines_read" not in summary:
        return []
    return [
        _input_table(build),
        _rejected_table(summary),
        Table(
            "Catalogue",
            [
                Row("Songs", number(summary.get("songs"))),
                Row("Playlists", number(summary.get("playlists"))),
                Row("Memberships", number(summary.get("memberships")), "(song, playlist) pairs"),
            ],
        ),
        _engine_table(summary),
        Table(
            "Parameters",
            [Row(name, number(value)) for name, value in summary.get("parameters", {}).items()],
        ),
    ]


def _input_table(build: Build) -> Table:
    summary, path = build.summary, build.summary.get("input") or build.input_path
    local = Path(path)
    lines, rejected = summary.get("lines_read"), summary.get("rejected")
    share = f" ({100 * rejected / lines:.2g}%)" if lines and rejected else ""
    return Table(
        "Input",
        [
            Row("Path", path),
            Row("Size", size(local.stat().st_size) if local.is_file() else "–"),
            Row("Lines read", number(lines), "data lines after the header"),
            Row("Records", number(summary.get("records")), "(user, artist, title, playlist)"),
            Row("Lines rejected", number(rejected) + share),
        ],
    )


def _rejected_table(summary: dict) -> Table:
    found = summary.get("rejected_by_reason") or {}
    reasons = [*contract.REJECT_REASONS, *(r for r in found if r not in contract.REJECT_REASONS)]
    rows = [Row(r, number(found.get(r, 0)), contract.REJECT_REASONS.get(r, "")) for r in reasons]
    return Table("Lines rejected, by reason", rows)


def _engine_table(summary: dict) -> Table:
    engine = summary.get("engine", "")
    rows = [
        Row("Engine", contract.ENGINES.get(engine, engine)),
        Row("Requested", summary.get("engine_requested", "–")),
        Row("Why", summary.get("engine_reason", "–")),
        Row("Neighbours per song (k)", number(summary.get("k"))),
        Row("Estimated pairs", number(summary.get("estimated_pairs")), "Σ playlist size²"),
        Row("Neighbours found in", summary.get("neighbours_in", "–")),
        Row("Neighbour rows", number(summary.get("neighbour_rows"))),
        Row("Recall@10", number(summary.get("recall_at_10"), 3), "against exact neighbours"),
    ]
    # The engine's own counts ("output_rows", "candidates"), named as the job names them.
    counts = summary.get("counts", {}).items()
    rows += [Row(name.replace("_", " ").capitalize(), number(value)) for name, value in counts]
    return Table("Engine", rows)


def stage_rows(build: Build) -> list[Row]:
    """Seconds per stage, with each stage's share of the total, then the total."""
    total = sum(build.timings.values())
    rows = [
        Row(
            stage,
            f"{number(float(seconds), 1)} s",
            f"{100 * seconds / total:.0f}%" if total else "",
        )
        for stage, seconds in build.stage_seconds.items()
    ]
    return rows + [Row("Total", f"{number(float(total), 1)} s", duration(total))] if rows else []


def comparison(build: Build, previous: Build | None) -> list[dict[str, str]]:
    """Rows of figures for this build beside the previous one, with the change."""

    def figures(source: Build) -> list[tuple[str, object]]:
        summary = source.summary
        seconds = round(sum(source.timings.values()), 1) or None
        return [
            ("Lines read", summary.get("lines_read")),
            ("Lines rejected", summary.get("rejected")),
            ("Songs", source.song_count),
            ("Playlists", summary.get("playlists")),
            ("Neighbour rows", source.neighbour_count),
            ("Recall@10", summary.get("recall_at_10")),
            ("Total seconds", seconds),
        ]

    before = dict(figures(previous)) if previous else {}
    return [
        {
            "label": label,
            "value": number(value),
            "previous": number(before.get(label)),
            "change": change(value, before.get(label)),
        }
        for label, value in figures(build)
    ]
