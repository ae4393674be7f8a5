#!/usr/bin/env bash
# Lints the project's code: ESLint over the JavaScript in clients/web,
# miniprogram and e2e, with the config and pinned packages in tools/lint
# (tools/lint/eslint.config.mjs says which rules and globals apply where);
# the C++ layering (scripts/check-layers.sh) and clang-format.
# Run it before committing; scripts/test.sh (and so CI) runs it too. Exits
# non-zero on any finding, warnings included.
#
#   bash scripts/lint.sh [ESLINT ARGS...]   e.g. --fix, or -f json
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

# ESLint and its plugins, installed from tools/lint/package-lock.json when
# node_modules is missing or older than the lock file.
(cd tools/lint && { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; })

# With --config, ESLint 9 resolves the config's file patterns against the
# working directory: the repository root here.
tools/lint/node_modules/.bin/eslint --config tools/lint/eslint.config.mjs \
  --max-warnings 0 "$@" clients/web clients/catalogue miniprogram e2e
echo "lint: eslint found nothing in clients/web, clients/catalogue, miniprogram, e2e"

# The C++: the layering of src/ (scripts/check-layers.sh), then clang-format
# (.clang-format) over every tracked source; `clang-format -i FILE` fixes one.
bash scripts/check-layers.sh
mapfile -t cxx < <(git ls-files '*.cpp' '*.h')
if ! clang-format --dry-run --Werror "${cxx[@]}" 2>/tmp/facecheck-clang-format.log; then
  grep -E '^[^ ].*(warning|error):' /tmp/facecheck-clang-format.log | cut -d: -f1 | sort -u |
    sed 's/^/lint: not clang-formatted: /'
  echo "lint: run clang-format -i on the files above" >&2
  exit 1
fi
echo "lint: clang-format finds nothing in ${#cxx[@]} C++ files"
