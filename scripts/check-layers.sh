#!/usr/bin/env bash
# Checks the layering of src/ (docs/architecture.md): each layer includes
# only the layers below it that CMakeLists.txt links it to, and the domain
# layers know nothing of JSON or HTTP. Exits 1 and names every violation.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/src"

declare -A allowed=(
  [vision]="vision"
  [wire]="wire vision"
  [gallery]="gallery vision"
  [storage]="storage wire vision"
  [eval]="eval vision"
  [checkin]="checkin gallery storage vision"
  [http]="http checkin storage wire vision"
  [cli]="cli http checkin eval storage gallery wire vision"
)
status=0
for layer in */; do
  layer="${layer%/}"
  if [ -z "${allowed[$layer]+x}" ]; then
    echo "check-layers: src/$layer is not a known layer (add it here and in CMakeLists.txt)"
    status=1
    continue
  fi
  while IFS= read -r line; do
    file="${line%%:*}"
    used="$(sed -E 's/.*#include "([a-z_]+)\/.*/\1/' <<<"$line")"
    if [[ " ${allowed[$layer]} " != *" $used "* ]]; then
      echo "check-layers: src/$file includes layer '$used', which $layer may not use"
      status=1
    fi
  done < <(grep -HE '^#include "[a-z_]+/' "$layer"/* | sed "s#^$layer/#$layer/#")
done
# The domain speaks domain: no JSON, no HTTP. The tfjs model manifest reader
# is the one exception: JSON is that file format, not the wire.
while IFS= read -r hit; do
  [[ "$hit" == vision/tfjs_weights.cpp:* ]] && continue
  echo "check-layers: src/$hit: the domain layers do not use JSON or HTTP"
  status=1
done < <(grep -HnE '#include <(nlohmann/|httplib)' checkin/* vision/* gallery/* || true)
[ $status -eq 0 ] && echo "check-layers: ok"
exit $status
