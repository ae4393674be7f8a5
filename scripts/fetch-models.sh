#!/usr/bin/env bash
# Fetches the pretrained face models from the npm package
# @vladmandic/face-api at a pinned version, verifies the tarball against the
# registry's sha512 integrity value pinned below, and extracts package/model/*
# into models/. Idempotent: does nothing when models/ already matches.
set -euo pipefail

PACKAGE="@vladmandic/face-api"
VERSION="1.7.15"
INTEGRITY="sha512-WDMmK3CfNLo8jylWqMoQgf4nIst3M0fzx1dnac96wv/dvMTN4DxC/Pq1DGtduDk1lktCamQ3MIDXFnvrdHTXDw=="

root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${FACECHECK_MODELS:-$root/models}"
stamp="$dest/.integrity"
cache="${FACECHECK_CACHE:-$root/.cache}"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$INTEGRITY" ] && [ -f "$dest/face_recognition_model.bin" ]; then
  echo "models: $PACKAGE@$VERSION already in $dest"
  exit 0
fi

mkdir -p "$cache"
tarball="$cache/vladmandic-face-api-$VERSION.tgz"
if [ ! -f "$tarball" ]; then
  echo "models: fetching $PACKAGE@$VERSION with npm pack" >&2
  (cd "$cache" && npm pack --silent "$PACKAGE@$VERSION" >/dev/null)
fi

actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual" != "$INTEGRITY" ]; then
  rm -f "$tarball"
  echo "models: integrity check FAILED for $tarball" >&2
  echo "  expected $INTEGRITY" >&2
  echo "  got      $actual" >&2
  exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
tar -xzf "$tarball" -C "$tmp" package/model package/LICENSE
mkdir -p "$dest"
for net in ssd_mobilenetv1_model tiny_face_detector_model face_landmark_68_model face_recognition_model; do
  cp "$tmp/package/model/$net-weights_manifest.json" "$tmp/package/model/$net.bin" "$dest/"
done
cp "$tmp/package/LICENSE" "$dest/LICENSE"
echo "$INTEGRITY" >"$stamp"
echo "models: $PACKAGE@$VERSION verified and extracted to $dest"
