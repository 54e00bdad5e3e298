# Stand-in for python:3.11-slim-bookworm: Debian bookworm's own Python 3.11 with venv and pip.
FROM local/bookworm:12
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 python3-venv python-is-python3 \
    && rm -rf /var/lib/apt/lists/*
LABEL org.songrec.standin="python:3.11-slim-bookworm"
CMD ["python3"]
