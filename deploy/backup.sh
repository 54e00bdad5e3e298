#!/usr/bin/env bash
# Dumps the songrec database (pg_dump, custom format) to $BACKUP_DIR, keeps $KEEP_DAYS days of
# dumps, and copies each to gs://$BACKUP_BUCKET when that is set. Installed as a nightly cron job
# by deploy/startup.sh; restore with deploy/restore.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

BACKUP_DIR="${BACKUP_DIR:-/var/backups/songrec}"
KEEP_DAYS="${KEEP_DAYS:-14}"
BACKUP_BUCKET="${BACKUP_BUCKET:-}"

mkdir -p "$BACKUP_DIR"
dump="$BACKUP_DIR/songrec-$(date -u +%Y%m%dT%H%M%SZ).dump"
# The variables are the db container's own (POSTGRES_USER, POSTGRES_DB from the env file).
# shellcheck disable=SC2016
docker-compose exec -T db sh -c 'pg_dump --format=custom -U "$POSTGRES_USER" "$POSTGRES_DB"' \
  >"$dump.partial"
mv "$dump.partial" "$dump"
echo "wrote $dump ($(du -h "$dump" | cut -f1))"

if [ -n "$BACKUP_BUCKET" ]; then
  gcloud storage cp "$dump" "gs://$BACKUP_BUCKET/"
fi
find "$BACKUP_DIR" -name 'songrec-*.dump' -mtime +"$KEEP_DAYS" -delete
