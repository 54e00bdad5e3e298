import logging
import os
import sys

import pytest

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
