#!/usr/bin/env bash
# Restores a dump written by deploy/backup.sh into the running db service:
#   sudo /opt/songrec/deploy/restore.sh /var/backups/songrec/songrec-20260101T033000Z.dump
#   sudo /opt/songrec/deploy/restore.sh gs://my-bucket/songrec-20260101T033000Z.dump
# Stops web and worker, replaces the database's contents, runs migrations, starts them again.
set -euo pipefail
cd "$(dirname "$0")/.."

source_dump="${1:?usage: restore.sh DUMP_FILE_OR_GS_URL}"
dump="$source_dump"
if [[ "$source_dump" == gs://* ]]; then
  dump="$(mktemp --suffix .dump)"
  gcloud storage cp "$source_dump" "$dump"
fi

docker-compose stop web worker
# shellcheck disable=SC2016
docker-compose exec -T db sh -c \
  'pg_restore --clean --if-exists --no-owner --single-transaction -U "$POSTGRES_USER" -d "$POSTGRES_DB"' \
  <"$dump"
docker-compose run --rm migrate
docker-compose --profile https up -d
echo "restored $source_dump"
