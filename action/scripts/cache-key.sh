#!/usr/bin/env bash
# Makes the actions/cache key of the converted-layer cache (the action's `cache: true`).
#
# The key covers what decides whether a cached conversion can be reused: the source's base layers (every layer of every
# platform but the top one, which changes with each build of the app), the conversion inputs and the tool version. A
# new base image therefore misses; a new build of the app on the same base hits, and only its top layer is converted.
# Reads the source's base layers with `dotnet chunked inspect --base-layers --no-entries` (no JSON to read).
#
# Environment: INPUT_SOURCE (required); INPUT_VARIANTS, INPUT_LEVEL, INPUT_SPARSE, INPUT_PRIORITIZATION_FILE,
#   INPUT_EXTRA_ARGS (part of the key); INPUT_REGISTRY_USERNAME, INPUT_REGISTRY_PASSWORD (the password reaches the tool on
#   stdin only); CHUNKEDBUILD_TOOL_PATH; CHUNKEDBUILD_CACHE_DIR (the cache folder); RUNNER_OS.
# Outputs: key, path.
set -euo pipefail

fail() {
  echo "::error::$1" >&2
  exit 2
}

source=${INPUT_SOURCE:-}
[ -n "$source" ] || fail "input 'source' is required"
cache_dir=${CHUNKEDBUILD_CACHE_DIR:?CHUNKEDBUILD_CACHE_DIR must name the cache folder}
: "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
username=${INPUT_REGISTRY_USERNAME:-}
password=${INPUT_REGISTRY_PASSWORD:-}
unset INPUT_REGISTRY_PASSWORD
if [ -n "${CHUNKEDBUILD_TOOL_PATH:-}" ]; then PATH="$CHUNKEDBUILD_TOOL_PATH:$PATH"; fi

# The base layers (each manifest's layers but its last, every digest once, sorted), one per line, from the tool itself.
args=(chunked inspect "$source" --base-layers --no-entries)
if [ -n "$username" ]; then
  args+=(--username "$username" --password-stdin)
  base=$(printf '%s\n' "$password" | dotnet "${args[@]}") || fail "dotnet chunked inspect could not read the source"
else
  base=$(dotnet "${args[@]}" < /dev/null) || fail "dotnet chunked inspect could not read the source"
fi
password=

prioritization=none
if [ -n "${INPUT_PRIORITIZATION_FILE:-}" ] && [ -f "$INPUT_PRIORITIZATION_FILE" ]; then
  prioritization=$(sha256sum < "$INPUT_PRIORITIZATION_FILE" | cut -c1-64)
fi
tool=$(dotnet chunked --version)
inputs=$(printf 'tool=%s\nvariants=%s\nlevel=%s\nsparse=%s\nprioritization=%s\nextra=%s\nbase=\n%s\n' "$tool" \
  "${INPUT_VARIANTS:-}" "${INPUT_LEVEL:-}" "${INPUT_SPARSE:-}" "$prioritization" "${INPUT_EXTRA_ARGS:-}" "$base")
key=chunkedbuild-layers-${RUNNER_OS:-Linux}-$(printf '%s' "$inputs" | sha256sum | cut -c1-32)

mkdir -p "$cache_dir"
echo "converted-layer cache: $cache_dir, key $key ($(printf '%s' "$base" | grep -c . || true) base layers)"
{
  echo "key=$key"
  echo "path=$cache_dir"
} >> "$GITHUB_OUTPUT"
