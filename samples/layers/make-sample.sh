#!/usr/bin/env bash
# Regenerates sample.tar: a small, deterministic layer (a few text files, a directory tree, a symlink) for the
# README's first command. Byte-identical on every run: GNU tar, sorted names, mtime 0, numeric root ownership.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root/app/config" "$root/app/data" "$root/etc"
printf 'Sample layer for ChunkedBuild.\nConvert it with: dotnet chunked layer convert sample.tar --format zstd-chunked --output out\n' > "$root/app/README.txt"
printf '{\n  "name": "sample",\n  "port": 8080,\n  "features": ["lazy-pull", "zstd-chunked", "estargz"]\n}\n' > "$root/app/config/settings.json"
printf 'NAME="Sample OS"\nID=sample\nVERSION_ID=1\n' > "$root/etc/os-release"
# ~200 KB of varied CSV rows (deterministic arithmetic, so it compresses like real data, not like zeros)
awk 'BEGIN { print "id,name,value,checksum"; for (i = 1; i <= 5000; i++) { v = (i * 7919) % 104729; printf "%d,item-%05d,%d,%08x\n", i, i, v, (v * 2654435761) % 4294967296 } }' > "$root/app/data/items.csv"
# ~100 KB of log-like lines
awk 'BEGIN { split("GET POST PUT DELETE", m, " "); for (i = 1; i <= 1500; i++) printf "2024-01-02T03:%02d:%02dZ %s /api/items/%d status=%d bytes=%d\n", (i / 60) % 60, i % 60, m[i % 4 + 1], (i * 31) % 5000, (i % 17 == 0) ? 404 : 200, (i * 977) % 65536 }' > "$root/app/data/access.log"
ln -s config/settings.json "$root/app/settings.json"
chmod 0755 "$root/app" "$root/app/config" "$root/app/data" "$root/etc"
find "$root" -type f -exec chmod 0644 {} +
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=posix --pax-option=delete=atime,delete=ctime \
  -C "$root" -cf "$here/sample.tar" app etc
echo "$here/sample.tar"
