#!/usr/bin/env bash
# Sets up everything facecheck needs on a fresh Debian 12 machine (as root):
# Debian packages, the pretrained models (pinned and verified) and the build.
# Idempotent and quick when nothing changed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

APT_PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates openssl
  libopencv-dev libcpp-httplib-dev nlohmann-json3-dev libspdlog-dev libcli11-dev
  libsodium-dev libsqlite3-dev sqlite3 libgtest-dev libgmock-dev libbenchmark-dev
  prometheus-cpp-dev nodejs npm
  # Approximate search of large galleries (src/gallery/hnsw_index.cpp).
  libhnswlib-dev
  # PostgreSQL for several servers (src/storage/postgres_backend.cpp); the
  # server package runs throwaway clusters in the tests, it is not started.
  libpqxx-dev postgresql-15
  # https built in (src/http/tls.cpp); cpp-httplib links the same OpenSSL.
  libssl-dev
  # The reverse-proxy example's test (deploy/nginx, run unprivileged).
  nginx
  # OpenBLAS as the system BLAS (what OpenCV loads), as on many servers: it
  # starts threads before main, which the shutdown tests must survive.
  libopenblas0-pthread
  chromium fonts-noto-cjk ffmpeg
  # Fuzzing (scripts/fuzz.sh): clang 14 and its runtimes, which hold libFuzzer
  # and clang's ASan/UBSan. gcc's sanitizers (scripts/sanitize.sh) come
  # with build-essential.
  clang libclang-rt-14-dev
  # Formatting check (scripts/lint.sh).
  clang-format
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  # nodejs/npm may come from elsewhere on a developer's machine: keep them if present.
  if command -v npm >/dev/null 2>&1; then
    filtered=(); for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p"); done
    missing=("${filtered[@]}")
  fi
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Debian starts a service when its package is installed; nginx is here
  # for a test that runs its own, so no system nginx should start on port
  # 80. policy-rc.d (Debian's hook for exactly this) says no while we install.
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT  # also when the install fails
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
  fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [ "$(trap -p EXIT)" ]; then
    rm -f "$policy"
    trap - EXIT
  fi
fi

bash scripts/fetch-models.sh

build="${FACECHECK_BUILD:-$root/build/release}"
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
echo "setup: building in $build" >&2
cmake --build "$build" -j"$(nproc)"
