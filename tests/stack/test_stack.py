"""The stack runs the product: the admin's rebuild on the worker container, volumes, restarts."""

import html
import os
import signal
import time

from tests.processes import wait_for
from tests.stack.conftest import ADMIN, Site, Stack, report


def neighbour_titles(stack: Stack, build_id: int, song_key: int) -> list[str]:
    rows = stack.query(
        "SELECT s.title FROM recommendations_neighbour n JOIN catalog_song s "
        "ON s.key = n.neighbour_key WHERE n.build_id = %s AND n.song_key = %s ORDER BY n.rank",
        (build_id, song_key),
    )
    return [title for (title,) in rows]


def test_a_rebuild_started_in_the_admin_is_run_by_the_worker_container(
    stack: Stack, site: Site
) -> None:
    report(
        f"stack: the admin's rebuild of {site.build_id}, queued to complete: "
        f"{site.build_seconds:.1f} s"
    )
    assert site.worker.startswith("celery@")
    worker_log = stack.compose("logs", "--no-color", "worker")
    assert "Task recommendations.tasks.run_build[" in worker_log
    assert "succeeded" in worker_log
    assert "recommendations.tasks.run_build" not in stack.compose("logs", "--no-color", "web")

    page = stack.browser().get(f"/songs/{site.song_id}/?same_artist=1")
    assert page.status == 200
    titles = neighbour_titles(stack, site.build_id, site.favourite_key)
    assert titles
    assert html.escape(titles[0]) in page.text


def test_down_then_up_keeps_the_active_build_and_favourites(stack: Stack, site: Site) -> None:
    active = stack.active_build()
    favourites = stack.query("SELECT user_id, song_key FROM accounts_favourite ORDER BY 1, 2")

    stack.compose("down")
    stack.compose("up", "-d", "--no-build", "web", "worker")
    report(f"stack: `down` then `up -d` to /healthz 200: {stack.wait_until_healthy():.1f} s")

    assert stack.active_build() == active
    assert stack.query("SELECT user_id, song_key FROM accounts_favourite ORDER BY 1, 2") == (
        favourites
    )
    browser = stack.browser()
    browser.log_in(*ADMIN)
    page = browser.get("/favourites/")
    assert page.status == 200
    assert f"/songs/{site.song_id}/" in page.text


def test_a_killed_web_process_is_restarted_and_answers_within_30_seconds(stack: Stack) -> None:
    stack.wait_until_healthy()
    before = stack.container("web")
    os.kill(before["State"]["Pid"], signal.SIGKILL)
    killed = time.monotonic()

    wait_for(
        lambda: stack.container("web")["RestartCount"] > before["RestartCount"],
        timeout=30,
        what="Docker to restart web",
    )
    stack.wait_until_healthy(timeout=30)
    seconds = time.monotonic() - killed
    report(f"stack: web's gunicorn killed (SIGKILL) to /healthz 200 again: {seconds:.1f} s")
    assert seconds <= 30
