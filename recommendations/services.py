"""Writes: creating, running and activating builds."""

import logging
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from recommendations import loading
from recommendations.models import Build, Neighbour
from recommendations.spark_submit import JobOptions, SparkJobFailed, run_job

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[str], None]


def build_create(
    *,
    input_path: str,
    k: int | None = None,
    spark_master: str | None = None,
    job_arguments: dict[str, object] | None = None,
) -> Build:
    """Record a pending build of `input_path` with its parameters (defaults from settings)."""
    parameters = {
        "k": k or settings.SONGREC_NEIGHBOURS_K,
        "spark_master": spark_master or settings.SPARK_MASTER,
        "max_bad_share": settings.SONGREC_MAX_BAD_SHARE,
        "job_arguments": job_arguments or {},
    }
    return Build.objects.create(input_path=input_path, parameters=parameters)


def build_run(*, build: Build, on_progress: ProgressCallback = lambda message: None) -> Build:
    """Run the Spark job for a pending build, load its output and make it the active build.

    On any failure the build is marked failed with the reason and the active build is untouched.
    """
    output_dir = Path(settings.DATA_DIR) / "builds" / str(build.pk)
    _update(build, status=Build.Status.RUNNING, started_at=timezone.now(), output_path=output_dir)
    try:
        summary = run_job(
            JobOptions(
                input_path=build.input_path,
                output_dir=output_dir,
                master=build.parameters["spark_master"],
                k=build.parameters["k"],
                driver_memory=settings.SPARK_DRIVER_MEMORY,
                executor_memory=settings.SPARK_EXECUTOR_MEMORY,
                max_bad_share=build.parameters["max_bad_share"],
                job_arguments=build.parameters["job_arguments"],
            ),
            on_progress=lambda event: _record_progress(build, event, on_progress),
        )
        _update(build, status=Build.Status.LOADING, stage="load", summary=summary)
        on_progress("loading songs and neighbours into the database")
        _load_and_activate(build, output_dir)
    except (SparkJobFailed, Exception) as error:
        logger.exception("build %s failed", build.pk)
        _update(build, status=Build.Status.FAILED, error=str(error), finished_at=timezone.now())
        raise
    _remove_old_builds(keep=settings.SONGREC_BUILDS_KEPT)
    return build


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


def _load_and_activate(build: Build, output_dir: Path) -> None:
    started = timezone.now()
    with transaction.atomic():
        song_count = loading.load_songs(output_dir / "songs")
        neighbour_count = loading.load_neighbours(output_dir / "neighbours", build_id=build.pk)
        Build.objects.filter(is_active=True).update(is_active=False)
        build.timings["load"] = round((timezone.now() - started).total_seconds(), 2)
        _update(
            build,
            status=Build.Status.COMPLETE,
            is_active=True,
            stage="",
            song_count=song_count,
            neighbour_count=neighbour_count,
            timings=build.timings,
            finished_at=timezone.now(),
        )


def _remove_old_builds(*, keep: int) -> None:
    """Delete the neighbour rows of complete builds older than the newest `keep`."""
    kept = Build.objects.filter(status=Build.Status.COMPLETE).order_by("-pk")[:keep]
    stale = Build.objects.exclude(pk__in=list(kept.values_list("pk", flat=True)))
    Neighbour.objects.filter(build__in=stale.filter(is_active=False)).delete()


def _update(build: Build, **fields: object) -> None:
    for name, value in fields.items():
        setattr(build, name, str(value) if isinstance(value, Path) else value)
    build.save(update_fields=list(fields))
