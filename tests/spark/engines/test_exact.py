"""The exact engine on a small generated file (see conftest)."""

import pytest

from tests.spark.engines.checks import ENGINE_CHECKS


@pytest.mark.parametrize("check", ENGINE_CHECKS, ids=lambda check: check.__name__)
def test_the_exact_output(spark, generated, exact_run, check) -> None:
    check(spark, generated, exact_run)
