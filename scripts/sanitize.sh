#!/usr/bin/env bash
# Builds facecheck and its C++ tests with AddressSanitizer and UBSan (gcc,
# -DFACECHECK_SANITIZE=ON) in build/asan and runs them through CTest. The
# HTTP tests start the sanitized server binary, so the server is checked
# too. Exits non-zero when a test fails or any process (a test or a server
# it started) wrote a sanitizer report: every report is a failure.
#
#   bash scripts/sanitize.sh [CTEST ARGS...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${FACECHECK_ASAN_BUILD:-$root/build/asan}"
if [ ! -f "$build/build.ninja" ]; then
  CC=gcc CXX=g++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DFACECHECK_SANITIZE=ON >/dev/null
fi
# Only what the selected tests need (ctest's own selection of them, from the
# same arguments), not the benchmarks or left-out layers.
# Configure again: a test file added since the folder was made is then
# listed (the test sources are globbed).
cmake "$build" >/dev/null
mapfile -t tests < <(ctest --test-dir "$build" -N "$@" | sed -n 's/^ *Test *#[0-9]*: //p')
[ ${#tests[@]} -gt 0 ] || { echo "sanitize: no test selected by: $*" >&2; exit 1; }
cmake --build "$build" -j"$(nproc)" --target facecheck early_thread_preload "${tests[@]}"

# Reports go to files as well as stderr, one per process, so that a report
# from a server that a test started and killed is not lost in its pipe.
logs="$build/sanitizer-logs"
rm -rf "$logs"
mkdir -p "$logs"
# halt_on_error: the first report ends the process (the build also has
# -fno-sanitize-recover=all). detect_leaks: LeakSanitizer at exit, with the
# suppressions committed in tests/sanitizers (each entry says why).
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:log_path=$logs/asan:log_exe_name=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$logs/ubsan:log_exe_name=1"
# print_suppressions=0: a run whose only leaks are suppressed writes no log
# file, so any file in $logs is a real report.
export LSAN_OPTIONS="suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0"

status=0
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" "$@" || status=$?
reports=("$logs"/*)
if [ -e "${reports[0]}" ]; then
  echo "sanitize: ${#reports[@]} sanitizer report(s):" >&2
  for r in "${reports[@]}"; do
    echo "== $r" >&2
    head -n 80 "$r" >&2
  done
  status=1
fi
exit "$status"
