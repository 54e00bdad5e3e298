"""gunicorn's settings for songrec (read from the working directory or with --config).

Environment: GUNICORN_BIND (default 0.0.0.0:8000), WEB_CONCURRENCY (worker processes, default
one per CPU), GUNICORN_THREADS (threads per worker, default 4), GUNICORN_KEEPALIVE (seconds an
idle connection is kept, default 5), GUNICORN_TIMEOUT (seconds), GUNICORN_ACCESS_LOG (1: a line
per request, the default; 0: none, for when the proxy in front logs every request already).
Logs: JSON lines on stdout, like the site's own.

Threaded workers (gthread) keep connections open between requests, so the proxy in front reuses
them instead of opening one per request as with sync workers; and a worker waiting on PostgreSQL
serves another request meanwhile. Python runs one thread at a time per process, so one process
per CPU is enough (docs/benchmarks.md has the measurements).
"""

import gc
import multiprocessing
import os

from gunicorn.workers.base import Worker

from songrec_site.jsonlog import json_logging

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
backlog = 2048
# Each worker listens on a socket of its own (SO_REUSEPORT) and the kernel spreads new
# connections evenly over them. On one shared socket, whichever worker wakes first takes a
# burst of connections: 16 of the proxy's or a load test's keep-alive connections could all
# land in one worker, which then uses one core while the other idles, and the requests served
# per second fall with it (docs/benchmarks.md, web_load).
reuse_port = True
# Requests come from the reverse proxy on the same host or network.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
log_each_request = os.environ.get("GUNICORN_ACCESS_LOG", "1") == "1"
accesslog = "-" if log_each_request else None
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
logconfig_dict = json_logging("INFO", loggers=("gunicorn.error", "gunicorn.access"))
if not log_each_request:
    # gunicorn writes access records whenever a logging configuration is given, whatever
    # `accesslog` says: switch its access logger off instead.
    logconfig_dict["loggers"]["gunicorn.access"] = {"level": "CRITICAL", "propagate": False}


def post_worker_init(worker: Worker) -> None:
    """Take what the worker made while loading the site out of the garbage collector's reach.

    Django's startup leaves about 140,000 objects that live as long as the process. Every full
    collection walked them all, 80 to 135 ms in which none of the worker's threads ran, so the
    slowest song pages under load were mostly requests waiting one out (docs/benchmarks.md,
    web_load: frozen startup objects). Frozen, they are never scanned again.
    """
    gc.freeze()
    worker.log.info(
        "Froze %d startup objects out of the garbage collector's reach", gc.get_freeze_count()
    )
