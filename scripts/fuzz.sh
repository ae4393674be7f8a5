#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang in build/fuzz and runs
# each for N seconds (default 60). Exits non-zero when any target crashes,
# leaks, hangs or breaks one of its checks; the input that did it is saved as
# build/fuzz/crashes/<target>-crash-<sha1> (or -leak-, -timeout-, -oom-).
#
#   bash scripts/fuzz.sh [--seconds N] [TARGET...]
#
# Seeds: our own hand-written text inputs in tests/fuzz/corpus/<target>
# (none for the image targets: images are never committed), plus, for the
# image and HTTP targets, small real photos from ../shared/data/faces (JPEG
# with and without EXIF, PNG, BMP, WebP, GIF, TIFF, ICO, broken files;
# linked into build/fuzz/seeds at run time, never copied into the repo).
# What a run discovers accumulates in build/fuzz/corpus/<target>, so later
# runs on the same machine start from there.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds=60
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_image_header fuzz_image_decoder fuzz_csv fuzz_json_body
                                     fuzz_http_request fuzz_auth)

build="${FACECHECK_FUZZ_BUILD:-$root/build/fuzz}"
if [ ! -f "$build/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DFACECHECK_FUZZ=ON >/dev/null
fi
cmake --build "$build" --target "${targets[@]}" -j"$(nproc)"

# Real photos as image seeds: every supported or refused format the data
# has, at most 64 KiB (the image targets' -max_len), plus the deliberately
# broken files.
data="${FACECHECK_DATA:-$root/../shared/data}/faces"
seeds="$build/seeds"
rm -rf "$seeds"
mkdir -p "$seeds/images" "$seeds/http"
if [ -d "$data" ]; then
  find "$data" -type f -size -64k \( -iname '*.jpg' -o -iname '*.jpeg' -o -iname '*.png' \
    -o -iname '*.bmp' -o -iname '*.webp' -o -iname '*.gif' -o -iname '*.tif*' -o -iname '*.ico' \) \
    -print0 | while IFS= read -r -d '' f; do ln -sf "$f" "$seeds/images/$(sha1sum <"$f" | cut -c1-16)"; done
  # The same photos as multipart uploads, the way the kiosk sends them.
  for f in $(ls -S "$seeds/images" | tail -n 8); do
    part="$seeds/images/$f"
    {
      printf -- '--fz\r\nContent-Disposition: form-data; name="image"; filename="p.jpg"\r\n'
      printf 'Content-Type: image/jpeg\r\n\r\n'
      cat "$part"
      printf -- '\r\n--fz\r\nContent-Disposition: form-data; name="face_index"\r\n\r\n0\r\n--fz--\r\n'
    } >"$seeds/body"
    {
      printf 'POST /api/v1/events/1/checkin HTTP/1.1\r\nHost: 127.0.0.1\r\n'
      printf 'Content-Type: multipart/form-data; boundary=fz\r\nContent-Length: %d\r\n\r\n' \
        "$(stat -c %s "$seeds/body")"
      cat "$seeds/body"
    } >"$seeds/http/$f.http"
  done
  rm -f "$seeds/body"
else
  echo "fuzz: $data not found; image targets start from the hand-written seeds only" >&2
  [ "${FACECHECK_REQUIRE_DATA:-0}" != 1 ] || { echo "fuzz: FACECHECK_REQUIRE_DATA=1" >&2; exit 1; }
fi

mkdir -p "$build/crashes" "$build/logs"
# One target per core at a time: each still gets a whole core for its
# seconds, and six targets take a third of the wall time on two cores.
fuzz_one() {
  local t="$1" extra=() max_len=4096
  case "$t" in
    fuzz_image_*) extra=("$seeds/images"); max_len=65536 ;;
    fuzz_http_request) extra=("$seeds/http"); max_len=65536 ;;
  esac
  mkdir -p "$build/corpus/$t"
  [ -d "$root/tests/fuzz/corpus/$t" ] && extra+=("$root/tests/fuzz/corpus/$t")
  local log="$build/logs/$t.log"
  echo "fuzz: $t for ${seconds}s" >&2
  # New inputs go to the first folder; the seed folders are only read.
  # -timeout: one input taking 10 s is a hang; -rss_limit_mb: one using 2 GB
  # is a memory bomb. Both count as failures.
  if "$build/$t" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$build/crashes/$t-" \
      "$build/corpus/$t" "${extra[@]}" >"$log" 2>&1; then
    local runs cov
    runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$' || true)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$' || true)
    echo "fuzz: $t ok: ${runs:-?} runs, coverage ${cov:-?} edges" >&2
  else
    # One block per failure, written at once, so parallel reports do not mix.
    { echo "fuzz: $t FAILED (log $log):"
      grep -E -A 30 'ERROR: |FUZZ_CHECK|runtime error|SUMMARY|Test unit written' "$log" | head -n 60 || true
    } >"$build/logs/$t.failed"
    cat "$build/logs/$t.failed" >&2
  fi
}
rm -f "$build"/logs/*.failed
jobs_max="$(nproc)"
for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n || true; done
  fuzz_one "$t" &
done
wait
failed=()
for t in "${targets[@]}"; do
  [ ! -e "$build/logs/$t.failed" ] || failed+=("$t")
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets ran ${seconds}s each without a finding" >&2
