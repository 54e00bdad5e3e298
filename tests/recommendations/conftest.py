"""A seed song with neighbours in the active build, plus a stale build that must not show;
builds made by hand or by the job, and the settings builds run with."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from catalog.models import Song
from recommendations import services, storage
from recommendations.models import Build, Neighbour
from recommendations.selectors import recommendations_for_song
from spark import job
from tests.catalog.conftest import SCRIPT_TAG, create_song
from tests.playlists_csv import FIRST, write_playlists_csv

SAME_ARTIST_RANKS = (2, 5)


def store_neighbours(rows: list[Neighbour]) -> list[Neighbour]:
    """Insert neighbour rows, giving each build its partition first (PostgreSQL)."""
    for build_id in {row.build_id for row in rows}:
        storage.add_partition(build_id)
    return Neighbour.objects.bulk_create(rows)


@pytest.fixture
def active_build(db) -> Build:
    return Build.objects.create(
        status=Build.Status.COMPLETE, is_active=True, input_path="playlists.jsonl"
    )


@pytest.fixture
def seed_song(db) -> Song:
    return create_song("Simon & Garfunkel", "The Boxer", 250)


@pytest.fixture
def neighbours(active_build: Build, seed_song: Song) -> list[Neighbour]:
    """14 neighbours ranked 1..14; ranks 2 and 5 are by the seed song's own artist."""
    rows = []
    for rank in range(1, 15):
        if rank in SAME_ARTIST_RANKS:
            other = create_song("Simon and Garfunkel", f"Duo Song {rank}", 100)
        else:
            other = create_song(f"Artist {rank}", f"Song {rank}", 100 + rank)
        rows.append(
            Neighbour(
                build=active_build,
                song=seed_song,
                neighbour=other,
                similarity=round(0.95 - rank * 0.05, 2),
                rank=rank,
            )
        )
    stale_build = Build.objects.create(status=Build.Status.COMPLETE, input_path="old.jsonl")
    rows.append(
        Neighbour(
            build=stale_build,
            song=seed_song,
            neighbour=create_song("Old Artist", "Stale Song", 1),
            similarity=0.99,
            rank=1,
        )
    )
    return store_neighbours(rows)


@pytest.fixture
def script_song_with_neighbour(active_build: Build, seed_song: Song) -> Song:
    """A song named with a script tag, recommended for the seed song and recommending it back."""
    script_song = create_song(SCRIPT_TAG, SCRIPT_TAG, 7)
    store_neighbours(
        [
            Neighbour(
                build=active_build, song=seed_song, neighbour=script_song, similarity=0.5, rank=1
            ),
            Neighbour(
                build=active_build, song=script_song, neighbour=seed_song, similarity=0.5, rank=1
            ),
        ]
    )
    return script_song


@pytest.fixture
def build_settings(settings, tmp_path):
    """Builds write under the test's own directory and run Spark small and local."""
    settings.DATA_DIR = tmp_path / "data"
    settings.SPARK_DRIVER_MEMORY = "1g"
    settings.SPARK_MASTER = "local[2]"


@pytest.fixture(scope="module")
def job_output(spark, tmp_path_factory) -> Path:
    """The job's output directory for FIRST: songs/, neighbours/ and summary.json."""
    directory = tmp_path_factory.mktemp("computed-elsewhere")
    source = write_playlists_csv(directory / "playlists.csv", FIRST)
    output = directory / "output"
    job.run(spark, job.parse_args(["--input", str(source), "--output", str(output), "--k", "5"]))
    return output


def song(title: str) -> Song:
    return Song.objects.get_or_create(
        key=abs(hash(title)) % 2**62,
        defaults={"artist": f"Artist {title}", "title": title, "artist_norm": f"artist {title}"},
    )[0]


def complete_build(seed: Song, titles: list[str], *, active: bool = False) -> Build:
    """A loaded build in which `seed`'s neighbours are the songs `titles`, in that order."""
    build = Build.objects.create(
        status=Build.Status.COMPLETE, input_path="x.csv", neighbour_count=len(titles)
    )
    storage.add_partition(build.pk)
    Neighbour.objects.bulk_create(
        Neighbour(build=build, song=seed, neighbour=song(title), similarity=0.5, rank=rank)
        for rank, title in enumerate(titles, start=1)
    )
    if active:
        services.build_activate(build=build)
    return build


def served_titles(seed: Song) -> list[str]:
    return [n.neighbour.title for n in recommendations_for_song(song=seed, limit=20)]


def partition_exists(build_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [storage.build_table(build_id)])
        return cursor.fetchone()[0]


def build_recs(path, **options) -> None:
    call_command("build_recs", input=str(path), k=5, **options)


def songs_by_title() -> dict[str, Song]:
    return {song.title: song for song in Song.objects.all()}


# The tail of a Spark log, as a failed build's error holds it.
SPARK_FAILURE = (
    "spark-submit exited with status 1: more than 5% of the lines are malformed "
    "(812 of 12,000: not four quoted fields 790, empty field 22)\n"
    + "\n".join(
        f"26/12/05 07:00:{second:02d} ERROR Executor: line {second}" for second in range(30)
    )
)


@pytest.fixture
def report_builds(db, job_summary) -> dict[str, Build]:
    """A complete build serving, the complete one before it, and a failed one after both."""
    summary = job_summary.to_dict() | {
        "lines_read": 12_903_421,
        "rejected": 1_234,
        "rejected_by_reason": {"not four quoted fields": 1_200, "invalid UTF-8": 34},
        "songs": 2_262_292,
        "playlists": 232_437,
        "recall_at_10": 0.9,
        "similarity_histogram": [400, 900, 1_500, 700, 300, 120, 60, 30, 10, 5],
    }
    timings = {"read": 12.25, "normalise": 30.5, "estimate": 2.0, "neighbours": 301.75, "load": 95}
    times = {"started_at": timezone.now(), "finished_at": timezone.now()}
    previous = Build.objects.create(
        status=Build.Status.COMPLETE,
        input_path="/data/spotify_dataset.csv",
        summary=summary | {"recall_at_10": 0.95, "lines_read": 12_000_000},
        timings=timings | {"neighbours": 280.5},
        song_count=2_100_000,
        neighbour_count=41_000_000,
        **times,
    )
    complete = Build.objects.create(
        status=Build.Status.COMPLETE,
        is_active=True,
        input_path="/data/spotify_dataset.csv",
        output_path="/data/builds/2",
        summary=summary,
        timings=timings,
        song_count=2_262_292,
        neighbour_count=45_245_840,
        **times,
    )
    failed = Build.objects.create(
        status=Build.Status.FAILED,
        stage="read",
        input_path="/data/spotify_dataset.csv",
        timings={"read": 40.0},
        error=SPARK_FAILURE,
        **times,
    )
    return {"previous": previous, "complete": complete, "failed": failed}
