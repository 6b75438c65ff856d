#!/usr/bin/env bash
# Installs ChunkedBuild.Tool (the `dotnet chunked` command) into a tool path for the action's later steps.
# Environment: CHUNKEDBUILD_TOOL_PATH (the folder, required), INPUT_TOOL_VERSION (latest | prerelease | a NuGet version
# or range; default latest), INPUT_TOOL_SOURCE (an extra NuGet feed URL or folder, optional).
# Writes the output `tool-path` to $GITHUB_OUTPUT. Installing the same version again is a no-op.
set -euo pipefail

tool_path=${CHUNKEDBUILD_TOOL_PATH:?CHUNKEDBUILD_TOOL_PATH must name the folder to install the tool into}
version=${INPUT_TOOL_VERSION:-latest}
source=${INPUT_TOOL_SOURCE:-}

if ! command -v dotnet >/dev/null 2>&1; then
  echo "::error::dotnet is not on PATH; install the .NET 10 SDK first (actions/setup-dotnet with dotnet-version: 10.0.x)" >&2
  exit 1
fi

args=(tool install --tool-path "$tool_path" ChunkedBuild.Tool)
case "$version" in
  latest) ;;
  prerelease) args+=(--prerelease) ;;
  *) args+=(--version "$version") ;;
esac
if [ -n "$source" ]; then
  # A relative folder is relative to the workspace, as other action inputs are.
  if [ -d "$source" ]; then source=$(cd "$source" && pwd); fi
  args+=(--add-source "$source")
fi

echo "dotnet ${args[*]}"
dotnet "${args[@]}"
"$tool_path/dotnet-chunked" --version
echo "tool-path=$tool_path" >> "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
