"""The production stack as docker-compose runs it, on this machine's Docker engine.

The image (`make image`) and the stand-in bases come from tests/stack/build-image.sh. The compose
file is the repository's, with two changes the tests make and nothing else: its published ports
are left out (they cannot go with the host's network in Compose 1.29) and
docker-compose.test.yml puts every container on the host's network at loopback ports of its own.
Every service reads an env file written from deploy/env.template. The deploy scripts run as they
are: COMPOSE_FILE and COMPOSE_PROJECT_NAME point their docker-compose at the test stack.
"""

import json
import os
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
import pytest
import yaml

from tests.processes import REPOSITORY, wait_for
from tests.stack.client import Browser, Reply

IMAGE = os.environ.get("SONGREC_IMAGE", "songrec:latest")
PROJECT = "songrec-stack-test"
TEST_OVERRIDE = REPOSITORY / "tests" / "stack" / "docker-compose.test.yml"
# The loopback ports of docker-compose.test.yml.
WEB = "http://127.0.0.1:18000"
DB_PORT = 15432
SECRET_KEY = "stack-test-" + "k" * 50
DB_PASSWORD = "stack-test-password"
ADMIN = ("stackadmin", "a-long-stack-test-password-1")
DATASET = "/data/playlists.csv"
DATASET_ROWS = 20000


def env_file(path: Path) -> Path:
    """deploy/env.template filled in as an operator would, for loopback and a small machine."""
    replacements = {
        "SITE_DOMAIN=songrec.example.com": "SITE_DOMAIN=localhost",
        "ALLOWED_HOSTS=songrec.example.com": "ALLOWED_HOSTS=127.0.0.1,localhost",
        "CSRF_TRUSTED_ORIGINS=https://songrec.example.com": (
            "CSRF_TRUSTED_ORIGINS=https://localhost:18443"
        ),
        "change-me-to-a-random-key-of-at-least-fifty-characters-0000000000": SECRET_KEY,
        "change-me-too": DB_PASSWORD,
        "@db:5432/": f"@db:{DB_PORT}/",
        "SPARK_DRIVER_MEMORY=4g": "SPARK_DRIVER_MEMORY=1g",
        "SPARK_EXECUTOR_MEMORY=4g": "SPARK_EXECUTOR_MEMORY=1g",
        # No mail server here: reset links in the logs are what the tests want.
        "SONGREC_ALLOW_CONSOLE_EMAIL=false": "SONGREC_ALLOW_CONSOLE_EMAIL=true",
    }
    text = (REPOSITORY / "deploy" / "env.template").read_text()
    for old, new in replacements.items():
        assert old in text, f"deploy/env.template no longer has {old!r}"
        text = text.replace(old, new)
    path.write_text(text)
    return path


def compose_without_ports(path: Path) -> Path:
    """docker-compose.yml without published ports, its relative paths made absolute."""
    compose = yaml.safe_load((REPOSITORY / "docker-compose.yml").read_text())
    for service in compose["services"].values():
        service.pop("ports", None)
        if service.get("build") == ".":
            service["build"] = str(REPOSITORY)
        service["volumes"] = [
            str(REPOSITORY / volume[2:]) if volume.startswith("./") else volume
            for volume in service.get("volumes", [])
        ]
    path.write_text(yaml.safe_dump(compose, sort_keys=False))
    return path


