#!/usr/bin/env bash
# Runs `dotnet chunked convert … --json` for the action; the tool itself appends the step outputs (--github-output) and the
# job summary (--summary). This script only checks the inputs and builds the command line: it reads no JSON.
#
# Environment (the action maps its inputs here; nothing is interpolated into this script):
#   INPUT_SOURCE, INPUT_DESTINATION          required
#   INPUT_VARIANTS, INPUT_PUBLISH, INPUT_LEVEL, INPUT_SPARSE, INPUT_PRIORITIZATION_FILE, INPUT_STARTUP_REPORT, INPUT_EXTRA_ARGS
#   INPUT_REGISTRY_CACHE, INPUT_CACHE_TO, INPUT_CACHE_FROM
#                                            the registry cache: true/false, where to record, where else to look (comma/newline list)
#   INPUT_REGISTRY_USERNAME, INPUT_REGISTRY_PASSWORD
#                                            the password reaches the tool on stdin (--password-stdin), never on a
#                                            command line, and is removed from the environment the tool inherits
#   CHUNKEDBUILD_TOOL_PATH                   the folder holding dotnet-chunked (put first on PATH)
#   CHUNKEDBUILD_CACHE_DIR                   the converted-layer cache folder (--cache-dir), when the action caches it
#   GITHUB_OUTPUT, GITHUB_STEP_SUMMARY       as on GitHub's runners (passed to --github-output and --summary)
#
# Outputs (written by the tool, see ConversionStepOutputs in ChunkedBuild.Core): digest, estargz-digest,
# zstd-chunked-digest, original-digest, result (the --json object, multi-line).
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

# The tool appends the step outputs and the job summary itself.
args=(chunked convert "$source" "$destination" --github-output "$GITHUB_OUTPUT")
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then args+=(--summary "$GITHUB_STEP_SUMMARY"); fi
args+=(--json)
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
case "${INPUT_REGISTRY_CACHE:-}" in
  '' | true) ;;
  false)
    if [ -n "${INPUT_CACHE_TO:-}${INPUT_CACHE_FROM:-}" ]; then fail "input 'registry-cache: false' cannot go with 'cache-to' or 'cache-from'"; fi
    args+=(--no-registry-cache)
    ;;
  *) fail "input 'registry-cache' must be true or false (got '$INPUT_REGISTRY_CACHE')" ;;
esac
if [ -n "${INPUT_CACHE_TO:-}" ]; then args+=(--cache-to "$INPUT_CACHE_TO"); fi
if [ -n "${INPUT_CACHE_FROM:-}" ]; then
  while IFS= read -r ref; do
    ref=${ref#"${ref%%[![:space:]]*}"}
    ref=${ref%"${ref##*[![:space:]]}"}
    if [ -n "$ref" ]; then args+=(--cache-from "$ref"); fi
  done <<< "${INPUT_CACHE_FROM//,/$'\n'}"
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
if [ -n "${INPUT_STARTUP_LINK:-}" ] && [ "$startup" != none ]; then
  [[ "$INPUT_STARTUP_LINK" =~ ^[0-9.]+[kmgKMG]bit(,[0-9.]+m?s)?$ ]] || fail "input 'startup-link' must be RATE[,RTT] such as 100mbit,20ms (got '$INPUT_STARTUP_LINK')"
  args+=(--link "$INPUT_STARTUP_LINK")
fi
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

echo "dotnet ${args[*]}"
status=0
if [ -n "$username" ]; then
  # printf is a shell builtin: the password goes through a pipe, never through argv.
  printf '%s\n' "$password" | dotnet "${args[@]}" || status=$?
else
  dotnet "${args[@]}" < /dev/null || status=$?
fi
password=
if [ "$status" -ne 0 ]; then
  # shellcheck disable=SC2016 # the backticks are Markdown
  printf '### ChunkedBuild: conversion failed\n\n`dotnet chunked convert` exited with %s; the log of this step has the error.\n' "$status" >> "$summary_file"
  echo "::error::dotnet chunked convert exited with $status" >&2
  exit "$status"
fi
