#!/usr/bin/env bash
# Builds the lazy-pull test tools from Debian-packaged Go libraries only (GOPATH mode, no module download):
#   OUT/chunkedbuild-stargz  this folder's snapshotter/ main (stargz-snapshotter's fs + snapshot as a containerd proxy snapshotter)
#   OUT/ctr-remote           Debian's github.com/containerd/stargz-snapshotter/cmd/ctr-remote, as shipped (rpull, optimize)
# Usage: build.sh OUT   (GOCACHE is honoured; about 3 minutes on 2 cores with a cold cache)
# Installs its apt dependencies when they are missing (needs root, as on CI machines).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build.sh OUTPUT_FOLDER}
pkgs="golang-go golang-github-containerd-stargz-snapshotter-dev golang-github-hanwen-go-fuse-dev"
missing=$(for p in $pkgs; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
if [ -n "$missing" ]; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi
mkdir -p "$out"
build_root=$(mktemp -d); trap 'rm -rf "$build_root"' EXIT
mkdir -p "$build_root/src/chunkedbuild-stargz" && cp "$here"/snapshotter/*.go "$build_root/src/chunkedbuild-stargz/"
# A go.mod beside the sources turns on GOPATH mode's minimal module compatibility, so the /v2 import of go-fuse
# resolves to Debian's github.com/hanwen/go-fuse (the libraries' own imports resolve the same way through their go.mod).
printf 'module chunkedbuild-stargz\n\ngo 1.19\n' > "$build_root/src/chunkedbuild-stargz/go.mod"
export GO111MODULE=off GOPATH=/usr/share/gocode:$build_root GOCACHE=${GOCACHE:-$build_root/cache} GOFLAGS=
go build -o "$out/chunkedbuild-stargz" chunkedbuild-stargz
go build -o "$out/ctr-remote" github.com/containerd/stargz-snapshotter/cmd/ctr-remote
echo "$out"