@dataclass
class Stack:
    directory: Path
    environment: dict[str, str] = field(default_factory=dict)

    def compose(self, *arguments: str, timeout: float = 600, check: bool = True) -> str:
        finished = self.run("docker-compose", *arguments, timeout=timeout)
        if check and finished.returncode != 0:
            raise AssertionError(
                f"docker-compose {' '.join(arguments)} exited with {finished.returncode}:\n"
                f"{finished.stdout[-3000:]}\n{finished.stderr[-3000:]}"
            )
        return finished.stdout

    def run(
        self, *command: str, env_extra: dict[str, str] | None = None, timeout: float = 600
    ) -> subprocess.CompletedProcess:
        """A deploy script or docker command with the test stack's compose settings."""
        return subprocess.run(
            command,
            cwd=REPOSITORY,
            env={**self.environment, **(env_extra or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def manage(self, *arguments: str, service: str = "worker") -> str:
        return self.compose("exec", "-T", service, "python", "manage.py", *arguments)

    def container(self, service: str) -> dict:
        (container_id,) = self.compose("ps", "-q", service).split()
        inspected = subprocess.run(
            ["docker", "inspect", container_id], capture_output=True, text=True, check=True
        )
        return json.loads(inspected.stdout)[0]

    def query(self, sql: str, parameters: tuple = ()) -> list[tuple]:
        with (
            psycopg2.connect(
                host="127.0.0.1",
                port=DB_PORT,
                user="songrec",
                password=DB_PASSWORD,
                dbname="songrec",
            ) as connection,
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, parameters)
            rows = cursor.fetchall()
        connection.close()
        return rows

    def database_answers(self) -> bool:
        try:
            self.query("SELECT 1")
        except psycopg2.OperationalError:
            return False
        return True

    def web_answers(self) -> bool:
        try:
            return Browser(WEB).get("/healthz").status == 200
        except OSError:
            return False

    def wait_until_healthy(self, timeout: float = 120) -> float:
        started = time.monotonic()
        wait_for(self.web_answers, timeout=timeout, what="web's /healthz to answer 200")
        return time.monotonic() - started

    def browser(self) -> Browser:
        """A browser talking to gunicorn directly, as Caddy does: over HTTP, said to be HTTPS."""
        return Browser(
            WEB, headers={"X-Forwarded-Proto": "https"}, origin=WEB.replace("http:", "https:")
        )

    def active_build(self) -> tuple[int, int] | None:
        rows = self.query("SELECT id, neighbour_count FROM recommendations_build WHERE is_active")
        return rows[0] if rows else None


REPORT = REPOSITORY / "build" / "stack-report.txt"


def report(line: str) -> None:
    """A measured figure: printed (seen with -s) and added to build/stack-report.txt."""
    print(line)
    REPORT.parent.mkdir(exist_ok=True)
    with REPORT.open("a") as out:
        out.write(line + "\n")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The restore drill replaces the stack's database: it runs after every other stack test."""
    items.sort(key=lambda item: item.path == Path(__file__).with_name("test_backup.py"))


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> Iterator[Stack]:
    inspected = subprocess.run(["docker", "image", "inspect", IMAGE], capture_output=True)
    if inspected.returncode != 0:
        pytest.fail(f"no image {IMAGE}: build it first with `make image`", pytrace=False)
    directory = tmp_path_factory.mktemp("stack")
    base = compose_without_ports(directory / "docker-compose.yml")
    stack = Stack(
        directory,
        {
            **os.environ,
            "COMPOSE_FILE": f"{base}:{TEST_OVERRIDE}",
            "COMPOSE_PROJECT_NAME": PROJECT,
            "SONGREC_ENV_FILE": str(env_file(directory / "env")),
            "SONGREC_IMAGE": IMAGE,
        },
    )
    stack.compose("--profile", "spark", "--profile", "https", "down", "-v", "--remove-orphans")
    REPORT.unlink(missing_ok=True)
    started = time.monotonic()
    stack.compose("up", "-d", "--no-build", "web", "worker")
    report(
        f"stack: `up -d web worker` to /healthz 200: {stack.wait_until_healthy():.1f} s "
        f"({time.monotonic() - started:.1f} s with the command)"
    )
    try:
        yield stack
    finally:
        (directory / "compose.log").write_text(
            stack.compose(
                "--profile", "spark", "--profile", "https", "logs", "--no-color", check=False
            )
        )
        stack.compose("--profile", "spark", "--profile", "https", "down", "-v", check=False)


@dataclass
class Site:
    """What the stack serves once the admin's rebuild has run: who ran it, what it holds."""

    build_id: int
    worker: str
    song_id: int
    favourite_key: int
    build_seconds: float


def start_rebuild(browser: Browser, **fields: str) -> Reply:
    return browser.post_form(
        "/admin/recommendations/build/start/",
        {"input_path": DATASET, "k": "10", "engine": "exact", **fields},
    )


def wait_for_build(stack: Stack, build_id: int, timeout: float = 300) -> tuple:
    def finished():
        rows = stack.query(
            "SELECT status, error, worker FROM recommendations_build WHERE id = %s", (build_id,)
        )
        return rows[0] if rows and rows[0][0] in ("complete", "failed", "cancelled") else None

    return wait_for(finished, timeout=timeout, what=f"build {build_id} to finish")


@pytest.fixture(scope="session")
def site(stack: Stack) -> Site:
    """A staff user starts a rebuild from the admin through web; the worker container runs it.
    Then the staff user keeps one of the songs as a favourite."""
    stack.compose(
        "exec",
        "-T",
        "-e",
        f"DJANGO_SUPERUSER_PASSWORD={ADMIN[1]}",
        "web",
        "python",
        "manage.py",
        "createsuperuser",
        "--no-input",
        "--username",
        ADMIN[0],
        "--email",
        "admin@example.com",
    )
    stack.compose(
        "exec",
        "-T",
        "worker",
        "python",
        "-m",
        "generator.synthetic",
        "--rows",
        str(DATASET_ROWS),
        "--seed",
        "1",
        "--planted",
        "5",
        "--out",
        DATASET,
    )
    browser = stack.browser()
    logged_in = browser.log_in(*ADMIN, path="/admin/login/?next=/admin/")
    assert logged_in.url.endswith("/admin/"), logged_in.text[-2000:]

    started = time.monotonic()
    queued = start_rebuild(browser)
    assert "queued" in queued.text, queued.text[-2000:]
    (build_id,) = stack.query("SELECT max(id) FROM recommendations_build")[0]
    status, error, worker = wait_for_build(stack, build_id)
    assert status == "complete", error
    build_seconds = time.monotonic() - started

    ((song_id, song_key),) = stack.query(
        "SELECT s.id, s.key FROM catalog_song s JOIN recommendations_neighbour n "
        "ON n.song_key = s.key AND n.build_id = %s ORDER BY s.id LIMIT 1",
        (build_id,),
    )
    favourited = browser.post_form(
        f"/songs/{song_id}/favourite", {}, form_path=f"/songs/{song_id}/"
    )
    assert favourited.status == 200, favourited.status
    assert stack.query("SELECT song_key FROM accounts_favourite") == [(song_key,)]
    return Site(build_id, worker, song_id, song_key, build_seconds)
