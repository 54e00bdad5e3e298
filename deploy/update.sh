#!/usr/bin/env bash
# Deploys the latest commit of the checked-out branch on the VM:
#   sudo /opt/songrec/deploy/update.sh
# Backs up the database, pulls, rebuilds the image, runs migrations (the migrate service, which
# web and worker wait for), restarts what changed and empties the page cache.
set -euo pipefail
cd "$(dirname "$0")/.."

"$(pwd)/deploy/backup.sh"
git pull --ff-only
docker-compose build
docker-compose --profile https up -d
# Cached pages were rendered by the previous code: start the new one with an empty cache.
docker-compose exec -T cache redis-cli FLUSHALL >/dev/null
docker image prune -f >/dev/null
docker-compose ps
