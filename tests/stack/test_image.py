"""The image as shipped: its packages agree, it imports what production loads, and no more."""

import json
import subprocess
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.processes import REPOSITORY
from tests.stack.conftest import IMAGE, SECRET_KEY, report

# Everything the production settings name by dotted path, and the broker's transport class,
# imported inside the image: a missing or undeclared dependency fails here, not on the VM.
IMPORT_CHECK = """
import django
from django.conf import settings
from django.utils.module_loading import import_string

django.setup()
names = [
    settings.ROOT_URLCONF, settings.WSGI_APPLICATION, settings.EMAIL_BACKEND,
    *settings.INSTALLED_APPS, *settings.MIDDLEWARE,
    *(cache["BACKEND"] for cache in settings.CACHES.values()),
    *(storage["BACKEND"] for storage in settings.STORAGES.values()),
    *(validator["NAME"] for validator in settings.AUTH_PASSWORD_VALIDATORS),
    *(handler["class"] for handler in settings.LOGGING["handlers"].values()),
    *(template["BACKEND"] for template in settings.TEMPLATES),
    *settings.TEMPLATES[0]["OPTIONS"]["context_processors"],
]
for name in names:
    try:
        import_string(name)
    except ImportError:
        __import__(name)
from django.urls import get_resolver
get_resolver().url_patterns

from songrec_site.celery import app
app.loader.import_default_modules()
transport = app.connection_for_write().transport
print(type(transport).__module__, len(names))
"""


def in_image(*command: str, user: str = "") -> subprocess.CompletedProcess:
    options = ["--user", user] if user else []
    return subprocess.run(
        [
            "docker",
            "run",
            "--rm",
            "--network",
            "none",
            *options,
            "-e",
            f"SECRET_KEY={SECRET_KEY}",
            "-e",
            "EMAIL_URL=smtp+tls://user:password@smtp.example.com:587",
            "--entrypoint",
            command[0],
            IMAGE,
            *command[1:],
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def image() -> dict:
    inspected = subprocess.run(["docker", "image", "inspect", IMAGE], capture_output=True)
    if inspected.returncode != 0:
        pytest.fail(f"no image {IMAGE}: build it first with `make image`", pytrace=False)
    (details,) = json.loads(inspected.stdout)
    report(f"image {IMAGE}: {details['Size'] / 1e6:.0f} MB")
    return details


def test_the_installed_packages_agree_with_each_other(image) -> None:
    checked = in_image("pip", "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_every_module_production_loads_imports(image) -> None:
    checked = in_image("python", "-c", IMPORT_CHECK)
    assert checked.returncode == 0, checked.stderr[-3000:]
    assert checked.stdout.startswith("kombu.transport.redis "), checked.stdout


def test_no_development_package_is_installed(image) -> None:
    project = tomllib.loads((REPOSITORY / "pyproject.toml").read_text())["project"]
    development = {
        canonicalize_name(Requirement(requirement).name)
        for requirement in project["optional-dependencies"]["dev"]
    }
    listed = in_image("pip", "list", "--format", "json")
    installed = {canonicalize_name(package["name"]) for package in json.loads(listed.stdout)}
    assert installed, listed.stderr
    assert not development & installed


def test_it_runs_as_an_unprivileged_user(image) -> None:
    assert image["Config"]["User"] not in ("", "0", "root")
    who = in_image("id", "-u")
    assert who.stdout.strip() not in ("", "0")
