#!/usr/bin/env bash
# Sets up everything (scripts/setup.sh) and runs the check-in service on
# http://127.0.0.1:8080 with its data (SQLite database, config, keys) in
# ./data and a demo event. The first start prints the admin key once (it is
# also in data/admin-key.txt, readable only by you).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
build="${FACECHECK_BUILD:-$root/build/release}"
exec "$build/facecheck" serve --port "${FACECHECK_PORT:-8080}" --data "${FACECHECK_DATA_DIR:-$root/data}" --demo "$@"
