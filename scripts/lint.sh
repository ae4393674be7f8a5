#!/usr/bin/env bash
# Lints the project's code: ESLint over the JavaScript in clients/web,
# miniprogram and e2e, with the config and pinned packages in tools/lint
# (tools/lint/eslint.config.mjs says which rules and globals apply where).
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
  --max-warnings 0 "$@" clients/web miniprogram e2e
echo "lint: eslint found nothing in clients/web, miniprogram, e2e"

# --- C++ formatting check (clang-format) goes here ---
# To be added by the C++ side: check src/ and tests/ against .clang-format,
# e.g. `clang-format --dry-run --Werror` over the tracked *.cpp/*.h files,
# failing the script on any difference.
