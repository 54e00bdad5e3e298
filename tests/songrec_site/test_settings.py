"""The base settings: safe defaults when the environment says nothing."""

import os
import re
import subprocess
import sys

from tests.processes import REPOSITORY

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


def test_the_quick_start_serves_with_debug_on():
    # `make run` serves static files through runserver, which needs DEBUG.
    makefile = (REPOSITORY / "Makefile").read_text()
    run_recipe = re.search(r"^run:.*?\n((?:\t.*\n)+)", makefile, flags=re.MULTILINE).group(1)

    assert re.search(r"^\tDEBUG=1 \S+ manage\.py runserver ", run_recipe, flags=re.MULTILINE)
