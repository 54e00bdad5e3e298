"""The reader against generated files of valid and hostile lines (tests/hostile_playlists.py):
every line comes back as a record with exactly its fields, or rejected for its reason, or (a
header) dropped; nothing else. Each example is one file of many lines, one Spark job."""

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spark.reader import COLUMNS, parse, read_lines
from tests.hostile_playlists import lines, outcomes, write

EXAMPLES = 30


@pytest.fixture(scope="module")
def figures(request):
    """Lines per (input class, outcome) over every example, shown after the module with -v."""
    counted = Counter()
    yield counted
    if request.config.getoption("verbose") > 0:
        plugins = request.config.pluginmanager
        write_line = plugins.get_plugin("terminalreporter").write_line
        with plugins.get_plugin("capturemanager").global_and_fixture_disabled():
            write_line(f"\nreader fuzz: {counted.pop(('examples', ''), 0)} examples")
            for (kind, outcome), count in sorted(counted.items()):
                write_line(f"  {kind:20} {count:6,} → {outcome}")


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    drawn=st.lists(lines(), min_size=60, max_size=150),
    newline=st.sampled_from([b"\n", b"\r\n"]),
)
def test_every_line_is_its_record_or_rejected_for_its_reason(
    spark, tmp_path_factory, figures, drawn, newline
) -> None:
    source = write(tmp_path_factory.mktemp("fuzz") / "playlists.csv", drawn, newline)

    rows = parse(read_lines(spark, str(source))).collect()

    records = [tuple(row[name] for name in COLUMNS) for row in rows if row["reason"] is None]
    assert Counter(records) == Counter(line.record for line in drawn if line.record)
    assert Counter(row["reason"] for row in rows if row["reason"]) == Counter(
        line.reason for line in drawn if line.reason
    )
    # The line as written, but where Spark replaced bytes that are not UTF-8.
    assert Counter(
        (row["line"], row["reason"]) for row in rows if row["reason"] not in (None, "invalid UTF-8")
    ) == Counter(
        (line.data.decode(), line.reason)
        for line in drawn
        if line.reason not in (None, "invalid UTF-8")
    )
    assert len(rows) == sum(1 for line in drawn if line.record or line.reason)
    figures.update(outcomes(drawn))
    figures[("examples", "")] += 1
