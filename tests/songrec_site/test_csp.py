"""A strict Content-Security-Policy on every answer, and templates that live within it."""

import re

import pytest
from django.conf import settings

from tests.processes import REPOSITORY

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# What the policy blocks in markup: an inline script, an inline style element or attribute, an
# event-handler attribute, a javascript: URL.
INLINE_SCRIPT_OR_STYLE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:", re.IGNORECASE
)


def project_templates() -> list:
    return sorted(
        path
        for pattern in ("templates/**/*.html", "*/templates/**/*.html")
        for path in REPOSITORY.glob(pattern)
        if ".venv" not in path.parts
    )


def test_the_policy_allows_nothing_inline():
    assert settings.CONTENT_SECURITY_POLICY == POLICY


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/search?q=boxer",
        "/api/search?q=boxer",
        "/accounts/log-in/",
        "/no-such-page",
        "/api/nothing",
        "/artists/%00/",
        "/admin/login/",
    ],
)
def test_every_answer_carries_the_policy(client, catalogue, url):
    response = client.get(url)

    assert response["Content-Security-Policy"] == POLICY


@pytest.mark.django_db
def test_pages_served_from_the_cache_carry_it_too(client, catalogue):
    url = catalogue["boxer"].get_absolute_url()
    first, second = client.get(url), client.get(url)

    assert first.status_code == second.status_code == 200
    assert second["Content-Security-Policy"] == POLICY


def test_no_template_has_inline_script_or_style():
    templates = project_templates()
    offending = {
        str(path.relative_to(REPOSITORY)): match.group(0)
        for path in templates
        if (match := INLINE_SCRIPT_OR_STYLE.search(path.read_text()))
    }

    assert len(templates) > 20
    assert offending == {}


@pytest.mark.django_db
def test_with_debug_on_errors_go_without_it_for_djangos_debug_pages(client, settings, catalogue):
    settings.DEBUG = True

    assert "Content-Security-Policy" not in client.get("/no-such-page")
    assert client.get("/")["Content-Security-Policy"] == POLICY
