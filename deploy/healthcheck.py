"""The image's health check: /healthz of the gunicorn in this container answers 200.

The port is GUNICORN_BIND's, as gunicorn.conf.py reads it (default 8000).
"""

import os
import sys
import urllib.request

port = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000").rsplit(":", 1)[1]
try:
    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=4)
except OSError as error:
    sys.exit(f"/healthz on port {port}: {error}")
