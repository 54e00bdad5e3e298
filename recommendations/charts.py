"""Geometry for the small SVG charts on a build's admin page (drawn by a template, no library)."""

import math
from dataclasses import dataclass

from recommendations.models import Build

WIDTH = 560
ROW_HEIGHT = 16
LABEL_WIDTH = 110
# Room left of the histogram for its y axis's labels.
PLOT_LEFT = 64


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    x: float
    y: float
    width: float
    height: float
    series: str
    text: str


def _scale(values: list[float], span: float) -> float:
    top = max(values, default=0)
    return span / top if top > 0 else 0.0


def stage_bars(build: Build, previous: Build | None) -> dict:
    """Horizontal bars of seconds per stage: this build, and the previous one beneath it."""
    stages = list(
        dict.fromkeys([*build.stage_seconds, *(previous.stage_seconds if previous else {})])
    )
    builds = [("this", build)] + ([("previous", previous)] if previous else [])
    values = [float(b.timings.get(stage, 0)) for stage in stages for _, b in builds]
    scale = _scale(values, WIDTH - LABEL_WIDTH - 60)
    bars, y = [], 0.0
    for stage in stages:
        for series, source in builds:
            seconds = float(source.timings.get(stage, 0))
            bar = Bar(
                stage,
                seconds,
                LABEL_WIDTH,
                y,
                seconds * scale,
                ROW_HEIGHT - 3,
                series,
                f"{seconds:,.1f} s",
            )
            bars.append(bar)
            y += ROW_HEIGHT
        y += 6
    return {"bars": bars, "width": WIDTH, "height": max(y, ROW_HEIGHT)}


def _ticks(top: float, count: int = 4) -> list[float]:
    """Round tick values from 0 to at least `top`: steps of 1, 2 or 5 times a power of ten."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return [step * i for i in range(math.ceil(top / step) + 1)]


def similarity_histogram(build: Build, previous: Build | None) -> dict:
    """Vertical bars of neighbour rows per similarity bin, this build's beside the previous
    one's, with a y axis of row counts and an x axis of similarity from 0 to 1."""
    series = [("this", build.summary.get("similarity_histogram") or [])]
    if previous and previous.summary.get("similarity_histogram"):
        series.append(("previous", previous.summary["similarity_histogram"]))
    bins = max((len(counts) for _, counts in series), default=0)
    y_ticks = _ticks(max((c for _, counts in series for c in counts), default=0))
    plot = {"left": PLOT_LEFT, "top": 24, "width": WIDTH - PLOT_LEFT - 12, "height": 150}
    bottom = plot["top"] + plot["height"]
    scale = plot["height"] / y_ticks[-1]
    slot = plot["width"] / bins if bins else plot["width"]
    width = slot / len(series) - 1
    bars = [
        Bar(
            f"{index / bins:.2f}–{(index + 1) / bins:.2f}",
            count,
            plot["left"] + index * slot + offset * (width + 1),
            bottom - count * scale,
            width,
            count * scale,
            name,
            f"{count:,} rows",
        )
        for offset, (name, counts) in enumerate(series)
        for index, count in enumerate(counts)
    ]
    return {
        "bars": bars,
        "bins": bins,
        "width": WIDTH,
        "height": bottom + 34,
        "plot": plot
        | {
            "bottom": bottom,
            "right": plot["left"] + plot["width"],
            "middle": plot["left"] + plot["width"] / 2,
        },
        "x_ticks": [
            (plot["left"] + plot["width"] * i / 5, "0" if i == 0 else f"{i / 5:.1f}")
            for i in range(6)
        ],
        "y_ticks": [(bottom - value * scale, _tick_label(value)) for value in y_ticks],
    }


def _tick_label(value: float) -> str:
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if value >= size:
            return f"{value / size:g}{suffix}"
    return f"{value:g}"
