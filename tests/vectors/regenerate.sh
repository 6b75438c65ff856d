#!/usr/bin/env bash
# Regenerates the golden vectors that Debian's packages can make (through the oracle's `vectors` command: Go's
# archive/tar, tar-split 0.11.2, stargz-snapshotter 0.12) and compares them with the committed files.
#   regenerate.sh               compare only; exit 1 when a file disagrees beyond the known, explained differences
#   regenerate.sh --write DIR   also keep the regenerated files in DIR
# The oracle is CHUNKEDBUILD_ORACLE when set, else built from tests/oracle into a temporary folder.
# See README.md beside this script for each file's provenance and what the comparison accepts.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
keep=
if [ "${1:-}" = --write ]; then keep=${2:?--write needs a folder}; fi

oracle=${CHUNKEDBUILD_ORACLE:-}
if [ -z "$oracle" ]; then
  oracle=$work/chunkedoracle
  bash "$here/../oracle/build.sh" "$oracle"
fi
mkdir -p "$work/out"
"$oracle" vectors "$work/out" > "$work/vectors.json"
status=0
report() { printf '%-34s %s\n' "$1" "$2"; }

# 1. The tar: byte for byte.
if cmp -s "$work/out/worked-example.tar" "$here/worked-example.tar"; then
  report worked-example.tar "identical"
else
  report worked-example.tar "DIFFERENT"; status=1
fi

# 2. The tar-split: byte for byte, except that Debian's tar-split 0.11.2 ends with an empty segment line, which the
#    newer tar-split that made the committed file does not write.
last=$(tail -n 1 "$work/out/worked-example.tar-split.jsonl")
trimmed=$work/tar-split.trimmed
if [[ "$last" =~ ^\{\"type\":2,\"payload\":\"\",\"position\":[0-9]+\}$ ]]; then
  head -n -1 "$work/out/worked-example.tar-split.jsonl" > "$trimmed"
  note="identical after dropping tar-split 0.11.2's trailing empty segment"
else
  cp "$work/out/worked-example.tar-split.jsonl" "$trimmed"
  note="identical"
fi
if cmp -s "$trimmed" "$here/worked-example.tar-split.jsonl"; then
  report worked-example.tar-split.jsonl "$note"
else
  report worked-example.tar-split.jsonl "DIFFERENT"; status=1
fi

# 3. The eStargz blob: gzip bytes depend on Go's compress/flate version, so the TOC digest and the DiffID are compared,
#    and the regenerated blob must pass the oracle's eStargz check.
toc=$(sed -n 's/.*"estargz_toc_digest":"\(sha256:[0-9a-f]*\)".*/\1/p' "$work/vectors.json")
diffid=$(sed -n 's/.*"estargz_diffid":"\(sha256:[0-9a-f]*\)".*/\1/p' "$work/vectors.json")
committed=$("$oracle" estargz "$here/worked-example.stargz.estargz" --toc-digest "$toc" 2>/dev/null || true)
committed_diffid=$(printf '%s' "$committed" | sed -n 's/.*"stream":{"diffid":"\(sha256:[0-9a-f]*\)".*/\1/p')
if [[ "$committed" == *'"ok":true'* ]] && [ "$diffid" = "$committed_diffid" ] && "$oracle" estargz "$work/out/worked-example.stargz.estargz" --toc-digest "$toc" --diffid "$diffid" \
     --tar "$here/worked-example.tar" > /dev/null 2>&1; then
  if cmp -s "$work/out/worked-example.stargz.estargz" "$here/worked-example.stargz.estargz"; then
    report worked-example.stargz.estargz "identical"
  else
    report worked-example.stargz.estargz "same TOC digest $toc and DiffID; gzip bytes differ (Go's compress/flate)"
  fi
else
  report worked-example.stargz.estargz "DIFFERENT (regenerated: TOC $toc, DiffID $diffid; committed DiffID ${committed_diffid:-unreadable})"; status=1
fi

# 4. Not made by Debian's packages: containers/storage 1.43 writes the older zstd:chunked dialect.
report worked-example.cstorage.zstd-chunked "not regenerable here (containers/storage 1.59); checked by the oracle in the tests"
report worked-example.cstorage.toc.json "not regenerable here (containers/storage 1.59)"

if [ -n "$keep" ]; then mkdir -p "$keep" && cp "$work"/out/* "$keep"/; fi
exit $status
