"""Django's Redis cache backend, with one Redis client per connection pool.

Django's client wraps its connection pool in a new `redis.Redis` for every cache operation, and
building one costs more than the GET itself (docs/benchmarks.md, page_cost): most of the cost of
a page served from the cache. A `redis.Redis` is safe to share between threads (each command takes
its own connection from the pool), so this client builds one per pool and keeps it.
"""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write: bool = False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    """`django.core.cache.backends.redis.RedisCache` with the client above."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
