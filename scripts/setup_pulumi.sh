#!/usr/bin/env bash
# Makes the pinned Pulumi CLI available in .tools/pulumi/bin, built from the Go module
# proxy with the machine's Go (the CLI is in no registry these machines reach).
#
# * A `pulumi` already on PATH at the pinned version is used as it is.
# * Otherwise the binary cached in $CACHE_ROOT is reused (a warm setup takes seconds), or
#   built: the module github.com/pulumi/pulumi/pkg/v3 and its sibling sdk/v3 are laid out
#   as the repository has them (pkg/ and sdk/, for pkg's relative `replace ../sdk`) in a
#   scratch tree, and built with the vendor's release flags. Go's module and build caches
#   live in $CACHE_ROOT too, outside the clone, so CI on the same machine does not start
#   from scratch.
# * The Python language host is ours (tools/language_host.py, via bin/pulumi-language-python):
#   the Go module of Pulumi's own is not served by the proxy (403).
# * The YAML language host, pulumi-language-yaml, is Pulumi's own: its module is served, so
#   it is built with `go install` into $CACHE_ROOT and copied next to the CLI, where the
#   engine looks for language plugins first. Warm, that is a byte compare.
#
# Progress goes to stderr; the last line on stdout is the bin directory.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
log() { echo "[setup-pulumi] $*" >&2; }
started=$SECONDS

# The CLI version. The Python SDK is pinned at 3.272.0 (the newest on PyPI), but the proxy
# serves github.com/pulumi/pulumi/pkg/v3 only at some versions, not 3.272.0 (403); 3.274.1
# is the nearest it has, and a CLI newer than the SDK is the supported direction.
PULUMI_CLI_VERSION=${PULUMI_CLI_VERSION:-3.274.1}
# A dependency pinned by pkg/v3 at a commit the proxy does not serve, and the release it
# is replaced with.
GO_REPLACES=("gocloud.dev=gocloud.dev@v0.47.0")
# The YAML language host (github.com/pulumi/pulumi-yaml). Its go.mod has no replace
# directives, so `go install module@version` builds it as released (it pins its own
# pulumi pkg/sdk, 3.206.0; the host and the CLI speak the engine's stable gRPC protocol).
PULUMI_YAML_VERSION=${PULUMI_YAML_VERSION:-1.25.0}

CACHE_ROOT=${OMICS_RESOURCES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/omics-resources}
export GOMODCACHE=$CACHE_ROOT/go/mod GOCACHE=$CACHE_ROOT/go/build GOFLAGS=-mod=mod
cached_bin=$CACHE_ROOT/pulumi-v$PULUMI_CLI_VERSION/bin
tools_bin=$root/.tools/pulumi/bin
mkdir -p "$tools_bin"

version_of() { "$1" version 2>/dev/null | tr -d '[:space:]'; }

if [ "$(version_of "$tools_bin/pulumi")" = "v$PULUMI_CLI_VERSION" ]; then
  log "pulumi v$PULUMI_CLI_VERSION already in .tools/pulumi/bin"
elif on_path=$(command -v pulumi 2>/dev/null) && [ "$(version_of "$on_path")" = "v$PULUMI_CLI_VERSION" ]; then
  log "using $on_path (v$PULUMI_CLI_VERSION)"
  ln -sf "$on_path" "$tools_bin/pulumi"
else
  if [ "$(version_of "$cached_bin/pulumi")" != "v$PULUMI_CLI_VERSION" ]; then
    command -v go >/dev/null || { log "Go is needed to build the pulumi CLI: install Go 1.26+"; exit 1; }
    src=$CACHE_ROOT/src/pulumi-v$PULUMI_CLI_VERSION
    log "downloading github.com/pulumi/pulumi/{pkg,sdk}/v3@v$PULUMI_CLI_VERSION from the Go module proxy"
    dirs=$(cd /tmp && go mod download -json "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_CLI_VERSION" \
      "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_CLI_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
    rm -rf "$src" && mkdir -p "$src"
    cp -r "$(echo "$dirs" | grep /pkg/)" "$src/pkg"
    cp -r "$(echo "$dirs" | grep /sdk/)" "$src/sdk"
    chmod -R u+w "$src"
    for replace in "${GO_REPLACES[@]}"; do (cd "$src/pkg" && go mod edit -replace "$replace"); done
    log "building pulumi v$PULUMI_CLI_VERSION (a cold build takes a few minutes on 2 cores)"
    mkdir -p "$cached_bin"
    (cd "$src/pkg" && CGO_ENABLED=0 go build -trimpath -tags osusergo,grpcnotrace \
      -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_CLI_VERSION" \
      -o "$cached_bin/pulumi.tmp" ./cmd/pulumi)
    mv "$cached_bin/pulumi.tmp" "$cached_bin/pulumi"
  else
    log "reusing the pulumi v$PULUMI_CLI_VERSION built earlier ($cached_bin)"
  fi
  cp "$cached_bin/pulumi" "$tools_bin/pulumi"
fi

yaml_cached=$CACHE_ROOT/pulumi-language-yaml-v$PULUMI_YAML_VERSION/bin
if [ ! -x "$yaml_cached/pulumi-language-yaml" ]; then
  command -v go >/dev/null || { log "Go is needed to build pulumi-language-yaml: install Go 1.26+"; exit 1; }
  log "building pulumi-language-yaml v$PULUMI_YAML_VERSION from the Go module proxy (about 2 min cold)"
  mkdir -p "$yaml_cached/tmp"
  # GOBIN to a scratch dir and a rename, so an interrupted build never leaves a binary
  # that a warm run would take for a finished one.
  (cd "$CACHE_ROOT" && CGO_ENABLED=0 GOBIN="$yaml_cached/tmp" go install -trimpath \
    -ldflags "-X github.com/pulumi/pulumi-yaml/pkg/version.Version=v$PULUMI_YAML_VERSION" \
    "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@v$PULUMI_YAML_VERSION")
  mv "$yaml_cached/tmp/pulumi-language-yaml" "$yaml_cached/pulumi-language-yaml"
  rmdir "$yaml_cached/tmp"
fi
if ! cmp -s "$yaml_cached/pulumi-language-yaml" "$tools_bin/pulumi-language-yaml"; then
  cp "$yaml_cached/pulumi-language-yaml" "$tools_bin/pulumi-language-yaml.tmp"
  mv "$tools_bin/pulumi-language-yaml.tmp" "$tools_bin/pulumi-language-yaml"
fi

# The plugins the engine looks for next to the CLI: our language host and provider shim.
for plugin in pulumi-language-python pulumi-language-nodejs pulumi-resource-pulumi-python \
  pulumi-resource-omics; do
  ln -sf "$root/bin/$plugin" "$tools_bin/$plugin"
done
log "pulumi $(version_of "$tools_bin/pulumi") and pulumi-language-yaml v$PULUMI_YAML_VERSION ready in $((SECONDS - started)) s"
echo "$tools_bin"
