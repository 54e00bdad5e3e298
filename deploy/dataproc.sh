#!/usr/bin/env bash
# Runs the Spark job on Dataproc when the data outgrows the VM: input and output on Cloud
# Storage, an ephemeral cluster deleted afterwards. Run from the repository root:
#   PROJECT=my-project BUCKET=my-songrec-bucket INPUT=gs://my-songrec-bucket/spotify_dataset.csv \
#     deploy/dataproc.sh
# Writes gs://$BUCKET/builds/$RUN/{songs,neighbours,summary.json,rejects}, and prints the
# commands that load it on the VM (manage.py build_recs --load).
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
# Python packages the job imports beyond the image's own (numpy, pandas, pyarrow, scipy),
# comma-separated. In --properties below, ^#^ makes # the separator between properties (see
# `gcloud topic escaping`), so the commas stay inside this value.
PIP_PACKAGES="${PIP_PACKAGES:-numba==0.68.1,xxhash==4.1.0}"

cd "$(dirname "$0")/.."
gcloud config set project "$PROJECT"
gcloud services enable dataproc.googleapis.com

# The job imports the `spark` package, subpackages included: ship it as a zip beside the entry
# point, the same zip build_recs hands to spark-submit (packaging it needs only the standard
# library).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -c 'import sys; from pathlib import Path; from recommendations.spark_submit import package_job; package_job(Path(sys.argv[1]))' "$work"
gcloud storage cp spark/job.py "$work/songrec_spark.zip" "gs://$BUCKET/jobs/$RUN/"

gcloud dataproc clusters create "$CLUSTER" \
  --region "$REGION" --image-version "$IMAGE_VERSION" \
  --num-workers "$WORKERS" --worker-machine-type "$WORKER_TYPE" \
  --master-machine-type n2-standard-4 \
  --properties "^#^dataproc:pip.packages=$PIP_PACKAGES" \
  --max-idle 30m

gcloud dataproc jobs submit pyspark "gs://$BUCKET/jobs/$RUN/job.py" \
  --region "$REGION" --cluster "$CLUSTER" \
  --py-files "gs://$BUCKET/jobs/$RUN/songrec_spark.zip" \
  -- --input "$INPUT" --output "gs://$BUCKET/builds/$RUN" --k "$K"

gcloud dataproc clusters delete "$CLUSTER" --region "$REGION" --quiet
echo "output: gs://$BUCKET/builds/$RUN"
cat <<EOF

To serve it, on the VM (gcloud compute ssh VM_NAME, then cd /opt/songrec):
  gcloud storage cp -r gs://$BUCKET/builds/$RUN /var/tmp/
  sudo docker-compose exec worker mkdir -p /data/dataproc
  sudo docker cp /var/tmp/$RUN "\$(sudo docker-compose ps -q worker)":/data/dataproc/
  sudo docker-compose exec worker python manage.py build_recs --load /data/dataproc/$RUN
EOF
