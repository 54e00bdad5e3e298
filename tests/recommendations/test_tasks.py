"""Rebuilds through a real Redis broker and a real Celery worker process (no eager mode)."""

import os
import signal

import psycopg2
import pytest
import redis
from django.urls import reverse

from recommendations.models import Build
from recommendations.selectors import active_build
from tests.playlists_csv import FIRST, SECOND, write_playlists_csv
from tests.processes import CeleryWorker, child_database_url, wait_for, waiting_loader_pid

# A Redis database of its own, emptied before each test, so no stale task reaches the worker.
BROKER_URL = "redis://localhost:6379/14"
FINISHED = (Build.Status.COMPLETE, Build.Status.FAILED, Build.Status.CANCELLED)


@pytest.fixture
def worker(settings, tmp_path):
    redis.Redis.from_url(BROKER_URL).flushdb()
    settings.SONGREC_BUILD_RUNNER = "celery"
    settings.CELERY_BROKER_URL = BROKER_URL
    settings.DATA_DIR = tmp_path / "data"
    from songrec_site.celery import app

    app.conf.broker_url = BROKER_URL
    worker = CeleryWorker(
        environment={
            "DATABASE_URL": child_database_url(),
            "REDIS_URL": BROKER_URL,
            "SONGREC_BUILD_RUNNER": "celery",
            "SONGREC_DATA_DIR": str(settings.DATA_DIR),
            "SPARK_MASTER": "local[2]",
            "SPARK_DRIVER_MEMORY": "1g",
        },
        log_path=tmp_path / "worker.log",
        name="songrec-test",
    )
    yield worker.start()
    worker.stop()


def start_from_admin(client, path) -> None:
    response = client.post(
        reverse("admin:recommendations_build_start"),
        {"input_path": str(path), "k": 5, "engine": "auto"},
    )
    assert response.status_code in (200, 302)
    return response


def spark_pid_once_started(build: Build) -> int:
    return wait_for(
        lambda: Build.objects.get(pk=build.pk).spark_pid, timeout=120, what="Spark to start"
    )


def finished(build_id: int) -> Build | None:
    build = Build.objects.get(pk=build_id)
    return build if build.status in FINISHED else None


@pytest.mark.django_db(transaction=True)
def test_admin_button_queues_a_build_that_the_worker_runs(admin_client, worker, tmp_path):
    start_from_admin(admin_client, write_playlists_csv(tmp_path / "a.csv", FIRST))
    build = Build.objects.get()

    second = start_from_admin(admin_client, write_playlists_csv(tmp_path / "b.csv", SECOND))
    assert Build.objects.count() == 1
    assert f"Build {build.pk} is " in second.text
    assert "wait for it to finish or cancel it" in second.text

    done = wait_for(lambda: finished(build.pk), timeout=240, what="the worker to run the build")
    assert done.status == Build.Status.COMPLETE, done.error
    assert done.worker == worker.hostname
    assert active_build() == done
    page = admin_client.get(reverse("admin:recommendations_build_change", args=[build.pk]))
    assert b"Seconds per stage" in page.content and b"<rect" in page.content


@pytest.mark.django_db(transaction=True)
def test_killing_the_worker_during_the_load_leaves_the_old_build_serving(
    admin_client, worker, tmp_path
):
    start_from_admin(admin_client, write_playlists_csv(tmp_path / "a.csv", FIRST))
    serving = wait_for(lambda: finished(Build.objects.get().pk), timeout=240, what="build 1")
    assert serving.status == Build.Status.COMPLETE, serving.error

    # Make the next load wait inside its transaction, then kill the worker there.
    blocker = psycopg2.connect(child_database_url())
    blocker.cursor().execute("LOCK TABLE catalog_song IN EXCLUSIVE MODE")
    start_from_admin(admin_client, write_playlists_csv(tmp_path / "b.csv", SECOND))
    cut_off = Build.objects.latest("pk")

    def loader_waiting() -> bool:
        with blocker.cursor() as cursor:
            return waiting_loader_pid(cursor) is not None

    wait_for(loader_waiting, timeout=240, what="the load to start")
    assert Build.objects.get(pk=cut_off.pk).status == Build.Status.LOADING
    worker.kill()
    blocker.rollback()
    blocker.close()

    assert active_build() == serving
    worker.start()  # on start, the worker fails what it was running when it died
    failed = Build.objects.get(pk=cut_off.pk)
    assert failed.status == Build.Status.FAILED
    assert "stopped while the build ran" in failed.error
    assert active_build() == serving
    # And a retry can start: the guard was released.
    start_from_admin(admin_client, write_playlists_csv(tmp_path / "c.csv", SECOND))
    retry = Build.objects.latest("pk")
    assert retry.pk != cut_off.pk
    done = wait_for(lambda: finished(retry.pk), timeout=240, what="the retry")
    assert done.status == Build.Status.COMPLETE, done.error


@pytest.mark.django_db(transaction=True)
def test_killing_the_spark_process_fails_the_build_with_its_error(admin_client, worker, tmp_path):
    start_from_admin(admin_client, write_playlists_csv(tmp_path / "a.csv", FIRST))
    build = Build.objects.get()
    pid = spark_pid_once_started(build)

    os.kill(pid, signal.SIGKILL)

    failed = wait_for(lambda: finished(build.pk), timeout=120, what="the build to fail")
    assert failed.status == Build.Status.FAILED
    assert "the Spark job exited with status -9" in failed.error
    assert active_build() is None


@pytest.mark.django_db(transaction=True)
def test_cancel_from_the_admin_stops_the_spark_process(admin_client, worker, tmp_path):
    start_from_admin(admin_client, write_playlists_csv(tmp_path / "a.csv", FIRST))
    build = Build.objects.get()
    pid = spark_pid_once_started(build)

    response = admin_client.post(
        reverse("admin:recommendations_build_changelist"),
        {"action": "cancel", "_selected_action": [build.pk]},
    )

    assert response.status_code == 302
    cancelled = wait_for(lambda: finished(build.pk), timeout=60, what="the build to stop")
    assert cancelled.status == Build.Status.CANCELLED
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert active_build() is None
