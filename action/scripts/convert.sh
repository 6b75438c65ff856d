#!/usr/bin/env bash
# Runs `dotnet chunked convert … --json` for the action and turns its JSON into step outputs and a job summary.
#
# Environment (the action maps its inputs here; nothing is interpolated into this script):
#   INPUT_SOURCE, INPUT_DESTINATION          required
#   INPUT_VARIANTS, INPUT_PUBLISH, INPUT_LEVEL, INPUT_SPARSE, INPUT_PRIORITIZATION_FILE, INPUT_STARTUP_REPORT, INPUT_EXTRA_ARGS
#   INPUT_REGISTRY_USERNAME, INPUT_REGISTRY_PASSWORD
#                                            the password reaches the tool on stdin (--password-stdin), never on a
#                                            command line, and is removed from the environment the tool inherits
#   CHUNKEDBUILD_TOOL_PATH                   the folder holding dotnet-chunked (put first on PATH)
#   CHUNKEDBUILD_CACHE_DIR                   the converted-layer cache folder (--cache-dir), when the action caches it
#   CHUNKEDBUILD_JSON_READER                 jq or python3 (default: jq when installed, else python3)
#   GITHUB_OUTPUT, GITHUB_STEP_SUMMARY       as on GitHub's runners; RUNNER_TEMP for the result file
#
# Outputs: digest, estargz-digest, zstd-chunked-digest, original-digest, result (multi-line JSON). A variant's digest is
# the digest its tag points at in tags mode (a manifest, or an index for a multi-platform image); in index mode, where
# one index holds every variant, it is the variant's manifest digest (comma-separated per platform, in the JSON's order).
set -euo pipefail

fail() {
  echo "::error::$1" >&2
  exit 2
}

source=${INPUT_SOURCE:-}
destination=${INPUT_DESTINATION:-}
[ -n "$source" ] || fail "input 'source' is required"
[ -n "$destination" ] || fail "input 'destination' is required"
: "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
summary_file=${GITHUB_STEP_SUMMARY:-/dev/null}

# The password leaves the environment before anything runs, so no child process inherits it.
username=${INPUT_REGISTRY_USERNAME:-}
password=${INPUT_REGISTRY_PASSWORD:-}
unset INPUT_REGISTRY_PASSWORD
if [ -n "$password" ] && [ -z "$username" ]; then fail "input 'registry-password' needs 'registry-username'"; fi
if [ -n "$username" ] && [ -z "$password" ]; then fail "input 'registry-username' needs 'registry-password'"; fi

args=(chunked convert "$source" "$destination" --json)
if [ -n "${INPUT_VARIANTS:-}" ]; then args+=(--variant "$INPUT_VARIANTS"); fi
if [ -n "${INPUT_PUBLISH:-}" ]; then
  case "$INPUT_PUBLISH" in
    index | tags) args+=(--publish "$INPUT_PUBLISH") ;;
    *) fail "input 'publish' must be index or tags (got '$INPUT_PUBLISH')" ;;
  esac
fi
if [ -n "${INPUT_LEVEL:-}" ]; then
  [[ "$INPUT_LEVEL" =~ ^[0-9]+$ ]] || fail "input 'level' must be a whole number (got '$INPUT_LEVEL')"
  args+=(--level "$INPUT_LEVEL")
fi
if [ -n "${INPUT_SPARSE:-}" ]; then
  case "$INPUT_SPARSE" in
    densify | refuse) args+=(--sparse "$INPUT_SPARSE") ;;
    *) fail "input 'sparse' must be densify or refuse (got '$INPUT_SPARSE')" ;;
  esac
fi
if [ -n "${INPUT_PRIORITIZATION_FILE:-}" ]; then
  [ -f "$INPUT_PRIORITIZATION_FILE" ] || fail "prioritization-file '$INPUT_PRIORITIZATION_FILE' does not exist"
  args+=(--prioritize-file "$INPUT_PRIORITIZATION_FILE")
fi
# The start-up report: the declared list when there is one, else the .NET inference; "none" turns it off.
startup=${INPUT_STARTUP_REPORT:-}
if [ -z "$startup" ]; then startup=${INPUT_PRIORITIZATION_FILE:-auto}; fi
case "$startup" in
  none) ;;
  auto) args+=(--startup auto) ;;
  *)
    [ -f "$startup" ] || fail "startup-report '$startup' is neither auto, none nor an existing file"
    args+=(--startup "$startup")
    ;;
esac
if [ -n "$username" ]; then args+=(--username "$username" --password-stdin); fi
# The converted-layer cache actions/cache keeps between runs (the action's `cache: true`).
if [ -n "${CHUNKEDBUILD_CACHE_DIR:-}" ]; then args+=(--cache-dir "$CHUNKEDBUILD_CACHE_DIR"); fi
if [ -n "${INPUT_EXTRA_ARGS:-}" ]; then
  # Split on whitespace (newlines too), without glob expansion.
  read -r -d '' -a extra <<< "$INPUT_EXTRA_ARGS" || true
  for arg in "${extra[@]}"; do
    case "$arg" in
      --creds | --creds=* | --password | --password=*) fail "extra-args must not carry credentials ($arg); use registry-username and registry-password" ;;
    esac
  done
  args+=("${extra[@]}")
