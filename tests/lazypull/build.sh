#!/usr/bin/env bash
# Builds the lazy-start tier's programs from Debian 12's Go packages only, in GOPATH mode (nothing is downloaded):
#   OUT/chunkedbuild-stargz  this folder's snapshotter/ main (stargz-snapshotter's fs + snapshot as a containerd proxy snapshotter)
#   OUT/ctr-remote           Debian's github.com/containerd/stargz-snapshotter/cmd/ctr-remote, as shipped (rpull, optimize)
#   build.sh OUT           builds both into the folder OUT (created); about 3 minutes on 2 cores with a cold Go cache
#   build.sh --packages    prints the apt packages the build needs (.ci/run installs them)
#   build.sh --hash        prints a hash of everything the programs depend on here (this script, the snapshotter's sources):
#                          callers build once per hash into an ignored folder (LazyPullTools.SourceHash computes the same)
# GOCACHE may point at a persistent Go build cache; by default a temporary one is used.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
packages=(golang-go golang-github-containerd-stargz-snapshotter-dev golang-github-hanwen-go-fuse-dev golang-github-burntsushi-toml-dev)

case "${1:-}" in
  --packages) echo "${packages[*]}"; exit 0 ;;
  --hash) (export LC_ALL=C; cat "$here/build.sh" "$here"/snapshotter/*.go | sha256sum | cut -c1-16); exit 0 ;;
  "" | -*) echo "usage: build.sh OUTPUT_FOLDER | --packages | --hash" >&2; exit 2 ;;
esac
out=$(realpath -m "$1")

missing=$(for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
if [ -n "$missing" ]; then
  echo "error: missing apt packages: ${missing//$'\n'/ } (bash .ci/run installs them)" >&2
  exit 2
fi

gopath=$(mktemp -d)
trap 'rm -rf "$gopath"' EXIT
mkdir -p "$gopath/src/chunkedbuild-stargz" "$out"
cp "$here"/snapshotter/*.go "$gopath/src/chunkedbuild-stargz/"
# A go.mod beside the sources turns on GOPATH mode's minimal module compatibility, so the /v2 import of go-fuse
# resolves to Debian's github.com/hanwen/go-fuse (the libraries' own imports resolve the same way through their go.mod).
printf 'module chunkedbuild-stargz\n\ngo 1.19\n' > "$gopath/src/chunkedbuild-stargz/go.mod"
export GO111MODULE=off GOFLAGS='' GOPATH="$gopath:/usr/share/gocode" GOCACHE=${GOCACHE:-$gopath/cache}
(cd "$gopath/src/chunkedbuild-stargz" && go build -trimpath -o "$out/chunkedbuild-stargz.tmp" .)
go build -trimpath -o "$out/ctr-remote.tmp" github.com/containerd/stargz-snapshotter/cmd/ctr-remote
mv "$out/chunkedbuild-stargz.tmp" "$out/chunkedbuild-stargz"
mv "$out/ctr-remote.tmp" "$out/ctr-remote"
