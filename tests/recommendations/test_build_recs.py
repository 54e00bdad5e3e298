"""build_recs end to end: spark-submit on a small CSV, then the load into the database."""

import pytest
from django.core.management import CommandError

from recommendations.models import Build, Neighbour
from recommendations.selectors import active_build, recommendations_for_song
from tests.playlists import FIRST, SECOND, write_playlists_csv
from tests.recommendations.conftest import build_recs, songs_by_title

pytestmark = pytest.mark.usefixtures("build_settings")


@pytest.mark.django_db
def test_build_recs_loads_songs_and_neighbours_and_activates_the_build(tmp_path) -> None:
    build_recs(write_playlists_csv(tmp_path / "first.csv", FIRST))

    build = active_build()
    assert build.status == Build.Status.COMPLETE
    assert build.song_count == 5
    assert build.summary["lines_read"] == len(FIRST)
    assert set(build.timings) == {"read", "normalise", "estimate", "neighbours", "recall", "load"}
    assert build.summary["engine"] == "exact"
    assert build.summary["engine_reason"].startswith("auto: estimated")
    songs = songs_by_title()
    assert set(songs) == {"Twin A", "Twin B", "Anthem", "Encore", "Old Hit"}
    twin_a = recommendations_for_song(song=songs["Twin A"], include_same_artist=True)
    best = twin_a[0]
    assert (best.neighbour.title, best.similarity, best.rank) == ("Twin B", 1.0, 1)
    assert Neighbour.objects.filter(build=build).count() == build.neighbour_count > 0


@pytest.mark.django_db
def test_a_second_build_keeps_song_ids_and_retires_songs_it_lacks(tmp_path) -> None:
    build_recs(write_playlists_csv(tmp_path / "first.csv", FIRST))
    first_ids = {title: song.pk for title, song in songs_by_title().items()}
    first_build = active_build()

    build_recs(write_playlists_csv(tmp_path / "second.csv", SECOND))

    songs = songs_by_title()
    for title in ("Twin A", "Twin B", "Anthem", "Encore"):
        assert songs[title].pk == first_ids[title]
        assert songs[title].in_catalogue
    assert songs["New Hit"].in_catalogue
    assert not songs["Old Hit"].in_catalogue
    assert active_build().pk != first_build.pk
    encore = recommendations_for_song(song=songs["Encore"], include_same_artist=True)
    assert "New Hit" in [n.neighbour.title for n in encore]


@pytest.mark.django_db
def test_a_failed_build_leaves_the_previous_one_serving(tmp_path) -> None:
    build_recs(write_playlists_csv(tmp_path / "first.csv", FIRST))
    serving = active_build()
    broken = write_playlists_csv(tmp_path / "broken.csv", FIRST[:2], bad=["not a record"] * 5)

    with pytest.raises(CommandError, match="malformed"):
        build_recs(broken)

    failed = Build.objects.latest("pk")
    assert failed.status == Build.Status.FAILED
    assert "5 of 7 lines (71.4%) are malformed" in failed.error
    assert active_build() == serving
    twin_a = songs_by_title()["Twin A"]
    assert len(recommendations_for_song(song=twin_a, include_same_artist=True)) > 0
