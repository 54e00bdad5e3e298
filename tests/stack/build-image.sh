#!/usr/bin/env bash
# Builds the production image from the repository's Dockerfile on a machine that reaches neither
# Docker Hub nor the Python package index from inside a build:
#   - the base images the Dockerfile and docker-compose.yml name (python, postgres, redis, caddy)
#     are made from Debian's packages (tests/stack/standins/), unless an image of that name that
#     is not a stand-in is there already;
#   - the project's wheels are built on this machine into build/wheels and served on loopback to
#     the image build (the Dockerfile's WHEELS_URL).
# Usage: tests/stack/build-image.sh [IMAGE]   (default: $SONGREC_IMAGE or songrec:latest)
set -euo pipefail
cd "$(dirname "$0")/../.."
image="${1:-${SONGREC_IMAGE:-songrec:latest}}"
python="${PYTHON:-.venv/bin/python}"
standins=tests/stack/standins
# The legacy builder: BuildKit would pull its Dockerfile frontend from Docker Hub.
export DOCKER_BUILDKIT=0

.ci/ensure-services docker

if ! docker image inspect local/bookworm:12 >/dev/null 2>&1; then
  echo "Making local/bookworm:12 from Debian's packages"
  # This machine's own apt sources (a bookworm host's), so no mirror is named here.
  sources=/etc/apt/sources.list.d/debian.sources
  [ -f "$sources" ] || sources=/etc/apt/sources.list
  mmdebstrap --quiet --variant=minbase --include=ca-certificates bookworm - "$sources" |
    docker import - local/bookworm:12 >/dev/null
fi
# A stand-in is made again when its files change; an image of that name from elsewhere (the
# official one, with no stand-in label) is left as it is.
for standin in python:3.11-slim-bookworm postgres:16-bookworm redis:7-bookworm caddy:2; do
  name=${standin%%:*}
  digest=$(cat "$standins/$name".* | sha256sum | cut -c1-16)
  labels=$(docker image inspect --format \
    '{{index .Config.Labels "org.songrec.standin"}}/{{index .Config.Labels "org.songrec.standin.digest"}}' \
    "$standin" 2>/dev/null || echo missing)
  if [ "$labels" = missing ] || { [ "$labels" != / ] && [ "${labels#*/}" != "$digest" ]; }; then
    echo "Making a stand-in for $standin"
    docker build --quiet --network host --label "org.songrec.standin.digest=$digest" \
      -t "$standin" -f "$standins/$name.Dockerfile" "$standins" >/dev/null
  fi
done

# Bookworm's Python is 3.11.2, for which redis also needs async-timeout.
wheels=build/wheels
stamp="$wheels/.pyproject-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "Building the project's wheels into $wheels"
  rm -rf "$wheels"
  mkdir -p "$wheels"
  "$python" -m pip wheel --quiet --wheel-dir "$wheels" . async-timeout setuptools wheel
  touch "$stamp"
fi

port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$python" -m http.server --bind 127.0.0.1 --directory "$wheels" "$port" >/dev/null 2>&1 &
server=$!
trap 'kill "$server"' EXIT

started=$(date +%s)
docker build --network host --build-arg "WHEELS_URL=http://127.0.0.1:$port/" -t "$image" .
size=$(docker image inspect --format '{{.Size}}' "$image")
echo "built $image in $(($(date +%s) - started)) s: $((size / 1000000)) MB"
