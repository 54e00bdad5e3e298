#!/usr/bin/env bash
# The VM's startup script (runs as root at every boot): installs Docker and Compose from
# Debian's packages, clones or updates the repository in /opt/songrec, writes .env from
# deploy/env.template on the first boot (random secret key and database password), installs
# the nightly backup and starts the stack behind Caddy. Settings come from the instance
# metadata written by deploy/create-vm.sh.
set -euo pipefail

APP_DIR=/opt/songrec
metadata() {
  curl -fsS -H "Metadata-Flavor: Google" \
    "http://metadata.google.internal/computeMetadata/v1/instance/attributes/$1" || true
}

if ! command -v docker >/dev/null || ! command -v docker-compose >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io docker-compose git curl
fi
systemctl enable --now docker

repository=$(metadata songrec-repository)
branch=$(metadata songrec-branch)
if [ ! -d "$APP_DIR/.git" ]; then
  git clone --branch "${branch:-main}" "$repository" "$APP_DIR"
fi
cd "$APP_DIR"

if [ ! -f .env ]; then
  domain=$(metadata songrec-domain)
  email=$(metadata songrec-acme-email)
  secret_key=$(openssl rand -hex 32)
  db_password=$(openssl rand -hex 24)
  sed -e "s|songrec.example.com|$domain|g" \
    -e "s|^ACME_EMAIL=.*|ACME_EMAIL=$email|" \
    -e "s|^SECRET_KEY=.*|SECRET_KEY=$secret_key|" \
    -e "s|change-me-too|$db_password|g" \
    deploy/env.template >.env
  chmod 600 .env
fi

bucket=$(metadata songrec-backup-bucket)
cat >/etc/cron.d/songrec-backup <<CRON
# Nightly PostgreSQL dump (deploy/backup.sh), kept 14 days on the VM$([ -n "$bucket" ] && echo " and copied to gs://$bucket").
30 3 * * * root BACKUP_BUCKET=$bucket $APP_DIR/deploy/backup.sh >>/var/log/songrec-backup.log 2>&1
CRON

docker-compose --profile https up -d --build
