"""Writes: starting, running, activating, cancelling and removing builds.

The admin's "Start rebuild" button and `manage.py build_recs` both go through `build_start` and
`build_run`; only who calls `build_run` differs (a Celery worker, a background process, or the
command itself in the foreground; `runners` hands a queued build to the first two).
`build_recs --load` starts with `build_start_load` instead: the same build, run and activation,
but the Spark job's output was computed elsewhere.
"""

import logging
import os
import socket
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from recommendations import loading, storage
from recommendations.models import Build
from recommendations.selectors import forget_active_build_id
from recommendations.spark_submit import JobOptions, SparkJobCancelled, run_job
from spark.contract import Summary

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[str], None]


class BuildAlreadyRunning(Exception):
    """Only one build may be queued or running at a time."""


class BuildCancelled(Exception):
    """The build was cancelled while it ran."""


class BuildNotActivatable(Exception):
    """Only a complete build whose rows are still stored can be activated."""


def build_start(
    *,
    input_path: str,
    k: int | None = None,
    spark_master: str | None = None,
    job_arguments: dict[str, object] | None = None,
) -> Build:
    """Record a queued build of `input_path` (parameter defaults from settings).

    Raises BuildAlreadyRunning while another build is queued, running or loading: the database
    enforces it, so the rule holds across web processes and workers.
    """
    parameters = {
        "k": k or settings.SONGREC_NEIGHBOURS_K,
        "spark_master": spark_master or settings.SPARK_MASTER,
        "max_bad_share": settings.SONGREC_MAX_BAD_SHARE,
        "job_arguments": job_arguments or {},
    }
    return _queue(input_path=input_path, parameters=parameters)


def build_start_load(*, output_dir: Path) -> Build:
    """Record a queued build that loads an output spark/job.py wrote elsewhere (e.g. Dataproc).

    `output_dir` is the job's output copied to this machine; `build_run` checks it again, loads
    it instead of running Spark, and activates it like any build. The build takes its input
    path, k and seconds per stage from the output's summary. Raises loading.InvalidOutput when
    the directory is not a whole output, and BuildAlreadyRunning as `build_start` does.
    """
    output_dir = output_dir.resolve()  # a runner in another directory may load it
    summary = loading.read_output(output_dir)
    return _queue(
        input_path=summary.input,
        parameters={"k": summary.k, "load_only": True},
        output_path=str(output_dir),
    )


def _queue(*, input_path: str, parameters: dict, output_path: str = "") -> Build:
    _fail_abandoned_local_builds()
    try:
        with transaction.atomic():
            return Build.objects.create(
                input_path=input_path,
                output_path=output_path,
                parameters=parameters,
                in_progress=True,
            )
    except IntegrityError:
        running = Build.objects.filter(in_progress=True).first()
        what = f"Build {running.pk} is {running.status}" if running else "A build is running"
        raise BuildAlreadyRunning(f"{what}: wait for it to finish or cancel it.") from None


def build_run(
    *, build: Build, worker: str = "", on_progress: ProgressCallback = lambda message: None
) -> Build:
    """Run the Spark job for a queued build, load its output and make it the active build.

    A load-only build (`build_start_load`) skips the job: the output it names is checked and
    loaded. A build that is no longer queued (cancelled, or failed by a worker restart) is left
    alone. On any failure the build is marked failed with the reason and the active build is
    untouched.
    """
    claimed = Build.objects.filter(pk=build.pk, status=Build.Status.QUEUED).update(
        status=Build.Status.RUNNING,
        worker=worker or _this_process(),
        started_at=timezone.now(),
    )
    build.refresh_from_db()
    if not claimed:
        logger.info("build %s is %s, not queued: nothing to run", build.pk, build.status)
        return build
    if build.load_only:
        output_dir = Path(build.output_path)
    else:
        output_dir = Path(settings.DATA_DIR) / "builds" / str(build.pk)
        _update(build, output_path=str(output_dir))
    try:
        summary = _job_summary(build, output_dir, on_progress)
        _update(
            build,
            status=Build.Status.LOADING,
            stage="load",
            summary=summary.to_dict(),
            spark_pid=None,
        )
        on_progress("loading songs and neighbours into the database")
        _load_and_activate(build, output_dir)
    except (SparkJobCancelled, BuildCancelled):
        _finish(build, Build.Status.CANCELLED, error="Cancelled on request.")
        return build
    except Exception as error:
        logger.exception("build %s failed", build.pk)
        _finish(build, Build.Status.FAILED, error=str(error))
        raise
    build_remove_old(keep=settings.SONGREC_BUILDS_KEPT)
    return build


