#!/usr/bin/env bash
# Runs the Spark job on Dataproc when the data outgrows the VM: input and output on Cloud
# Storage, an ephemeral cluster deleted afterwards. Run from the repository root:
#   PROJECT=my-project BUCKET=my-songrec-bucket INPUT=gs://my-songrec-bucket/spotify_dataset.csv \
#     deploy/dataproc.sh
# Writes gs://$BUCKET/builds/$RUN/{songs,neighbours,summary.json,rejects}.
set -euo pipefail

: "${PROJECT:?set PROJECT}"
: "${BUCKET:?set BUCKET to a Cloud Storage bucket for the job files and output}"
: "${INPUT:?set INPUT to the playlists CSV, e.g. gs://BUCKET/spotify_dataset.csv}"
REGION="${REGION:-europe-west1}"
CLUSTER="${CLUSTER:-songrec-spark}"
WORKERS="${WORKERS:-2}"
WORKER_TYPE="${WORKER_TYPE:-n2-highmem-4}"
RUN="${RUN:-$(date -u +%Y%m%dT%H%M%SZ)}"
K="${K:-20}"
# The project is tested with Spark 4 (pyproject.toml: pyspark>=4.0); pick the newest Dataproc
# image version on offer (`gcloud dataproc clusters create --help`; 2.3 ships Spark 3.5).
IMAGE_VERSION="${IMAGE_VERSION:-2.3-debian12}"

cd "$(dirname "$0")/.."
gcloud config set project "$PROJECT"
gcloud services enable dataproc.googleapis.com

# The job imports the `spark` package: ship it as a zip beside the entry point.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && mkdir spark && cp "$OLDPWD"/spark/*.py spark/ && python3 -m zipfile -c songrec_spark.zip spark)
gcloud storage cp spark/job.py "$work/songrec_spark.zip" "gs://$BUCKET/jobs/$RUN/"

gcloud dataproc clusters create "$CLUSTER" \
  --region "$REGION" --image-version "$IMAGE_VERSION" \
  --num-workers "$WORKERS" --worker-machine-type "$WORKER_TYPE" \
  --master-machine-type n2-standard-4 \
  --max-idle 30m

gcloud dataproc jobs submit pyspark "gs://$BUCKET/jobs/$RUN/job.py" \
  --region "$REGION" --cluster "$CLUSTER" \
  --py-files "gs://$BUCKET/jobs/$RUN/songrec_spark.zip" \
  -- --input "$INPUT" --output "gs://$BUCKET/builds/$RUN" --k "$K"

gcloud dataproc clusters delete "$CLUSTER" --region "$REGION" --quiet
echo "output: gs://$BUCKET/builds/$RUN"
