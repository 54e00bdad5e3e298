"""Handing a queued build to its runner: a detached process, or Celery (even an unreachable one)."""

import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.urls import reverse

from recommendations.models import Build, Neighbour
from recommendations.selectors import active_build
from tests.playlists_csv import FIRST, write_playlists_csv
from tests.processes import REPOSITORY, child_database_url, wait_for_build_to_finish

pytestmark = pytest.mark.usefixtures("build_settings")


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


@pytest.mark.django_db(transaction=True)
def test_async_load_is_run_by_the_process_runner(settings, monkeypatch, job_output) -> None:
    """`--async` queues the build; a detached `run_build ID` process loads it."""
    settings.SONGREC_BUILD_RUNNER = "process"
    monkeypatch.setenv("DATABASE_URL", child_database_url())
    monkeypatch.setenv("SONGREC_DATA_DIR", str(settings.DATA_DIR))

    call_command("build_recs", load=str(job_output), run_async=True)

    build = Build.objects.get()
    assert build.status == Build.Status.QUEUED
    wait_for_build_to_finish(build, timeout=120, what="the background load to finish")
    assert build.status == Build.Status.COMPLETE, build.error
    assert build.worker.startswith("process:")
    assert active_build() == build
    assert Neighbour.objects.filter(build=build).count() == build.neighbour_count > 0


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
        "SONGREC_INPUT_DIRS": str(tmp_path),
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
