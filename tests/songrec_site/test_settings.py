"""The base settings: safe defaults when the environment says nothing."""

import os
import re
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from tests.processes import REPOSITORY, wait_for

# Imports the base settings with the .env file ignored, so that a developer's own file cannot
# set what is being tested, and prints what they say.
READ_SETTINGS = (
    "import environ; environ.Env.read_env = lambda *arguments, **keywords: None; "
    "from songrec_site import settings; print(settings.DEBUG, settings.ALLOWED_HOSTS)"
)


def base_settings_output(**environment: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", READ_SETTINGS],
        cwd=REPOSITORY,
        env={"PATH": os.environ["PATH"], **environment},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_debug_is_off_unless_the_environment_turns_it_on(tmp_path):
    data = str(tmp_path)

    assert base_settings_output(SONGREC_DATA_DIR=data).startswith("False ")
    assert base_settings_output(SONGREC_DATA_DIR=data, DEBUG="1").startswith("True ")


def test_without_debug_the_local_host_names_are_still_allowed(tmp_path):
    output = base_settings_output(SONGREC_DATA_DIR=str(tmp_path))

    assert output == "False ['127.0.0.1', 'localhost', '[::1]']"


def run_recipe() -> str:
    makefile = (REPOSITORY / "Makefile").read_text()
    return re.search(r"^run:.*?\n((?:\t.*\n)+)", makefile, flags=re.MULTILINE).group(1)


def free_port() -> int:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        return listener.getsockname()[1]


def fetch(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def answering(url: str) -> bool:
    try:
        fetch(url)
    except OSError:
        return False
    return True


@pytest.fixture
def quick_start_server(tmp_path) -> Iterator[str]:
    """`manage.py runserver` as `make run` starts it (the environment it sets and no other), on
    a free port; its address."""
    line = next(line for line in run_recipe().splitlines() if "manage.py runserver" in line)
    assignments = dict(re.findall(r"(\w+)=(\S+)\s", line.split("$(BIN)/python")[0]))
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=REPOSITORY,
        env={"PATH": os.environ["PATH"], "SONGREC_DATA_DIR": str(tmp_path), **assignments},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: answering(url + "/healthz"), timeout=60, what="runserver")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_quick_start_shows_the_sites_own_404_page_and_its_styles(quick_start_server):
    status, kind, html = fetch(quick_start_server + "/no-such-page")

    assert status == 404
    assert "We couldn't find that page" in html
    assert "URLconf" not in html
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', html).group(1)
    status, kind, css = fetch(quick_start_server + stylesheet)
    assert (status, kind) == (200, 'text/css; charset="utf-8"')
    assert ".song-card" in css
