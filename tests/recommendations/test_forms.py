"""The admin's start form: which inputs it takes and which job options each engine gets."""

from pathlib import Path

import pytest
from django.urls import reverse

from recommendations.forms import StartBuildForm
from recommendations.models import Build
from tests.playlists_csv import FIRST, REFUSED_INPUTS, write_playlists_csv

OPTIONS = {"lsh_bands": "50", "hash_tables": "20", "max_distance": "0.9"}


@pytest.fixture
def source(tmp_path) -> str:
    return str(write_playlists_csv(tmp_path / "a.csv", FIRST))


@pytest.mark.parametrize(
    ("engine", "expected"),
    [
        ("auto", {"engine": "auto", "lsh-bands": 50}),
        ("exact", {"engine": "exact"}),
        ("minhash", {"engine": "minhash", "lsh-bands": 50}),
        ("mllib", {"engine": "mllib", "hash-tables": 20, "max-distance": 0.9}),
    ],
)
def test_each_engine_gets_only_its_own_options(source: str, engine: str, expected: dict) -> None:
    form = StartBuildForm({"input_path": source, "k": "5", "engine": engine, **OPTIONS})

    assert form.is_valid(), form.errors
    assert form.job_arguments() == expected


def test_blank_options_are_left_to_the_job(source: str) -> None:
    form = StartBuildForm({"input_path": source, "k": "5", "engine": "mllib"})

    assert form.is_valid(), form.errors
    assert form.job_arguments() == {"engine": "mllib"}


def test_an_unknown_engine_is_refused(source: str) -> None:
    form = StartBuildForm({"input_path": source, "k": "5", "engine": "fastest"})

    assert not form.is_valid()
    assert "engine" in form.errors


@pytest.mark.django_db
def test_the_admin_start_page_offers_the_engines(admin_client) -> None:
    page = admin_client.get(reverse("admin:recommendations_build_start")).text

    for engine in ("auto", "exact", "minhash", "mllib"):
        assert f'value="{engine}"' in page


def test_the_form_hands_on_the_checked_path(source: str) -> None:
    form = StartBuildForm({"input_path": source, "k": "5", "engine": "auto"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["input_path"] == str(Path(source).resolve())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "message"),
    REFUSED_INPUTS,
)
def test_the_admin_start_page_refuses_an_input_it_cannot_build(
    admin_client, tmp_path, path, message: str
) -> None:
    given = str(path(tmp_path))

    response = admin_client.post(
        reverse("admin:recommendations_build_start"),
        {"input_path": given, "k": "5", "engine": "auto"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["input_path"][0].startswith(f"{given} {message}")
    assert message in response.text
    assert not Build.objects.exists()


def test_the_admin_start_page_offers_the_files_it_can_build_and_names_the_directories(
    admin_client, settings, source: str
) -> None:
    settings.SONGREC_INPUT_DIRS = [str(Path(source).parent), "gs://bucket/playlists"]

    page = admin_client.get(reverse("admin:recommendations_build_start")).text

    resolved = str(Path(source).resolve())
    assert 'list="input-files"' in page
    assert f'<option value="{resolved}"></option>' in page
    assert f"<li><code>{resolved}</code></li>" in page
    assert f"<code>{Path(source).parent}</code>, <code>gs://bucket/playlists</code>" in page
