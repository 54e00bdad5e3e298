#!/usr/bin/env bash
# Deploys the latest commit of the checked-out branch on the VM:
#   sudo /opt/songrec/deploy/update.sh
# Backs up the database, pulls, rebuilds the image, runs migrations (the migrate service, which
# web and worker wait for) and restarts what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

"$(pwd)/deploy/backup.sh"
git pull --ff-only
docker-compose build
docker-compose --profile https up -d
docker image prune -f >/dev/null
docker-compose ps
