#!/usr/bin/env bash
# Builds the facecheck .deb (Release build, the fetched models inside) into
# build/package/ (or FACECHECK_PACKAGE_BUILD). Then, on a Debian 12 machine:
#   sudo apt install ./build/package/facecheck_*.deb
#   sudo systemctl start facecheck
# docs/deployment.md says what it installs and how it was tested.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/fetch-models.sh
build="${FACECHECK_PACKAGE_BUILD:-$root/build/package}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target facecheck
(cd "$build" && cpack -G DEB >/dev/null)
deb=$(ls -t "$build"/facecheck_*.deb | head -1)
echo "package: $deb ($(du -h "$deb" | cut -f1))"
dpkg-deb --info "$deb" | sed -n '/Depends/p'
