"""The bar's reader against generated files of valid and hostile lines (tests/hostile_playlists.py):
it keeps exactly the records the job's reader keeps, with the same fields. No Spark."""

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.bar_reader import COLUMNS, parse
from tests.hostile_playlists import lines, write


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    drawn=st.lists(lines(), min_size=60, max_size=150),
    newline=st.sampled_from([b"\n", b"\r\n"]),
)
def test_the_bar_reads_the_jobs_records(tmp_path_factory, drawn, newline) -> None:
    source = write(tmp_path_factory.mktemp("bar") / "playlists.csv", drawn, newline)

    table = parse(source)

    found = zip(*(table.column(name).to_pylist() for name in COLUMNS), strict=True)
    assert Counter(found) == Counter(line.record for line in drawn if line.record)
