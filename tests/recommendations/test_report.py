"""Numbers as a build's report writes them, and the summary's tables."""

import pytest

from recommendations import report
from recommendations.models import Build
from spark import contract


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12_903_421, "12,903,421"),
        (0.9, "0.900"),
        (0.0499999, "0.0500"),
        (301.75, "302"),
        (1234.5678, "1,235"),
        (0.0, "0"),
        (None, "–"),
        ("driver", "driver"),
    ],
)
def test_numbers_are_grouped_and_rounded(value, expected) -> None:
    assert report.number(value) == expected


@pytest.mark.parametrize(
    ("value", "before", "expected"),
    [
        (0.9, 0.95, "-0.050"),
        (0.9, 1.8, "-0.900"),
        (12_903_421, 12_000_000, "+903,421"),
        (5, 5, "0"),
        (0.3, 0.1, "+0.200"),
        (1, None, "–"),
    ],
)
def test_a_change_carries_no_float_noise(value, before, expected) -> None:
    assert report.change(value, before) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(999, "999"), (12_345, "12.3K"), (2_262_292, "2.26M"), (45_245_840, "45.2M"), (None, "–")],
)
def test_compact_counts(value, expected) -> None:
    assert report.compact(value) == expected


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(0.42, "0.4 s"), (42.4, "42 s"), (302, "5 m 02 s"), (3_900, "1 h 05 m"), (None, "–")],
)
def test_durations(seconds, expected) -> None:
    assert report.duration(seconds) == expected


def test_the_summary_reads_as_labelled_tables(job_summary, tmp_path) -> None:
    source = tmp_path / "playlists.csv"
    source.write_bytes(b"x" * 2_500_000)
    build = Build(summary=job_summary.to_dict() | {"input": str(source)})

    tables = {
        table.title: {row.label: row.value for row in table.rows}
        for table in report.summary_tables(build)
    }

    assert list(tables) == [
        "Input",
        "Lines rejected, by reason",
        "Catalogue",
        "Engine",
        "Parameters",
    ]
    assert tables["Input"]["Size"] == "2.5 MB (2,500,000 bytes)"
    assert tables["Input"]["Lines rejected"] == "1 (7.7%)"
    # Every reason the reader knows, found or not.
    assert list(tables["Lines rejected, by reason"]) == list(contract.REJECT_REASONS)
    assert tables["Lines rejected, by reason"]["not four quoted fields"] == "1"
    assert tables["Engine"]["Why"] == "auto: within the exact budget"
    assert tables["Engine"]["Output rows"] == "10"
    assert tables["Parameters"] == {"seed": "1"}


def test_a_build_without_a_summary_has_no_tables() -> None:
    assert report.summary_tables(Build(summary={})) == []


def test_stages_are_listed_in_the_order_they_run() -> None:
    build = Build(timings={"load": 4.0, "read": 1.25, "neighbours": 10.0, "normalise": 0.5})

    rows = report.stage_rows(build)

    assert [(row.label, row.value) for row in rows] == [
        ("read", "1.2 s"),
        ("normalise", "0.5 s"),
        ("neighbours", "10.0 s"),
        ("load", "4.0 s"),
        ("Total", "15.8 s"),
    ]
