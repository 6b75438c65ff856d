#!/usr/bin/env bash
# Regenerates hello/: a small real OCI image layout (the README's main command converts it). Steps:
#  1. a tiny deterministic base image (one gzip layer made with GNU tar + gzip -n, hand-written config/manifest);
#  2. Debian's docker-registry on 127.0.0.1 and skopeo to push the base there (the SDK only pulls bases from registries);
#  3. `dotnet publish -t:PublishContainer` of tests/ChunkedBuild.Testing/Apps/Hello onto it, written as an OCI archive;
#  4. the archive unpacked into hello/ (the SDK's layout as is: "platform":{} in index.json, tag "latest").
# The base layer is byte-identical on every run; the app layer is not (the SDK stores real mtimes in it).
# Needs: tar, gzip, sha256sum, awk, curl, skopeo, docker-registry, dotnet (SDK 10).
set -euo pipefail
umask 022
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
port=${SAMPLE_REGISTRY_PORT:-5055}
work=$(mktemp -d)
registry_pid=
cleanup() { [ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# 1. Base root file system: os-release, a directory tree, a symlink, /tmp 1777 and ~300 KB of data.
rootfs=$work/rootfs
mkdir -p "$rootfs/etc" "$rootfs/tmp" "$rootfs/usr/bin" "$rootfs/usr/share/sample/data"
printf 'NAME="ChunkedBuild sample base"\nID=samplebase\nVERSION_ID=1\n' > "$rootfs/etc/os-release"
printf 'A tiny deterministic base image for the ChunkedBuild sample.\n' > "$rootfs/usr/share/sample/README"
# ~250 KB of pseudo-random hex rows (MINSTD, exact in awk's doubles) and ~60 KB of counted lines.
awk 'BEGIN { x = 42; for (i = 1; i <= 7000; i++) { line = ""; for (k = 0; k < 4; k++) { x = (x * 48271) % 2147483647; line = line sprintf("%08x", x) } print line } }' > "$rootfs/usr/share/sample/data/noise.hex"
awk 'BEGIN { for (i = 1; i <= 4000; i++) printf "%05d sample line %d of the data file\n", i, (i * 7919) % 104729 }' > "$rootfs/usr/share/sample/data/lines.txt"
ln -s ../share/sample/README "$rootfs/usr/bin/sample-readme"
find "$rootfs" -type d -exec chmod 0755 {} +
find "$rootfs" -type f -exec chmod 0644 {} +
chmod 1777 "$rootfs/tmp"
tar --sort=name --mtime=@1704067200 --owner=0 --group=0 --numeric-owner --format=posix --pax-option=delete=atime,delete=ctime \
  -C "$rootfs" -cf "$work/layer.tar" etc tmp usr
gzip -n -9 -c "$work/layer.tar" > "$work/layer.tar.gz"

base=$work/base
mkdir -p "$base/blobs/sha256"
blob() { # blob <file> -> prints the hex digest, stores the file as a blob
  local hex; hex=$(sha256sum "$1" | cut -d' ' -f1); cp "$1" "$base/blobs/sha256/$hex"; echo "$hex"
}
size() { stat -c %s "$1"; }
diff_id=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
layer=$(blob "$work/layer.tar.gz")
printf '{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created_by":"samples/images/make-sample.sh"}]}' \
  "$diff_id" > "$work/config.json"
config=$(blob "$work/config.json")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
  "$config" "$(size "$work/config.json")" "$layer" "$(size "$work/layer.tar.gz")" > "$work/manifest.json"
manifest=$(blob "$work/manifest.json")
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"1"}}]}' \
  "$manifest" "$(size "$work/manifest.json")" > "$base/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' > "$base/oci-layout"

# 2. A throwaway registry on 127.0.0.1 and the base pushed to it.
mkdir -p "$work/registry"
cat > "$work/registry/config.yml" <<YAML
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $work/registry/data}}
http: {addr: 127.0.0.1:$port}
YAML
docker-registry serve "$work/registry/config.yml" > "$work/registry/log" 2>&1 &
registry_pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done
printf '{"default":[{"type":"insecureAcceptAnything"}]}' > "$work/policy.json"
skopeo --policy "$work/policy.json" copy --quiet --dest-tls-verify=false "oci:$base:1" "docker://127.0.0.1:$port/samplebase:1"

# 3. The SDK publish, outside the repository so its Directory.Build.props does not apply.
app=$work/app
mkdir -p "$app"
cp "$repo/tests/ChunkedBuild.Testing/Apps/Hello/Hello.csproj" "$repo/tests/ChunkedBuild.Testing/Apps/Hello/Program.cs" "$app/"
for f in Directory.Build.props Directory.Build.targets Directory.Packages.props; do echo '<Project />' > "$app/$f"; done
DOTNET_CONTAINER_INSECURE_REGISTRIES=127.0.0.1:$port DOTNET_CLI_USE_MSBUILD_SERVER=0 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 \
  dotnet publish "$app/Hello.csproj" -t:PublishContainer -nodeReuse:false -v:minimal \
  -p:ContainerBaseImage=127.0.0.1:$port/samplebase:1 -p:ContainerRuntimeIdentifier=linux-x64 \
  -p:ContainerImageTags=latest -p:ContainerArchiveOutputPath="$work/hello.tar"

# 4. Unpack the SDK's OCI archive into hello/ and check that skopeo reads it.
rm -rf "$here/hello"
mkdir -p "$here/hello"
tar -xf "$work/hello.tar" -C "$here/hello"
skopeo --policy "$work/policy.json" inspect "oci:$here/hello:latest" > /dev/null
du -sb "$here/hello"