fi

if [ -n "${CHUNKEDBUILD_TOOL_PATH:-}" ]; then PATH="$CHUNKEDBUILD_TOOL_PATH:$PATH"; fi

reader=${CHUNKEDBUILD_JSON_READER:-}
if [ -z "$reader" ]; then
  if command -v jq >/dev/null 2>&1; then reader=jq
  elif command -v python3 >/dev/null 2>&1; then reader=python3
  else fail "reading the tool's JSON needs jq or python3 on PATH"
  fi
fi

result=$(mktemp "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/chunkedbuild-result.XXXXXX")
trap 'rm -f "$result"' EXIT

echo "dotnet ${args[*]}"
status=0
if [ -n "$username" ]; then
  # printf is a shell builtin: the password goes through a pipe, never through argv.
  printf '%s\n' "$password" | dotnet "${args[@]}" > "$result" || status=$?
else
  dotnet "${args[@]}" < /dev/null > "$result" || status=$?
fi
password=
if [ "$status" -ne 0 ]; then
  # shellcheck disable=SC2016 # the backticks are Markdown
  printf '### ChunkedBuild: conversion failed\n\n`dotnet chunked convert` exited with %s; the log of this step has the error.\n' "$status" >> "$summary_file"
  echo "::error::dotnet chunked convert exited with $status" >&2
  exit "$status"
fi

# The JSON becomes records of fields separated by US (0x1F), one record per line:
#   digest US <root digest>
#   vdigest US <variant> US <digest(s)>
#   variant US <name> US <platforms> US <layerBytes> US <originalLayerBytes> US <converted> US <reused> US <kept> US <digest(s)>
#   tag US <tag> US <digest> US <mediaType> US <variant or empty>
#   warning US <text>
#   densified US <variant> US <layer digest> US <name> US <size>                (a sparse file written as a regular file)
#   startup US <list source>                                          (with a start-up report)
#   fxlist US <platform> US <listed files> US <reason when none>
#   cost US <platform> US <variant> US <startupBytes> US <ranges> US <imageBytes>
records() {
  case "$reader" in
    jq)
      jq -r '
        def clean: tostring | gsub("[\n\r\u001f]"; " ");
        . as $doc
        | def vdigest($v): ([$doc.tags[] | select(.variant == $v) | .digest][0])
                           // ([$doc.variants[] | select(.variant == $v) | .manifests[].digest] | join(","));
        (["digest", (.digest // "")]),
        (("estargz", "zstd-chunked", "original") as $v | ["vdigest", $v, vdigest($v)]),
        (.variants[] | ["variant", .variant, (.manifests | length), .layerBytes, .originalLayerBytes, .converted, .reused, .kept,
                        vdigest(.variant)]),
        (.tags[] | ["tag", .tag, .digest, .mediaType, (.variant // "")]),
        (.warnings[] | ["warning", .]),
        (.variants[] | .variant as $v | [.manifests[].layers[]] | unique_by(.digest)[] | .digest as $d
          | (.densified // [])[] | ["densified", $v, $d, .name, .size]),
        (.startup // empty | ["startup", .source],
          (.platforms[] as $p | ["fxlist", $p.platform, ($p.paths | length), ($p.reason // "")],
            ($p.manifests[] | ["cost", $p.platform, .variant, .startupBytes, .ranges, .imageBytes])))
        | map(clean) | join("\u001f")' "$result"
      ;;
    python3)
      python3 - "$result" <<'PY'
import json, re, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
def clean(value):
    return re.sub("[\n\r\x1f]", " ", "" if value is None else str(value))
def vdigest(name):
    tagged = [t["digest"] for t in doc["tags"] if t.get("variant") == name]
    if tagged:
        return tagged[0]
    return ",".join(m["digest"] for v in doc["variants"] if v["variant"] == name for m in v["manifests"])
rows = [["digest", doc.get("digest") or ""]]
rows += [["vdigest", name, vdigest(name)] for name in ("estargz", "zstd-chunked", "original")]
rows += [["variant", v["variant"], len(v["manifests"]), v["layerBytes"], v["originalLayerBytes"], v["converted"], v["reused"], v["kept"],
          vdigest(v["variant"])] for v in doc["variants"]]
rows += [["tag", t["tag"], t["digest"], t["mediaType"], t.get("variant") or ""] for t in doc["tags"]]
rows += [["warning", w] for w in doc["warnings"]]
for v in doc["variants"]:
    layers = {}
    for m in v["manifests"]:
        for layer in m["layers"]:
            layers.setdefault(layer["digest"], layer)
    for digest in sorted(layers):
        rows += [["densified", v["variant"], digest, d["name"], d["size"]] for d in layers[digest].get("densified", [])]
startup = doc.get("startup")
if startup:
    rows.append(["startup", startup["source"]])
    for p in startup["platforms"]:
        rows.append(["fxlist", p["platform"], len(p["paths"]), p.get("reason") or ""])
        rows += [["cost", p["platform"], m["variant"], m["startupBytes"], m["ranges"], m["imageBytes"]] for m in p["manifests"]]
for row in rows:
    print("\x1f".join(clean(field) for field in row))
PY
      ;;
    *) fail "CHUNKEDBUILD_JSON_READER must be jq or python3 (got '$reader')" ;;
  esac
}

# Binary units, as the tool prints them.
human_size() {
  awk -v b="$1" 'BEGIN {
    if (b < 1024) printf "%d B", b
    else if (b < 1048576) printf "%.1f KiB", b / 1024
    else if (b < 1073741824) printf "%.1f MiB", b / 1048576
    else printf "%.2f GiB", b / 1073741824 }'
}
percent() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f%%", 100 * a / b; else printf "-" }'; }

root_digest=
declare -A variant_digest=([estargz]='' [zstd-chunked]='' [original]='')
variant_rows=()
tag_rows=()
warnings=()
densified_rows=()
startup_source=
startup_rows=()
startup_notes=()
records_text=$(records)
while IFS=$'\x1f' read -r kind a b c d e f g h; do
  case "$kind" in
    digest) root_digest=$a ;;
    vdigest) variant_digest[$a]=$b ;;
    variant)
      digest_cell=${h//,/\`<br>\`}
      variant_rows+=("| $a | $b | $(human_size "$c") | $(human_size "$d") | $(percent "$c" "$d") | $e | $f | $g | \`$digest_cell\` |") ;;
    tag) tag_rows+=("| \`$a\` | \`$b\` | ${d:-all variants (index)} |") ;;
    warning) warnings+=("$a") ;;
    densified) densified_rows+=("| $a | \`$b\` | \`$c\` | $(human_size "$d") |") ;;
    startup) startup_source=$a ;;
    fxlist) if [ "$b" = 0 ]; then startup_notes+=("\`$a\`: no startup list ($c)"); fi ;;
    cost) startup_rows+=("| $a | $b | $(human_size "$c") | $d | $(human_size "$e") | $(percent "$c" "$e") |") ;;
    *) fail "unexpected record '$kind' from the JSON reader" ;;
  esac
