"""Versioned builds: the one-at-a-time guard, activation, cancelling and faults (services)."""

import threading

import psycopg2
import pytest
from django.core.management import CommandError, call_command

from recommendations import services
from recommendations.models import Build, Neighbour
from recommendations.selectors import active_build
from tests.playlists_csv import FIRST, write_playlists_csv
from tests.processes import child_database_url, wait_for, waiting_loader_pid
from tests.recommendations.conftest import (
    complete_build,
    partition_exists,
    served_titles,
    song,
)

pytestmark = pytest.mark.usefixtures("build_settings")


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
