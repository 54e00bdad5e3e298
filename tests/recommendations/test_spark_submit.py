"""spark-submit's command: the build's engine and tuning options reach the job."""

import pytest

from recommendations.selectors import active_build, recommendations_for_song
from tests.playlists import FIRST, write_playlists_csv
from tests.recommendations.conftest import build_recs, songs_by_title

pytestmark = pytest.mark.usefixtures("build_settings")


@pytest.mark.django_db
def test_engine_and_lsh_options_reach_the_job(tmp_path) -> None:
    build_recs(
        write_playlists_csv(tmp_path / "first.csv", FIRST),
        engine="minhash",
        lsh_bands=7,
        lsh_rows=3,
        lsh_cap=50,
        seed=9,
    )
    build = active_build()
    assert build.parameters["job_arguments"] == {
        "engine": "minhash", "lsh-rows": 3, "lsh-bands": 7, "lsh-cap": 50, "seed": 9
    }  # fmt: skip
    assert build.summary["engine"] == "minhash"
    parameters = build.summary["parameters"]
    assert (parameters["lsh_bands"], parameters["lsh_rows"], parameters["lsh_cap"]) == (7, 3, 50)
    assert "candidates" in build.timings
    twin_a = songs_by_title()["Twin A"]
    best = recommendations_for_song(song=twin_a, include_same_artist=True)[0]
    assert (best.neighbour.title, best.similarity, best.rank) == ("Twin B", 1.0, 1)
