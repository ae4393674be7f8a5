#!/usr/bin/env bash
# Fetches the pretrained face models from two npm packages at pinned
# versions, verifies each tarball against the registry's sha512 integrity
# value pinned below, and extracts the networks facecheck uses into models/.
# Idempotent: does nothing when models/ already matches. Nothing is ever
# downloaded while serving or testing; at load time every file is checked
# again against the SHA-256 sums pinned in src/vision/model_store.cpp.
#   @vladmandic/face-api@1.7.15 (MIT): SSD and tiny detectors, 68 landmarks,
#     dlib ResNet-34 embedding (tfjs weights)
#   faceplugin-face-recognition-js@0.0.1 (MIT): fr_feature.onnx (512-d
#     ArcFace-style embedding), fr_detect, fr_landmark, fr_liveness, fr_eye (ONNX)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${FACECHECK_MODELS:-$root/models}"
cache="${FACECHECK_CACHE:-$root/.cache}"
mkdir -p "$cache" "$dest"

# fetch NAME VERSION INTEGRITY TARBALL-NAME: the verified tarball's path on stdout.
fetch() {
  local package="$1" version="$2" integrity="$3" file="$cache/$4"
  if [ ! -f "$file" ]; then
    echo "models: fetching $package@$version with npm pack" >&2
    local tmp
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "$package@$version" >/dev/null)
    mv "$tmp"/*.tgz "$file"
    rm -rf "$tmp"
  fi
  local actual
  actual="sha512-$(openssl dgst -sha512 -binary "$file" | base64 -w0)"
  if [ "$actual" != "$integrity" ]; then
    rm -f "$file"
    echo "models: integrity check FAILED for $file" >&2
    echo "  expected $integrity" >&2
    echo "  got      $actual" >&2
    exit 1
  fi
  echo "$file"
}

# install STAMP-NAME INTEGRITY SENTINEL PACKAGE VERSION TARBALL LICENSE-AS MEMBERS...
install_package() {
  local stamp="$dest/.integrity-$1" integrity="$2" sentinel="$3" package="$4" version="$5"
  local tarball_name="$6" licence_as="$7"
  shift 7
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$integrity" ] && [ -f "$dest/$sentinel" ]; then
    echo "models: $package@$version already in $dest"
    return
  fi
  local tarball tmp
  tarball="$(fetch "$package" "$version" "$integrity" "$tarball_name")"
  tmp="$(mktemp -d)"
  tar -xzf "$tarball" -C "$tmp" package/LICENSE "${@/#/package/}"
  for member in "$@"; do cp "$tmp/package/$member" "$dest/"; done
  cp "$tmp/package/LICENSE" "$dest/$licence_as"
  rm -rf "$tmp"
  echo "$integrity" >"$stamp"
  echo "models: $package@$version verified and extracted to $dest"
}

face_api=()
for net in ssd_mobilenetv1_model tiny_face_detector_model face_landmark_68_model face_recognition_model; do
  face_api+=("model/$net-weights_manifest.json" "model/$net.bin")
done
install_package face-api \
  "sha512-WDMmK3CfNLo8jylWqMoQgf4nIst3M0fzx1dnac96wv/dvMTN4DxC/Pq1DGtduDk1lktCamQ3MIDXFnvrdHTXDw==" \
  face_recognition_model.bin "@vladmandic/face-api" 1.7.15 vladmandic-face-api-1.7.15.tgz \
  LICENSE "${face_api[@]}"

install_package faceplugin \
  "sha512-shriXjd4zJHEwhK1jHK+bWo8Vv6Vu9B/w6RRsd4AFtNM/jaI2vhuOamOSMl9qQmLd8WlQ7dgqN+3C2iOi5pXWw==" \
  fr_eye.onnx faceplugin-face-recognition-js 0.0.1 faceplugin-face-recognition-js-0.0.1.tgz \
  LICENSE.faceplugin model/fr_feature.onnx model/fr_detect.onnx model/fr_landmark.onnx \
  model/fr_liveness.onnx model/fr_eye.onnx
