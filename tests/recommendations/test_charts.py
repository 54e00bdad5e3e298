"""The geometry of the build page's charts."""

from recommendations import charts
from recommendations.models import Build


def test_the_histogram_has_axes_with_round_ticks() -> None:
    build = Build(summary={"similarity_histogram": [400, 900, 1_500, 700, 300, 0, 0, 0, 0, 5]})

    chart = charts.similarity_histogram(build, None)

    assert [label for _, label in chart["x_ticks"]] == ["0", "0.2", "0.4", "0.6", "0.8", "1.0"]
    assert [label for _, label in chart["y_ticks"]] == ["0", "500", "1K", "1.5K"]
    plot = chart["plot"]
    assert chart["x_ticks"][0][0] == plot["left"] and chart["x_ticks"][-1][0] == plot["right"]
    assert chart["y_ticks"][0][0] == plot["bottom"] and chart["y_ticks"][-1][0] == plot["top"]
    tallest = max(chart["bars"], key=lambda bar: bar.value)
    assert (tallest.y, tallest.text) == (plot["top"], "1,500 rows")


def test_a_previous_builds_bars_stand_beside_this_ones() -> None:
    build = Build(summary={"similarity_histogram": [1, 2]})
    previous = Build(summary={"similarity_histogram": [2, 1]})

    bars = charts.similarity_histogram(build, previous)["bars"]

    assert [(bar.series, bar.value) for bar in bars] == [
        ("this", 1),
        ("this", 2),
        ("previous", 2),
        ("previous", 1),
    ]
    assert bars[0].x + bars[0].width < bars[2].x < bars[1].x
