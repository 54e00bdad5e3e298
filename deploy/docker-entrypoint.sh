#!/bin/sh
# The image's entrypoint: waits for the database in DATABASE_URL (PostgreSQL may still be
# starting), then runs the command (gunicorn, celery, manage.py ..., spark-class ...).
# Set SONGREC_WAIT_FOR_DB=0 to skip the wait, e.g. on a Spark master that needs no database.
set -eu

if [ "${SONGREC_WAIT_FOR_DB:-1}" != "0" ]; then
  python -m songrec_site.wait_for_db --timeout "${SONGREC_WAIT_FOR_DB_SECONDS:-60}"
fi
exec "$@"
