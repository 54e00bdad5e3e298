"""build_recs --load: an output of spark/job.py computed elsewhere, loaded and served.

The output is made once, by the real job on a few rows in this process's SparkSession, as
Dataproc would make it; each test loads that directory or a damaged copy of it.
"""

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet
import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from accounts import services as accounts
from accounts.models import Favourite, HistoryEntry
from catalog.models import Song
from recommendations.loading import NEIGHBOUR_COLUMNS
from recommendations.models import Build, Neighbour
from recommendations.selectors import active_build, recommendations_for_song

pytestmark = pytest.mark.usefixtures("build_settings")


@pytest.fixture
def serving(db, job_output) -> Build:
    """A build the site serves before each test's own load."""
    call_command("build_recs", load=str(job_output))
    return active_build()


def damaged_copy(job_output: Path, destination: Path) -> Path:
    return Path(shutil.copytree(job_output, destination / "output"))


def parquet_rows(directory: Path, columns: tuple[str, ...]) -> list[tuple]:
    table = pyarrow.parquet.read_table(directory, columns=list(columns))
    return sorted(zip(*(table.column(name).to_pylist() for name in columns), strict=True))


def served_rows(build: Build) -> list[tuple]:
    rows = Neighbour.objects.filter(build=build).values_list(
        "song_id", "neighbour_id", "similarity", "rank"
    )
    return sorted(rows)


@pytest.mark.django_db
def test_load_serves_the_output_and_records_its_summary(job_output) -> None:
    summary = json.loads((job_output / "summary.json").read_text())

    call_command("build_recs", load=str(job_output))

    build = active_build()
    assert build.status == Build.Status.COMPLETE
    assert not build.in_progress
    assert build.load_only
    assert build.input_path == summary["input"]
    assert build.output_path == str(job_output.resolve())
    assert build.parameters == {"k": 5, "load_only": True}
    assert build.summary["engine"] == summary["engine"] == "exact"
    assert build.summary["neighbour_rows"] == summary["neighbour_rows"]
    assert sum(build.summary["similarity_histogram"]) == summary["neighbour_rows"]
    assert build.timings == {**summary["seconds"], "load": build.timings["load"]}
    assert (build.song_count, build.neighbour_count) == (5, summary["neighbour_rows"])

    songs = parquet_rows(job_output / "songs", ("key", "artist", "title", "playlist_count"))
    assert sorted(Song.objects.values_list("key", "artist", "title", "playlist_count")) == songs
    assert served_rows(build) == parquet_rows(job_output / "neighbours", NEIGHBOUR_COLUMNS)
    twin_a = Song.objects.get(title="Twin A")
    best = recommendations_for_song(song=twin_a, include_same_artist=True)[0]
    assert (best.neighbour.title, best.similarity, best.rank) == ("Twin B", 1.0, 1)


@pytest.mark.django_db
def test_a_second_load_switches_builds_and_keeps_favourites_and_history(
    serving, job_output
) -> None:
    user = User.objects.create_user("ann")
    twin_a = Song.objects.get(title="Twin A")
    accounts.song_favourite(user=user, song=twin_a)
    accounts.history_record_view(user=user, song=twin_a)
    song_ids = dict(Song.objects.values_list("key", "pk"))

    call_command("build_recs", load=str(job_output))

    build = active_build()
    assert build.pk != serving.pk
    assert not Build.objects.get(pk=serving.pk).is_active
    assert served_rows(build) == parquet_rows(job_output / "neighbours", NEIGHBOUR_COLUMNS)
    assert dict(Song.objects.values_list("key", "pk")) == song_ids
    assert list(Favourite.objects.values_list("user", "song")) == [(user.pk, twin_a.key)]
    assert list(HistoryEntry.objects.values_list("user", "song")) == [(user.pk, twin_a.key)]


def without_summary(output: Path) -> None:
    (output / "summary.json").unlink()


def with_broken_summary(output: Path) -> None:
    (output / "summary.json").write_text('{"input": "playlists.csv", "k": ')


def without_neighbours(output: Path) -> None:
    shutil.rmtree(output / "neighbours")


def with_a_truncated_parquet_file(output: Path) -> None:
    part = sorted((output / "songs").glob("part-*.parquet"))[0]
    part.write_bytes(part.read_bytes()[:100])


def with_rows_missing(output: Path) -> None:
    """As if a copy stopped early: the summary counted more rows than arrived."""
    summary = json.loads((output / "summary.json").read_text())
    summary["neighbour_rows"] += 3
    (output / "summary.json").write_text(json.dumps(summary))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (without_summary, r"summary\.json is missing: is this the output of spark/job\.py\?"),
        (with_broken_summary, r"summary\.json is not valid JSON"),
        (without_neighbours, r"neighbours is missing: is this the output of spark/job\.py\?"),
        (with_a_truncated_parquet_file, r"songs is not readable Parquet"),
        (with_rows_missing, r"neighbours has \d+ rows but .* counted \d+: was the copy cut short"),
    ],
)
def test_a_damaged_output_is_refused_and_the_active_build_keeps_serving(
    serving, job_output, tmp_path, damage, message
) -> None:
    output = damaged_copy(job_output, tmp_path)
    damage(output)

    with pytest.raises(CommandError, match=message):
        call_command("build_recs", load=str(output))

    assert list(Build.objects.all()) == [serving]
    assert active_build() == serving
    assert Neighbour.objects.filter(build=serving).count() == serving.neighbour_count


@pytest.mark.django_db
def test_a_missing_directory_is_refused(serving, tmp_path) -> None:
    with pytest.raises(CommandError, match=f"{tmp_path / 'nowhere'} is not a directory"):
        call_command("build_recs", load=str(tmp_path / "nowhere"))
    assert active_build() == serving


@pytest.mark.django_db
def test_job_options_are_refused_with_load(job_output) -> None:
    with pytest.raises(CommandError, match="--k, --engine cannot apply"):
        call_command("build_recs", load=str(job_output), k=5, engine="exact")
    assert not Build.objects.exists()


@pytest.mark.django_db
def test_a_load_that_fails_in_the_database_fails_the_build_and_keeps_the_previous_one(
    serving, job_output, tmp_path
) -> None:
    user = User.objects.create_user("ann")
    accounts.song_favourite(user=user, song=Song.objects.get(title="Old Hit"))
    output = damaged_copy(job_output, tmp_path)
    # Valid Parquet with the right columns, but ranks the neighbour table's CHECK refuses.
    neighbours = pyarrow.parquet.read_table(output / "neighbours")
    negative = pa.array([-1] * neighbours.num_rows, type=neighbours.schema.field("rank").type)
    shutil.rmtree(output / "neighbours")
    (output / "neighbours").mkdir()
    pyarrow.parquet.write_table(
        neighbours.set_column(neighbours.schema.get_field_index("rank"), "rank", negative),
        output / "neighbours" / "part-00000.parquet",
    )

    with pytest.raises(CommandError, match="check constraint"):
        call_command("build_recs", load=str(output))

    failed = Build.objects.latest("pk")
    assert failed.pk != serving.pk
    assert failed.status == Build.Status.FAILED
    assert "check constraint" in failed.error
    assert not failed.in_progress and not failed.is_active
    assert active_build() == serving
    assert Neighbour.objects.filter(build=serving).count() == serving.neighbour_count
    assert not Neighbour.objects.filter(build=failed).exists()
    assert Favourite.objects.filter(user=user, song__title="Old Hit").exists()
