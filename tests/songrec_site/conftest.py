"""Fixtures the site-wide tests share: the accounts tests' small catalogue (songs, an active
build, a stale one) and the cache in Redis."""

import uuid

import pytest
import redis

from songrec_site.page_cache import LOCAL_PAGES
from tests.accounts.conftest import catalogue  # noqa: F401

REDIS_TEST_URL = "redis://localhost:6379/12"


@pytest.fixture
def redis_cache(settings):
    """The default cache in Redis (as in production), under a key prefix of this test's own."""
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "songrec_site.cache.RedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": prefix,
        },
        LOCAL_PAGES: {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": prefix,
        },
    }
    yield
    client = redis.Redis.from_url(REDIS_TEST_URL)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    client.close()
