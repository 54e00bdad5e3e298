"""build_recs end to end: spark-submit on a small CSV, then the load into the database."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError

from catalog.models import Song
from recommendations.models import Build, Neighbour
from recommendations.selectors import active_build, recommendations_for_song
from spark import contract
from tests.playlists_csv import FIRST, REFUSED_INPUTS, SECOND, write_playlists_csv
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
    assert failed.error.startswith("TooManyMalformedLines: 5 of 7 lines (71.4%) are malformed")
    assert active_build() == serving
    twin_a = songs_by_title()["Twin A"]
    assert len(recommendations_for_song(song=twin_a, include_same_artist=True)) > 0


# One line of each kind the catalogue could not store, as a real export might hold them.
UNSTORABLE = {
    "control character": b'"cat","Nul\x00Band","Zero","Mix"',
    "name too long": b'"cat","' + b"x" * (contract.MAX_NAME_LENGTH + 1) + b'","Long","Mix"',
    "invalid UTF-8": b'"cat","Beyonc\xe9","Halo","Mix"',
}


@pytest.mark.django_db
def test_lines_the_catalogue_could_not_store_are_rejected_and_the_build_succeeds(
    settings, tmp_path
) -> None:
    settings.SONGREC_MAX_BAD_SHARE = 0.5
    source = write_playlists_csv(tmp_path / "hostile.csv", FIRST)
    source.write_bytes(source.read_bytes() + b"\n".join(UNSTORABLE.values()) + b"\n")
    # A ligature NFKC makes 18 letters: keys of 990 and 1,008 characters.
    with source.open("a", encoding="utf-8") as extra:
        extra.write('"cat","' + "\ufdfa" * 55 + '","Ligatures","Mix"\n')
        extra.write('"cat","' + "\ufdfa" * 56 + '","Ligatures","Mix"\n')

    build_recs(source)

    build = active_build()
    assert build.status == Build.Status.COMPLETE
    assert build.summary["rejected_by_reason"] == {
        "control character": 1, "name too long": 2, "invalid UTF-8": 1
    }  # fmt: skip
    assert (build.summary["records"], build.summary["rejected"]) == (len(FIRST) + 1, 4)
    assert set(songs_by_title()) == {"Twin A", "Twin B", "Anthem", "Encore", "Old Hit", "Ligatures"}
    assert len(Song.objects.get(title="Ligatures").artist_norm) == 990
    rejects = [
        json.loads(line)
        for part in sorted(Path(build.output_path, "rejects").glob("*.json"))
        for line in part.read_text(encoding="utf-8").splitlines()
    ]
    assert sorted(row["reason"] for row in rejects) == [
        "control character", "invalid UTF-8", "name too long", "name too long"
    ]  # fmt: skip
    assert '"cat","Beyonc\ufffd","Halo","Mix"' in [row["line"] for row in rejects]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "message"),
    REFUSED_INPUTS,
)
def test_an_input_it_cannot_build_is_refused_before_a_build_is_queued(
    tmp_path, path, message: str
) -> None:
    given = str(path(tmp_path))

    with pytest.raises(CommandError) as refused:
        build_recs(given)

    assert str(refused.value).startswith(f"{given} {message}")
    assert not Build.objects.exists()
