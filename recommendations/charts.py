"""Geometry for the small SVG charts on a build's admin page (drawn by a template, no library)."""

from dataclasses import dataclass

from recommendations.models import Build

WIDTH = 560
ROW_HEIGHT = 16
LABEL_WIDTH = 110


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    x: float
    y: float
    width: float
    height: float
    series: str


def _scale(values: list[float], span: float) -> float:
    top = max(values, default=0)
    return span / top if top > 0 else 0.0


def stage_bars(build: Build, previous: Build | None) -> dict:
    """Horizontal bars of seconds per stage: this build, and the previous one beneath it."""
    stages = list(dict.fromkeys([*build.timings, *(previous.timings if previous else {})]))
    builds = [("this", build)] + ([("previous", previous)] if previous else [])
    values = [float(b.timings.get(stage, 0)) for stage in stages for _, b in builds]
    scale = _scale(values, WIDTH - LABEL_WIDTH - 60)
    bars, y = [], 0.0
    for stage in stages:
        for series, source in builds:
            seconds = float(source.timings.get(stage, 0))
            bars.append(
                Bar(stage, seconds, LABEL_WIDTH, y, seconds * scale, ROW_HEIGHT - 3, series)
            )
            y += ROW_HEIGHT
        y += 6
    return {"bars": bars, "width": WIDTH, "height": max(y, ROW_HEIGHT)}


def similarity_histogram(build: Build, previous: Build | None, height: float = 140) -> dict:
    """Vertical bars of neighbour rows per similarity bin (share of all rows, so builds compare)."""
    series = [("this", build.summary.get("similarity_histogram") or [])]
    if previous and previous.summary.get("similarity_histogram"):
        series.append(("previous", previous.summary["similarity_histogram"]))
    shares = {name: [c / (sum(counts) or 1) for c in counts] for name, counts in series}
    bins = max((len(counts) for _, counts in series), default=0)
    scale = _scale([share for values in shares.values() for share in values], height)
    slot = WIDTH / bins if bins else WIDTH
    bars = []
    for offset, (name, values) in enumerate(shares.items()):
        width = slot / len(shares) - 1
        for index, share in enumerate(values):
            bars.append(
                Bar(
                    f"{index / bins:.2f}–{(index + 1) / bins:.2f}",
                    share,
                    index * slot + offset * (width + 1),
                    height - share * scale,
                    width,
                    share * scale,
                    name,
                )
            )
    return {"bars": bars, "width": WIDTH, "height": height, "bins": bins}


def comparison(build: Build, previous: Build | None) -> list[dict]:
    """Rows of figures for this build beside the previous one, with the change."""
    figures = [
        ("Lines read", build.summary.get("lines_read"), "lines_read"),
        ("Lines rejected", build.summary.get("rejected"), "rejected"),
        ("Songs", build.song_count, "songs"),
        ("Playlists", build.summary.get("playlists"), "playlists"),
        ("Neighbour rows", build.neighbour_count, "neighbour_rows"),
        ("Recall@10", build.summary.get("recall_at_10"), "recall_at_10"),
        ("Total seconds", round(sum(build.timings.values()), 1) or None, "seconds"),
    ]
    rows = []
    for label, value, key in figures:
        before = None
        if previous:
            before = {
                "songs": previous.song_count,
                "neighbour_rows": previous.neighbour_count,
                "seconds": round(sum(previous.timings.values()), 1) or None,
            }.get(key, previous.summary.get(key))
        change = (
            value - before
            if isinstance(value, int | float) and isinstance(before, int | float)
            else None
        )
        rows.append({"label": label, "value": value, "previous": before, "change": change})
    return rows