def build_fail(*, build: Build, error: str) -> None:
    """Mark a build failed with `error` (a runner that could not take it, say)."""
    _finish(build, Build.Status.FAILED, error=error)


def build_activate(*, build: Build) -> None:
    """Make a complete build the one the site serves, in one short transaction (or as part of
    the caller's).

    Once it commits, the cached id of the active build goes, so pages cached for the previous
    build are no longer served (see `selectors.active_build_id`)."""
    with transaction.atomic():
        build = Build.objects.select_for_update().get(pk=build.pk)
        if build.status != Build.Status.COMPLETE or build.neighbour_count is None:
            raise BuildNotActivatable(f"Build {build.pk} is {build.status}: it cannot be served.")
        Build.objects.filter(is_active=True).exclude(pk=build.pk).update(is_active=False)
        Build.objects.filter(pk=build.pk).update(is_active=True)
        # Robust: the build is served whether or not the cache answers (it then expires).
        transaction.on_commit(forget_active_build_id, robust=True)


def build_cancel(*, build: Build) -> bool:
    """Stop a queued or running build; returns False if it had already finished.

    A queued build is cancelled at once; a running one is stopped by whoever runs it, which
    checks for the request every second (see `spark_submit.run_job`) and between load batches.
    """
    now = timezone.now()
    if Build.objects.filter(pk=build.pk, status=Build.Status.QUEUED).update(
        status=Build.Status.CANCELLED, in_progress=False, finished_at=now, error="Cancelled."
    ):
        return True
    return bool(Build.objects.filter(pk=build.pk, in_progress=True).update(cancel_requested_at=now))


def builds_fail_interrupted(*, worker: str) -> list[int]:
    """Mark failed the builds `worker` was running when it stopped; returns their ids.

    Called when a worker starts: a build still marked as running under its name was cut off
    (the process was killed). Its rows were never committed, so nothing else needs undoing.
    """
    interrupted = list(
        Build.objects.filter(in_progress=True, worker=worker)
        .exclude(status=Build.Status.QUEUED)
        .values_list("pk", flat=True)
    )
    Build.objects.filter(pk__in=interrupted).update(
        status=Build.Status.FAILED,
        in_progress=False,
        finished_at=timezone.now(),
        error=f"{worker} stopped while the build ran; start a new build to retry.",
    )
    return interrupted


def build_remove_old(*, keep: int) -> list[int]:
    """Drop the neighbour rows of complete builds beyond the newest `keep` (never the active one).

    Returns the ids removed. Their Build records stay for the history, with no neighbour count.
    """
    newest = Build.objects.filter(status=Build.Status.COMPLETE).order_by("-pk")[:keep]
    stale = (
        Build.objects.filter(
            status=Build.Status.COMPLETE, is_active=False, neighbour_count__isnull=False
        )
        .exclude(pk__in=list(newest.values_list("pk", flat=True)))
        .values_list("pk", flat=True)
    )
    removed = []
    for build_id in stale:
        storage.remove(build_id)
        Build.objects.filter(pk=build_id).update(neighbour_count=None)
        removed.append(build_id)
    return removed


