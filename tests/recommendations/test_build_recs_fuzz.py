"""One real build of a generated hostile file (tests/hostile_playlists.py): it succeeds, loads
the songs of every good line, and reports every other line by its reason."""

from collections import Counter

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from catalog.models import Song
from matching.names import match_key
from recommendations.models import Build
from recommendations.selectors import active_build
from tests.hostile_playlists import HOSTILE, quoted, valid, write
from tests.playlists_csv import FIRST
from tests.recommendations.conftest import build_recs

# Two distinct lines of each hostile class, beside 30 good ones and the playlists of FIRST.
EACH = 2
GOOD = 30


@pytest.mark.django_db
@settings(
    max_examples=1,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@given(
    good=st.lists(valid(), min_size=GOOD, max_size=GOOD, unique_by=lambda line: line.record),
    hostile=st.tuples(
        *(
            st.lists(kind, min_size=EACH, max_size=EACH, unique_by=lambda line: line.data)
            for kind in HOSTILE
        )
    ),
)
def test_a_hostile_file_builds_and_rejects_only_its_bad_lines(
    build_settings, settings, tmp_path, good, hostile
) -> None:
    settings.SONGREC_MAX_BAD_SHARE = 0.5
    first = [",".join(quoted(field) for field in row).encode() for row in FIRST]
    drawn = [*good, *(line for lines in hostile for line in lines)]
    source = write(tmp_path / "hostile.csv", drawn)
    source.write_bytes(source.read_bytes() + b"\n".join(first) + b"\n")

    build_recs(source)

    build = active_build()
    assert build.status == Build.Status.COMPLETE
    kept = [line.record for line in drawn if line.record] + FIRST
    assert build.summary["rejected_by_reason"] == Counter(
        line.reason for line in drawn if line.reason
    )
    assert build.summary["records"] == len(kept)
    headers = sum(1 for line in drawn if not line.record and not line.reason)
    assert build.summary["lines_read"] == len(drawn) - headers + len(FIRST)
    assert set(Song.objects.values_list("artist_norm", "title_norm")) == {
        (match_key(record[1]), match_key(record[2])) for record in kept
    }
