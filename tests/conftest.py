import logging
import os
import sys
from collections.abc import Iterator

import pytest

from spark import contract

TEST_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}
}


@pytest.fixture(autouse=True)
def empty_cache(settings):
    """Each test starts with an empty cache of this process's memory, whatever CACHE_URL says:
    pages and the active build cached by one test must not answer the next."""
    from django.core.cache import cache

    from recommendations.selectors import forget_active_build_id

    settings.CACHES = TEST_CACHE
    cache.clear()
    forget_active_build_id()


@pytest.fixture(autouse=True)
def input_dirs(settings, tmp_path_factory):
    """Builds may read the inputs tests write to their temporary directories (and nothing else
    but what a test allows itself)."""
    settings.SONGREC_INPUT_DIRS = [str(tmp_path_factory.getbasetemp())]


@pytest.fixture
def browser(live_server, monkeypatch) -> Iterator:
    """Chromium, headless, for pages of the live server: `browser.new_page(base_url=...)`.

    Start it after the test's data is in the database (ask for those fixtures first)."""
    from tests.browser import chromium

    with chromium(monkeypatch) as browser:
        yield browser


@pytest.fixture(scope="session")
def spark():
    """One small local SparkSession for every test that needs Spark."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("songrec-tests")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    logging.getLogger("py4j").setLevel(logging.WARNING)
    yield session
    session.stop()


@pytest.fixture
def job_summary() -> contract.Summary:
    """A whole summary as the job writes it, for tests of what reads or writes one."""
    return contract.Summary(
        input="playlists.csv",
        engine="exact",
        engine_requested="auto",
        engine_reason="auto: within the exact budget",
        k=2,
        parameters={"seed": 1},
        lines_read=13,
        rejected=1,
        records=12,
        rejected_by_reason={"not four quoted fields": 1},
        songs=6,
        playlists=5,
        memberships=11,
        estimated_pairs=32,
        neighbours_in="driver",
        neighbour_rows=10,
        counts={"blocks": 1, "output_rows": 10},
        recall={"at": 2, "recall": 1.0, "songs": 4},
        recall_at_10=1.0,
        seconds={"read": 1.5, "normalise": 0.5},
    )
