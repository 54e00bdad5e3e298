"""The image's commands, run here as real processes with the production settings.

No Docker engine is needed: the test reads the entrypoint and commands from the Dockerfile and
docker-compose.yml and runs them against the test database and Redis, as the containers would.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from tests.processes import REPOSITORY, child_database_url, wait_for
from tests.songrec_site.test_production import SECRET_KEY

DOCKERFILE = (REPOSITORY / "Dockerfile").read_text()
COMPOSE = yaml.safe_load((REPOSITORY / "docker-compose.yml").read_text())


def dockerfile_instruction(name: str) -> str:
    """The text of the last `name` instruction, continuation lines joined."""
    joined = DOCKERFILE.replace("\\\n", " ")
    return re.findall(rf"^{name} (.+)$", joined, flags=re.MULTILINE)[-1]


def entrypoint() -> list[str]:
    (path,) = json.loads(dockerfile_instruction("ENTRYPOINT"))
    return [str(REPOSITORY / Path(path).relative_to("/app"))]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    """(status, headers, body) of a GET that does not follow redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *arguments, **keywords):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=5) as reply:
            return reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def answers(url: str) -> bool:
    try:
        return get(url)[0] == 200
    except OSError:
        return False


@pytest.fixture
def environment(tmp_path) -> dict[str, str]:
    return {
        **os.environ,
        # What every service of the compose file sets (the broker moved to the tests' Redis).
        **COMPOSE["x-app"]["environment"],
        # The image puts its virtual environment first on PATH.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "DJANGO_SETTINGS_MODULE": "songrec_site.settings_production",
        "SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": child_database_url(),
        "REDIS_URL": "redis://localhost:6379/12",
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(tmp_path / "staticfiles"),
        "SONGREC_DATA_DIR": str(tmp_path / "data"),
        # No mail is sent by these tests.
        "SONGREC_ALLOW_CONSOLE_EMAIL": "true",
    }


def start(command: list[str], environment: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("ab") as output:
        return subprocess.Popen(
            command,
            cwd=REPOSITORY,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.mark.django_db
def test_migrate_collectstatic_gunicorn_and_worker_start_with_production_settings(
    environment, tmp_path
):
    # The one-shot migrate service, through the entrypoint (which waits for the database).
    run_to_the_end(entrypoint() + COMPOSE["services"]["migrate"]["command"], environment)

    # collectstatic, as the image build runs it.
    assert "python manage.py collectstatic --no-input" in DOCKERFILE
    run_to_the_end([sys.executable, "manage.py", "collectstatic", "--no-input"], environment)
    manifest = json.loads((tmp_path / "staticfiles" / "staticfiles.json").read_text())
    hashed_css = manifest["paths"]["css/site.css"]

    port = free_port()
    web_log, worker_log = tmp_path / "web.log", tmp_path / "worker.log"
    web = start(
        entrypoint() + json.loads(dockerfile_instruction("CMD")),
        {**environment, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1"},
        web_log,
    )
    worker = start(
        entrypoint()
        + COMPOSE["services"]["worker"]["command"]
        + ["--without-gossip", "--without-mingle", "-n", f"entry-{port}@%h"],
        environment,
        worker_log,
    )
    try:
        base = f"http://127.0.0.1:{port}"

        def web_up() -> bool:
            assert web.poll() is None, web_log.read_text()[-3000:]
            return answers(f"{base}/healthz")

        wait_for(web_up, timeout=60, what="gunicorn to answer /healthz")
        check_served(base, {**environment, "GUNICORN_BIND": f"127.0.0.1:{port}"}, hashed_css)

        # Logs are JSON lines.
        assert "gunicorn.error" in loggers_in(web_log)

        def worker_ready() -> bool:
            assert worker.poll() is None, worker_log.read_text()[-3000:]
            return " ready." in worker_log.read_text(errors="replace")

        wait_for(worker_ready, timeout=90, what="the Celery worker to be ready")
    finally:
        stop(web)
        stop(worker)
    # A line per request (written after the answer, so read once gunicorn has stopped).
    assert "gunicorn.access" in loggers_in(web_log)


def run_to_the_end(command: list[str], environment: dict[str, str]) -> None:
    done = subprocess.run(
        command, cwd=REPOSITORY, env=environment, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stdout + done.stderr


def check_served(base: str, environment: dict[str, str], hashed_css: str) -> None:
    """What gunicorn at `base` answers, as the proxy and the HEALTHCHECK see it."""
    status, _, body = get(f"{base}/healthz")
    assert (status, json.loads(body)["status"]) == (200, "ok")

    # The image's HEALTHCHECK command, which reads gunicorn's port from GUNICORN_BIND.
    healthcheck = json.loads(dockerfile_instruction("HEALTHCHECK").split("CMD ", 1)[1])
    checked = subprocess.run(
        healthcheck,
        cwd=REPOSITORY,
        env=environment,
        timeout=30,
    )
    assert checked.returncode == 0

    # Plain HTTP is sent to HTTPS; what the proxy marks as HTTPS is served, with HSTS.
    status, headers, _ = get(f"{base}/")
    assert status == 301
    assert headers["Location"] == f"https://{base.removeprefix('http://')}/"
    status, headers, body = get(f"{base}/", {"X-Forwarded-Proto": "https"})
    assert status == 200, body[:2000]
    assert "max-age=31536000" in headers["Strict-Transport-Security"]
    assert hashed_css in body.decode()
    status, headers, _ = get(f"{base}/static/{hashed_css}", {"X-Forwarded-Proto": "https"})
    assert status == 200
    assert "immutable" in headers["Cache-Control"]


def records_in(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines() if line[:1] == "{"]


def loggers_in(log: Path) -> set[str]:
    return {record["logger"] for record in records_in(log)}


def listening_sockets(port: int) -> int:
    """How many sockets listen on 127.0.0.1:`port` (Linux's /proc/net/tcp; 0A: LISTEN)."""
    rows = [row.split() for row in Path("/proc/net/tcp").read_text().splitlines()[1:]]
    return sum(1 for row in rows if row[1] == f"0100007F:{port:04X}" and row[3] == "0A")


@pytest.mark.django_db
def test_gunicorn_workers_listen_on_sockets_of_their_own_freeze_startup_objects_and_log_no_access(
    environment, tmp_path
):
    port, log = free_port(), tmp_path / "web.log"
    web = start(
        entrypoint() + json.loads(dockerfile_instruction("CMD")),
        {
            **environment,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": "2",
            "GUNICORN_ACCESS_LOG": "0",
        },
        log,
    )
    try:
        wait_for(lambda: answers(f"http://127.0.0.1:{port}/healthz"), timeout=60, what="gunicorn")
        # The kernel spreads connections over the workers' sockets (reuse_port).
        wait_for(lambda: listening_sockets(port) == 2, timeout=30, what="both workers to listen")
        assert get(f"http://127.0.0.1:{port}/healthz")[0] == 200
    finally:
        stop(web)
    loggers = loggers_in(log)
    assert "gunicorn.error" in loggers
    assert "gunicorn.access" not in loggers
    # Each worker froze the objects it made while loading the site, once, and after loading it:
    # a worker holds about 21,000 objects before the site loads and 139,000 after.
    frozen = [
        int(found.group(1))
        for record in records_in(log)
        if (found := re.fullmatch(r"Froze (\d+) startup objects .*", record["message"]))
    ]
    assert len(frozen) == 2, frozen
    assert min(frozen) > 100_000