done <<< "$records_text"

delimiter=CHUNKEDBUILD_$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
while grep -qxF "$delimiter" "$result"; do delimiter=CHUNKEDBUILD_$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n'); done
{
  echo "digest=$root_digest"
  echo "estargz-digest=${variant_digest[estargz]}"
  echo "zstd-chunked-digest=${variant_digest[zstd-chunked]}"
  echo "original-digest=${variant_digest[original]}"
  echo "result<<$delimiter"
  cat "$result"
  [ -z "$(tail -c 1 "$result")" ] || echo
  echo "$delimiter"
} >> "$GITHUB_OUTPUT"

{
  echo "### ChunkedBuild: \`$destination\`"
  echo
  echo "| variant | platforms | layers | original layers | vs original | converted | reused | kept | digest |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
  printf '%s\n' "${variant_rows[@]}"
  echo
  if [ "${#tag_rows[@]}" -gt 0 ]; then
    echo "| tag | digest | variant |"
    echo "| --- | --- | --- |"
    printf '%s\n' "${tag_rows[@]}"
    echo
  fi
  if [ -n "$startup_source" ]; then
    echo "**Start-up cost of a lazy pull** (bytes fetched before the app starts; startup list: $startup_source)"
    echo
    echo "| platform | variant | before start | ranges | image | share |"
    echo "| --- | --- | ---: | ---: | ---: | ---: |"
    printf '%s\n' "${startup_rows[@]}"
    echo
    if [ "${#startup_notes[@]}" -gt 0 ]; then
      printf -- '- %s\n' "${startup_notes[@]}"
      echo
    fi
  fi
  if [ "${#densified_rows[@]}" -gt 0 ]; then
    echo "**Sparse files densified** (written as regular files, the holes as zeros; their layers have new DiffIDs)"
    echo
    echo "| variant | layer | file | size |"
    echo "| --- | --- | --- | ---: |"
    printf '%s\n' "${densified_rows[@]}"
    echo
  fi
  if [ "${#warnings[@]}" -gt 0 ]; then
    echo "**Warnings**"
    echo
    printf -- '- %s\n' "${warnings[@]}"
    echo
  fi
} >> "$summary_file"

echo "digest: $root_digest"
for v in estargz zstd-chunked original; do
  if [ -n "${variant_digest[$v]}" ]; then echo "$v: ${variant_digest[$v]}"; fi
done
