"""Who runs a queued build: a Celery worker or a detached process on this machine.

`services` records and runs builds; this module only hands a queued one over, so that the
services do not import the Celery tasks that call them.
"""

import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import transaction

from recommendations import services
from recommendations.models import Build

# How long sending a build to the workers may keep trying a broker that does not answer.
QUEUE_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}


class BuildNotQueued(Exception):
    """The runner could not take a queued build, which is now failed with the reason."""


def build_enqueue(*, build: Build) -> None:
    """Hand a queued build to the configured runner once the current transaction commits.

    "celery": a worker picks up `tasks.run_build`. "process": a detached `manage.py run_build
    ID` process on this machine runs it, so nothing waits on the request that asked.
    When the runner cannot take it (the broker is unreachable, the task does not import, the
    process does not start), the build is failed with that reason at once, so it does not hold
    the one-build-at-a-time slot, and BuildNotQueued says why.
    """
    hand_over = _send_to_workers if settings.SONGREC_BUILD_RUNNER == "celery" else _spawn_process

    def enqueue() -> None:
        try:
            hand_over(build)
        except Exception as error:
            reason = f"could not hand the build to its runner: {type(error).__name__}: {error}"
            services.build_fail(build=build, error=reason)
            raise BuildNotQueued(f"Build {build.pk} failed: {reason}") from error

    transaction.on_commit(enqueue)


def _send_to_workers(build: Build) -> None:
    # Imported here, so that a task module that does not import fails the build, not the caller.
    from recommendations.tasks import run_build

    # Retried briefly: a broker that is down should fail the request, not hang it.
    run_build.apply_async((build.pk,), retry_policy=QUEUE_RETRY_POLICY)


def _spawn_process(build: Build) -> None:
    log_path = Path(settings.DATA_DIR) / "builds" / f"{build.pk}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, str(settings.BASE_DIR / "manage.py"), "run_build", str(build.pk)]
    with log_path.open("ab") as log:
        subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
