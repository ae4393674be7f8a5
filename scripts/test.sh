#!/usr/bin/env bash
# Sets up everything (scripts/setup.sh) and runs every test: the C++ unit and
# integration tests through CTest, again under ASan + UBSan, and the fuzz
# targets. The real photos are read from ../shared/data.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
# Lint first: it takes seconds and catches mistakes before the long suites.
bash scripts/lint.sh
build="${FACECHECK_BUILD:-$root/build/release}"
# Client tests first: they take seconds, the C++ suite minutes.
(cd clients/web && node --test tests/)
(cd miniprogram && { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; } && npm test)
# Browser end-to-end tests: Debian's chromium against the built server.
(cd e2e && { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; } && FACECHECK_BUILD="$build" npm test)
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" "$@"
# The same tests under ASan + UBSan, but for the evaluation protocols
# (docs/security.md, "Fuzzing and sanitizers"), then every fuzz target for
# 60 s. Either fails the run on any sanitizer report or crash.
bash scripts/sanitize.sh -LE eval
bash scripts/fuzz.sh --seconds 60
