#!/usr/bin/env bash
# Installs ChunkedBuild.Tool (the `dotnet chunked` command) into a tool path for the action's later steps.
# Environment: CHUNKEDBUILD_TOOL_PATH (the folder, required), INPUT_TOOL_VERSION (latest | prerelease | a NuGet version
# or range; default latest), INPUT_TOOL_SOURCE (an extra NuGet feed URL or folder, optional), GITHUB_ACTION_PATH (this
# action's folder inside its repository checkout).
# latest and prerelease come from the feeds when a feed holds the package; when none does (before the first release,
# or with feeds that do not mirror it), the tool is packed from the action's own checkout and installed from there. A
# pinned version or range comes from a feed or fails. Writes the output `tool-path` to $GITHUB_OUTPUT. Installing the
# same version again is a no-op.
set -euo pipefail

tool_path=${CHUNKEDBUILD_TOOL_PATH:?CHUNKEDBUILD_TOOL_PATH must name the folder to install the tool into}
version=${INPUT_TOOL_VERSION:-latest}
source=${INPUT_TOOL_SOURCE:-}
: "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"

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

# Packs the tool from the repository this action was checked out from (github.action_path is <repository>/action)
# under a version derived from the sources, so a changed checkout never meets an older package in NuGet's caches.
install_from_checkout() {
  local checkout project digest local_version work
  checkout=$(cd "${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}/.." && pwd)
  project=$checkout/src/ChunkedBuild.Tool/ChunkedBuild.Tool.csproj
  if [ ! -f "$project" ]; then
    echo "::error::no feed holds ChunkedBuild.Tool and the action's checkout ($checkout) has no $project to pack" >&2
    exit 1
  fi
  digest=$(cd "$checkout" && find src global.json Directory.Build.props Directory.Packages.props -type f \
      \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.targets' -o -name '*.json' \) \
      -not -path '*/bin/*' -not -path '*/obj/*' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12)
  local_version=0.0.0-checkout.$digest
  work=${RUNNER_TEMP:-${TMPDIR:-/tmp}}/chunkedbuild-pack
  echo "::notice::No NuGet feed holds ChunkedBuild.Tool ($version); packing it from the action's checkout $checkout as version $local_version"
  rm -rf "$work"
  dotnet pack "$project" -c Release -o "$work/feed" --artifacts-path "$work/artifacts" "-p:Version=$local_version" -nologo
  dotnet tool install --tool-path "$tool_path" ChunkedBuild.Tool --version "$local_version" --add-source "$work/feed"
}

echo "dotnet ${args[*]}"
if ! dotnet "${args[@]}"; then
  case "$version" in
    latest | prerelease) install_from_checkout ;;
    *)
      echo "::error::ChunkedBuild.Tool $version could not be installed from the NuGet feeds" >&2
      exit 1
      ;;
  esac
fi
"$tool_path/dotnet-chunked" --version
echo "tool-path=$tool_path" >> "$GITHUB_OUTPUT"
