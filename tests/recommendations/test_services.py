"""Versioned builds: the one-at-a-time guard, activation, removal, cancelling and faults."""

import os
import re
import subprocess
import sys
import threading

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from catalog.models import Song
from recommendations import services, storage
from recommendations.models import Build, Neighbour
from recommendations.selectors import active_build, recommendations_for_song
from tests.playlists import FIRST, write_playlists_csv
from tests.processes import (
    REPOSITORY,
    child_database_url,
    wait_for,
    wait_for_build_to_finish,
    waiting_loader_pid,
)


@pytest.fixture(autouse=True)
def build_settings(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.SPARK_DRIVER_MEMORY = "1g"
    settings.SPARK_MASTER = "local[2]"


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


@pytest.mark.django_db
def test_a_second_build_is_refused_while_one_is_queued() -> None:
    first = services.build_start(input_path="a.csv")
    with pytest.raises(services.BuildAlreadyRunning, match=f"Build {first.pk} is queued"):
        services.build_start(input_path="b.csv")
    assert Build.objects.count() == 1

    assert services.build_cancel(build=first)
    first.refresh_from_db()
    assert first.status == Build.Status.CANCELLED
    assert services.build_start(input_path="b.csv").pk != first.pk


@pytest.mark.django_db
def test_activate_rolls_back_to_an_older_build_in_one_step() -> None:
    seed = song("Seed")
    older = complete_build(seed, ["Old 1", "Old 2"], active=True)
    newer = complete_build(seed, ["New 1"], active=True)
    assert served_titles(seed) == ["New 1"]

    services.build_activate(build=older)

    assert active_build() == older
    assert served_titles(seed) == ["Old 1", "Old 2"]
    assert not Build.objects.get(pk=newer.pk).is_active


@pytest.mark.django_db
def test_only_a_complete_build_with_rows_can_be_activated() -> None:
    failed = Build.objects.create(status=Build.Status.FAILED, input_path="x.csv")
    with pytest.raises(services.BuildNotActivatable, match="failed"):
        services.build_activate(build=failed)
    removed = Build.objects.create(status=Build.Status.COMPLETE, input_path="x.csv")
    with pytest.raises(services.BuildNotActivatable):
        services.build_activate(build=removed)


def partition_exists(build_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [storage.build_table(build_id)])
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_builds_beyond_the_newest_few_are_dropped_but_never_the_active_one() -> None:
    seed = song("Seed")
    oldest = complete_build(seed, ["A"], active=True)
    second = complete_build(seed, ["B"])
    third = complete_build(seed, ["C"])
    newest = complete_build(seed, ["D"])

    removed = services.build_remove_old(keep=2)

    assert removed == [second.pk]
    assert not partition_exists(second.pk)
    assert all(partition_exists(b.pk) for b in (oldest, third, newest))
    assert served_titles(seed) == ["A"]
    assert Build.objects.get(pk=second.pk).neighbour_count is None
    assert not Neighbour.objects.filter(build=second).exists()


@pytest.mark.django_db(transaction=True)
def test_song_pages_never_mix_two_builds_while_activation_flips() -> None:
    seed = song("Seed")
    first_titles = [f"First {n}" for n in range(1, 11)]
    second_titles = [f"Second {n}" for n in range(1, 11)]
    first = complete_build(seed, first_titles, active=True)
    second = complete_build(seed, second_titles)
    pages: list[tuple[int, list[str]]] = []
    done = threading.Event()

    def read_pages() -> None:
        client = Client()
        try:
            while not done.is_set():
                response = client.get(reverse("recommendations:song", args=[seed.pk]))
                titles = re.findall(r'class="recommendation__title"[^>]*>([^<]+)<', response.text)
                pages.append((response.status_code, titles))
        finally:
            connection.close()

    reader = threading.Thread(target=read_pages)
    reader.start()
    try:
        for _ in range(40):
            services.build_activate(build=second)
            services.build_activate(build=first)
        wait_for(lambda: len(pages) >= 20, timeout=60, what="song pages to be served")
    finally:
        done.set()
        reader.join()

    assert {status for status, _ in pages} == {200}
    assert all(titles in (first_titles, second_titles) for _, titles in pages)


@pytest.mark.django_db(transaction=True)
def test_losing_the_database_connection_during_the_load_fails_the_build(tmp_path) -> None:
    call_command("build_recs", input=str(write_playlists_csv(tmp_path / "a.csv", FIRST)))
    serving = active_build()
    # Hold the songs table so the next load waits inside its transaction, then cut that
    # backend's connection, as a database restart or a network fault would.
    blocker = psycopg2.connect(child_database_url())
    blocker.cursor().execute("LOCK TABLE catalog_song IN EXCLUSIVE MODE")

    def terminate_the_waiting_loader() -> None:
        with blocker.cursor() as cursor:
            pid = wait_for(
                lambda: waiting_loader_pid(cursor),
                timeout=180,
                what="the load to wait on the lock",
            )
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        blocker.rollback()
        blocker.close()

    terminator = threading.Thread(target=terminate_the_waiting_loader)
    terminator.start()
    with pytest.raises(CommandError, match="terminat"):
        call_command("build_recs", input=str(write_playlists_csv(tmp_path / "b.csv", FIRST)))
    terminator.join()

    failed = Build.objects.latest("pk")
    assert failed.status == Build.Status.FAILED
    assert not failed.in_progress
    assert active_build() == serving
    assert not partition_exists(failed.pk)
    assert Neighbour.objects.filter(build=serving).count() == serving.neighbour_count


@pytest.mark.django_db(transaction=True)
def test_the_admin_button_works_without_redis(admin_client, settings, monkeypatch, tmp_path):
    """The quick start's runner: a detached `run_build` process, no broker."""
    settings.SONGREC_BUILD_RUNNER = "process"
    monkeypatch.setenv("DATABASE_URL", child_database_url())
    monkeypatch.setenv("SONGREC_DATA_DIR", str(settings.DATA_DIR))
    monkeypatch.setenv("SPARK_MASTER", "local[2]")
    monkeypatch.setenv("SPARK_DRIVER_MEMORY", "1g")
    source = write_playlists_csv(tmp_path / "a.csv", FIRST)

    response = admin_client.post(
        reverse("admin:recommendations_build_start"),
        {"input_path": str(source), "k": 5, "engine": "auto"},
    )

    assert response.status_code == 302
    build = Build.objects.get()
    wait_for_build_to_finish(build, timeout=240, what="the background build to finish")
    assert build.status == Build.Status.COMPLETE, build.error
    assert build.worker.startswith("process:")
    assert active_build() == build


# Nothing listens on port 1: connections are refused at once.
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


@pytest.mark.django_db(transaction=True)
def test_a_build_the_broker_cannot_take_fails_at_once_and_frees_the_slot(tmp_path) -> None:
    """`build_recs --async` with an unreachable REDIS_URL, run as the command an operator types."""
    source = write_playlists_csv(tmp_path / "a.csv", FIRST)
    environment = {
        **os.environ,
        "DATABASE_URL": child_database_url(),
        "REDIS_URL": UNREACHABLE_BROKER,
        "SONGREC_BUILD_RUNNER": "celery",
        "SONGREC_DATA_DIR": str(tmp_path / "data"),
    }
    command = [sys.executable, "manage.py", "build_recs", "--input", str(source), "--async"]

    for attempt in (1, 2):
        finished = subprocess.run(
            command, cwd=REPOSITORY, env=environment, capture_output=True, text=True, timeout=60
        )
        assert finished.returncode != 0
        assert "could not hand the build to its runner" in finished.stderr, finished.stderr
        assert "is queued" not in finished.stderr
        assert Build.objects.count() == attempt

    for build in Build.objects.all():
        assert build.status == Build.Status.FAILED
        assert not build.in_progress
        assert "OperationalError" in build.error, build.error
