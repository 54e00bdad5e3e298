"""Celery tasks and worker hooks for builds."""

import logging

from celery import shared_task
from celery.signals import worker_ready

from recommendations import services
from recommendations.models import Build

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, ignore_result=True)
def run_build(self, build_id: int) -> None:
    """Run a queued build (a redelivered message for a finished build does nothing)."""
    build = Build.objects.get(pk=build_id)
    services.build_run(build=build, worker=self.request.hostname, on_progress=logger.info)


@worker_ready.connect
def fail_builds_cut_off_by_a_restart(sender, **kwargs) -> None:
    failed = services.builds_fail_interrupted(worker=sender.hostname)
    if failed:
        logger.warning(
            "marked builds %s failed: %s stopped while they ran", failed, sender.hostname
        )