def _job_summary(build: Build, output_dir: Path, on_progress: ProgressCallback) -> Summary:
    """Run the job into `output_dir` and return its summary; a load-only build's output is
    there already, so it is checked instead and its summary's seconds become the timings."""
    if build.load_only:
        on_progress(f"checking the job's output in {output_dir}")
        summary = loading.read_output(output_dir)
        _update(build, timings=dict(summary.seconds))
        return summary
    return run_job(
        _job_options(build, output_dir),
        on_progress=lambda event: _record_progress(build, event, on_progress),
        on_start=lambda process: _update(build, spark_pid=process.pid),
        should_stop=lambda: _cancel_requested(build.pk),
    )


def _job_options(build: Build, output_dir: Path) -> JobOptions:
    return JobOptions(
        input_path=build.input_path,
        output_dir=output_dir,
        master=build.parameters["spark_master"],
        k=build.parameters["k"],
        driver_memory=settings.SPARK_DRIVER_MEMORY,
        executor_memory=settings.SPARK_EXECUTOR_MEMORY,
        max_bad_share=build.parameters["max_bad_share"],
        job_arguments=build.parameters["job_arguments"],
    )


def _load_and_activate(build: Build, output_dir: Path) -> None:
    """Load songs and neighbour rows and make the build the one served, in one transaction: on
    any error nothing stays, and nobody sees the build complete before it is served."""
    started = timezone.now()

    def check_cancel(rows: int) -> None:
        if _cancel_requested(build.pk, close=False):
            raise BuildCancelled

    with transaction.atomic():
        song_count = loading.load_songs(output_dir / "songs")
        neighbours = loading.load_neighbours(
            output_dir / "neighbours", build_id=build.pk, on_batch=check_cancel
        )
        build.timings["load"] = round((timezone.now() - started).total_seconds(), 2)
        build.summary["similarity_histogram"] = neighbours.histogram
        _update(
            build,
            status=Build.Status.COMPLETE,
            in_progress=False,
            stage="",
            song_count=song_count,
            neighbour_count=neighbours.rows,
            timings=build.timings,
            summary=build.summary,
            finished_at=timezone.now(),
        )
        build_activate(build=build)


def _record_progress(build: Build, event: dict, on_progress: ProgressCallback) -> None:
    if event["event"] == "stage":
        _update(build, stage=event["stage"])
        on_progress(f"stage {event['stage']} …")
    elif event["event"] == "done":
        build.timings[event["stage"]] = event["seconds"]
        _update(build, timings=build.timings)
        on_progress(f"stage {event['stage']} done in {event['seconds']} s")
    else:
        details = ", ".join(
            f"{name} {value:,}" if isinstance(value, int | float) else f"{name} {value}"
            for name, value in event.items()
            if name != "event"
        )
        on_progress(f"{event['event']}: {details}")


def _cancel_requested(build_id: int, *, close: bool = True) -> bool:
    try:
        return Build.objects.filter(pk=build_id, cancel_requested_at__isnull=False).exists()
    finally:
        if close:
            # Asked from the job's watcher thread, which has a connection of its own.
            connection.close()


def _finish(build: Build, status: str, *, error: str) -> None:
    # The failure may have been the database connection itself: start from a fresh one.
    if connection.in_atomic_block is False:
        connection.close()
    _update(
        build,
        status=status,
        in_progress=False,
        spark_pid=None,
        error=error,
        finished_at=timezone.now(),
    )


def _this_process() -> str:
    return f"process:{socket.gethostname()}:{os.getpid()}"


def _fail_abandoned_local_builds() -> None:
    """Fail builds run by a background process on this machine that no longer exists."""
    prefix = f"process:{socket.gethostname()}:"
    for build in Build.objects.filter(in_progress=True, worker__startswith=prefix):
        pid = int(build.worker.removeprefix(prefix))
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            builds_fail_interrupted(worker=build.worker)


def _update(build: Build, **fields: object) -> None:
    for name, value in fields.items():
        setattr(build, name, value)
    build.save(update_fields=list(fields))
