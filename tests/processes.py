"""Helpers for tests that drive other processes: waiting on a condition, a real Celery worker."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from django.db import connection

from recommendations.models import Build

REPOSITORY = Path(__file__).resolve().parent.parent


def waiting_loader_pid(cursor) -> int | None:
    """The backend of a build's load while it waits for a lock on the songs table, if any."""
    # Activity is snapshotted per transaction: clear the snapshot so each poll sees the present.
    cursor.execute("SELECT pg_stat_clear_snapshot()")
    cursor.execute(
        "SELECT pid FROM pg_stat_activity "
        "WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO catalog_song%'"
    )
    row = cursor.fetchone()
    return row[0] if row else None


def wait_for(condition: Callable[[], object], *, timeout: float, what: str) -> object:
    """Poll `condition` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def wait_for_build_to_finish(build: Build, *, timeout: float, what: str) -> None:
    """Wait until `build` is complete or failed, then refresh it from the database."""
    finished = (Build.Status.COMPLETE, Build.Status.FAILED)
    wait_for(lambda: Build.objects.get(pk=build.pk).status in finished, timeout=timeout, what=what)
    build.refresh_from_db()


def child_database_url() -> str:
    """The URL of the database the tests run against, for child processes."""
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return (
        f"postgres://{settings['USER']}{password}@{settings['HOST'] or 'localhost'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


class CeleryWorker:
    """A real `celery worker` process on the test database, started and stopped by the test."""

    def __init__(self, *, environment: dict[str, str], log_path: Path, name: str) -> None:
        self.environment = environment
        self.log_path = log_path
        self.name = name
        self.process: subprocess.Popen | None = None

    @property
    def hostname(self) -> str:
        return f"{self.name}@{os.uname().nodename}"

    def start(self) -> "CeleryWorker":
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "songrec_site", "worker"]
            + ["--loglevel=INFO", "--concurrency=1", "--without-gossip", "--without-mingle"]
            + ["-n", self.hostname],
            cwd=REPOSITORY,
            env={**os.environ, **self.environment},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(self._ready, timeout=60, what="the Celery worker to be ready")
        return self

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"the worker exited:\n{self.log_path.read_text()[-3000:]}")
        return " ready." in self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes, as a crash or an OOM kill would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        # The next start must not mistake this run's "ready" for its own.
        self.log_path.write_text("")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
