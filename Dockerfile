# One image for the web server (gunicorn), the Celery worker and the Spark driver/cluster.
#   docker build -t songrec .
# Commands: the default is gunicorn; see docker-compose.yml for the worker and Spark.

# Build stage: the project's dependencies (pyproject.toml) in a virtual environment.
# WHEELS_URL: install from that wheel directory alone instead of the package index (the tests
# build the image where the index is out of reach: tests/stack/build-image.sh).
FROM python:3.11-slim-bookworm AS build
ARG WHEELS_URL=""
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
# Then out go what nothing imports at run time: the packages' own test suites, C headers and
# Spark Connect's REPL (about 160 MB).
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir ${WHEELS_URL:+--no-index --find-links "$WHEELS_URL"} . \
    && find /opt/venv/lib/python3.11/site-packages -mindepth 2 -type d -name tests -prune \
        -exec rm -rf {} + \
    && rm -rf /opt/venv/lib/python3.11/site-packages/pyarrow/include \
        /opt/venv/lib/python3.11/site-packages/pyspark/jars/connect-repl

# Runtime stage: Python, a Java 17 runtime for Spark, the virtual environment and the code.
FROM python:3.11-slim-bookworm AS runtime
# procps: Spark's launch scripts call ps.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends openjdk-17-jre-headless procps \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 songrec \
    && useradd --system --uid 10001 --gid songrec --home-dir /app --shell /usr/sbin/nologin songrec \
    && mkdir -p /data \
    && chown songrec:songrec /data
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=songrec_site.settings_production \
    SONGREC_DATA_DIR=/data \
    PYSPARK_PYTHON=/opt/venv/bin/python \
    SPARK_LOCAL_DIRS=/tmp \
    SPARK_WORKER_DIR=/tmp/spark-worker \
    NUMBA_CACHE_DIR=/data/numba-cache \
    XDG_CACHE_HOME=/data/cache
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY . .
# Static files are collected into the image (hashed and compressed); the throwaway key and the
# mail opt-in exist only for this command, which must load the production settings.
RUN SECRET_KEY="collectstatic-$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    SONGREC_ALLOW_CONSOLE_EMAIL=true \
    SONGREC_DATA_DIR=/tmp/songrec-build python manage.py collectstatic --no-input \
    && rm -rf /tmp/songrec-build
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "deploy/healthcheck.py"]
ENTRYPOINT ["/app/deploy/docker-entrypoint.sh"]
CMD ["gunicorn", "--config", "gunicorn.conf.py", "songrec_site.wsgi"]
