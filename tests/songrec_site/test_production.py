"""The production settings: `check --deploy` clean, no start without a secret key, JSON logs."""

import json
import logging
import os
import subprocess
import sys

import pytest

from songrec_site.jsonlog import JsonLinesFormatter
from tests.processes import REPOSITORY

PRODUCTION = "songrec_site.settings_production"
SECRET_KEY = "k3Y-" + "x7Qz9vLp2mWn8rTb5sHd4gFj6cAe1uYo0iKl3" * 2
# A mail server, as production needs; nothing connects to it.
SMTP_URL = "smtp+tls://user:password@smtp.example.com:587"


def manage(*arguments: str, **environment: str) -> subprocess.CompletedProcess:
    child_environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": PRODUCTION,
        "EMAIL_URL": SMTP_URL,
        **environment,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=REPOSITORY,
        env=child_environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=SECRET_KEY)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_start_without_secret_key_fails_with_a_clear_message():
    environment = {name: value for name, value in os.environ.items() if name != "SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPOSITORY,
        env={**environment, "DJANGO_SETTINGS_MODULE": PRODUCTION},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is missing or too weak" in result.stderr


def test_the_development_key_is_refused_too():
    result = manage("check", SECRET_KEY="insecure-development-key-change-me" + "x" * 40)

    assert result.returncode != 0
    assert "SECRET_KEY is missing or too weak" in result.stderr


@pytest.mark.parametrize(
    "email_url", ["consolemail://", "filemail:///tmp/songrec-mail", "memorymail://", "dummymail://"]
)
def test_mail_kept_on_the_machine_is_refused_unless_asked_for(email_url):
    refused = manage("check", SECRET_KEY=SECRET_KEY, EMAIL_URL=email_url)
    allowed = manage(
        "check", SECRET_KEY=SECRET_KEY, EMAIL_URL=email_url, SONGREC_ALLOW_CONSOLE_EMAIL="true"
    )

    assert refused.returncode != 0
    assert "ImproperlyConfigured: EMAIL_URL gives" in refused.stderr
    assert "password-reset links" in refused.stderr
    assert allowed.returncode == 0, allowed.stderr


def test_the_env_template_asks_for_a_mail_server():
    template = (REPOSITORY / "deploy" / "env.template").read_text()

    assert "SONGREC_ALLOW_CONSOLE_EMAIL=false" in template.splitlines()
    assert "# EMAIL_URL=smtp+tls://" in template


def test_production_settings_harden_cookies_transport_and_static_files():
    code = (
        "from django.conf import settings as s; import json; print(json.dumps(["
        "s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        "s.SECURE_HSTS_SECONDS, list(s.SECURE_PROXY_SSL_HEADER),"
        "s.STORAGES['staticfiles']['BACKEND'], s.LOGGING['root']['handlers']]))"
    )
    result = manage("shell", "-c", code, SECRET_KEY=SECRET_KEY)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == [
        False,
        True,
        True,
        True,
        31536000,
        ["HTTP_X_FORWARDED_PROTO", "https"],
        "songrec_site.storage.StaticFilesStorage",
        ["stdout"],
    ]


def test_production_believes_x_forwarded_for_from_caddy_alone():
    code = (
        "from django.conf import settings as s; import json;"
        "print(json.dumps([s.SONGREC_PROXY_COUNT, s.SONGREC_TRUSTED_PROXIES]))"
    )
    result = manage("shell", "-c", code, SECRET_KEY=SECRET_KEY)

    assert result.returncode == 0, result.stderr
    proxies, trusted = json.loads(result.stdout.splitlines()[-1])
    assert proxies == 1
    # Loopback (host networking, the stack tests) and Docker's compose networks; no public range.
    assert trusted == ["private"]


def test_log_records_become_one_json_object_per_line():
    record = logging.makeLogRecord(
        {"name": "songrec", "levelname": "WARNING", "msg": "build %s failed", "args": (7,)}
    )
    record.build_id = 7
    try:
        raise ValueError("disk full")
    except ValueError:
        record.exc_info = sys.exc_info()

    line = JsonLinesFormatter().format(record)

    assert "\n" not in line.replace("\\n", "")
    entry = json.loads(line)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "songrec"
    assert entry["message"] == "build 7 failed"
    assert entry["build_id"] == 7
    assert "ValueError: disk full" in entry["exception"]
    assert entry["time"].endswith("+00:00")
