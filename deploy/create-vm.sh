#!/usr/bin/env bash
# Creates the Compute Engine VM that runs the songrec stack, with a static address and a
# firewall rule for HTTP and HTTPS. Run from the repository root, with gcloud logged in:
#   PROJECT=my-project SITE_DOMAIN=songrec.example.com ACME_EMAIL=me@example.com \
#     REPOSITORY_URL=https://github.com/me/songrec.git deploy/create-vm.sh
# The VM's startup script (deploy/startup.sh) installs Docker and Compose, clones the
# repository, writes /opt/songrec/.env and starts the stack with Caddy in front.
set -euo pipefail

: "${PROJECT:?set PROJECT to the Google Cloud project id}"
: "${SITE_DOMAIN:?set SITE_DOMAIN to the site name, e.g. songrec.example.com}"
: "${ACME_EMAIL:?set ACME_EMAIL to the address that certificate notices go to}"
: "${REPOSITORY_URL:?set REPOSITORY_URL to the git URL the VM clones}"
REGION="${REGION:-europe-west1}"
ZONE="${ZONE:-${REGION}-b}"
VM_NAME="${VM_NAME:-songrec}"
MACHINE_TYPE="${MACHINE_TYPE:-e2-standard-4}"
DISK_SIZE="${DISK_SIZE:-100GB}"
BRANCH="${BRANCH:-main}"
BACKUP_BUCKET="${BACKUP_BUCKET:-}"

cd "$(dirname "$0")/.."
gcloud config set project "$PROJECT"
gcloud services enable compute.googleapis.com

if ! gcloud compute addresses describe "$VM_NAME-ip" --region "$REGION" >/dev/null 2>&1; then
  gcloud compute addresses create "$VM_NAME-ip" --region "$REGION"
fi
address=$(gcloud compute addresses describe "$VM_NAME-ip" --region "$REGION" --format 'value(address)')

if ! gcloud compute firewall-rules describe "$VM_NAME-web" >/dev/null 2>&1; then
  gcloud compute firewall-rules create "$VM_NAME-web" \
    --network default --direction INGRESS --action ALLOW \
    --rules tcp:80,tcp:443,udp:443 --target-tags "$VM_NAME-web" \
    --source-ranges 0.0.0.0/0
fi

gcloud compute instances create "$VM_NAME" \
  --zone "$ZONE" \
  --machine-type "$MACHINE_TYPE" \
  --image-family debian-12 --image-project debian-cloud \
  --boot-disk-size "$DISK_SIZE" --boot-disk-type pd-balanced \
  --address "$address" \
  --tags "$VM_NAME-web" \
  --scopes cloud-platform \
  --metadata "songrec-repository=$REPOSITORY_URL,songrec-branch=$BRANCH,songrec-domain=$SITE_DOMAIN,songrec-acme-email=$ACME_EMAIL,songrec-backup-bucket=$BACKUP_BUCKET" \
  --metadata-from-file startup-script=deploy/startup.sh

echo "VM $VM_NAME is starting at $address."
echo "Point the DNS A record of $SITE_DOMAIN at $address; Caddy gets the certificate once it resolves."
