"""The admin's start form: which job options each engine gets."""

import pytest
from django.urls import reverse

from recommendations.forms import StartBuildForm

OPTIONS = {"lsh_bands": "50", "hash_tables": "20", "max_distance": "0.9"}


@pytest.mark.parametrize(
    ("engine", "expected"),
    [
        ("auto", {"engine": "auto", "lsh-bands": 50}),
        ("exact", {"engine": "exact"}),
        ("minhash", {"engine": "minhash", "lsh-bands": 50}),
        ("mllib", {"engine": "mllib", "hash-tables": 20, "max-distance": 0.9}),
    ],
)
def test_each_engine_gets_only_its_own_options(engine: str, expected: dict) -> None:
    form = StartBuildForm({"input_path": "a.csv", "k": "5", "engine": engine, **OPTIONS})

    assert form.is_valid(), form.errors
    assert form.job_arguments() == expected


def test_blank_options_are_left_to_the_job() -> None:
    form = StartBuildForm({"input_path": "a.csv", "k": "5", "engine": "mllib"})

    assert form.is_valid(), form.errors
    assert form.job_arguments() == {"engine": "mllib"}


def test_an_unknown_engine_is_refused() -> None:
    form = StartBuildForm({"input_path": "a.csv", "k": "5", "engine": "fastest"})

    assert not form.is_valid()
    assert "engine" in form.errors


@pytest.mark.django_db
def test_the_admin_start_page_offers_the_engines(admin_client) -> None:
    page = admin_client.get(reverse("admin:recommendations_build_start")).text

    for engine in ("auto", "exact", "minhash", "mllib"):
        assert f'value="{engine}"' in page
