#!/usr/bin/env bash
# Builds the oracle (chunkedoracle) from this folder's Go sources against Debian 12's Go packages only, in GOPATH
# mode (Debian ships library sources, no module cache; nothing is downloaded).
#   build.sh OUTPUT        builds the binary to OUTPUT (its folder is created)
#   build.sh --packages    prints the apt packages the build needs (.ci/run installs them)
#   build.sh --hash        prints a hash of everything the binary depends on here (sources, this script): callers
#                          build once per hash into an ignored folder
# GOCACHE may point at a persistent Go build cache; by default a temporary one is used.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
packages=(golang-go golang-github-containerd-stargz-snapshotter-dev golang-github-containers-storage-dev
  golang-github-klauspost-compress-dev golang-github-vbatts-tar-split-dev golang-github-opencontainers-go-digest-dev)

case "${1:-}" in
  --packages) echo "${packages[*]}"; exit 0 ;;
  --hash) cat "$here/build.sh" "$here"/chunkedoracle/*.go "$here"/cstoragetoc/*.go | sha256sum | cut -c1-16; exit 0 ;;
  "" | -*) echo "usage: build.sh OUTPUT | --packages | --hash" >&2; exit 2 ;;
esac
out=$(realpath -m "$1")

missing=$(for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
if [ -n "$missing" ]; then
  echo "error: missing apt packages: ${missing//$'\n'/ } (bash .ci/run installs them)" >&2
  exit 2
fi

# A temporary GOPATH in front of Debian's: the oracle's own packages, and containers/storage's pkg/chunked/internal
# (its TOC types) and pkg/chunked/compressor copied from Debian's sources, so that cstoragetoc may import internal
# (Go allows an internal package only to code under its parent folder).
gopath=$(mktemp -d)
trap 'rm -rf "$gopath"' EXIT
chunked=$gopath/src/github.com/containers/storage/pkg/chunked
mkdir -p "$chunked" "$gopath/src/chunkedoracle"
debian_chunked=/usr/share/gocode/src/github.com/containers/storage/pkg/chunked
cp -r "$debian_chunked/internal" "$debian_chunked/compressor" "$chunked/"
rm -f "$chunked"/*/*_test.go
cp -r "$here/cstoragetoc" "$chunked/"
cp "$here"/chunkedoracle/*.go "$gopath/src/chunkedoracle/"

mkdir -p "$(dirname "$out")"
(cd "$gopath/src/chunkedoracle" && GO111MODULE=off GOFLAGS='' GOPATH="$gopath:/usr/share/gocode" \
  GOCACHE=${GOCACHE:-$gopath/cache} go build -trimpath -o "$out.tmp" .)
mv "$out.tmp" "$out"
