#!/usr/bin/env bash
# Makes the pinned OpenTofu CLI available in .tools/tofu/bin, built from the Go module proxy
# with the machine's Go (as scripts/setup_pulumi.sh builds the Pulumi CLI).
#
# * The binary cached in $CACHE_ROOT is reused (a warm setup takes a byte compare), or built:
#   `go install` refuses the module (its go.mod has replace directives), so the module is
#   downloaded, copied into a scratch tree and built there with `go build ./cmd/tofu`.
#   Go's module and build caches are the Pulumi build's, outside the clone.
# * The tfplugin6.proto the provider server is generated from comes from the same module
#   (docs/terraform.md); it is kept next to the binary for tools/gen_tfplugin.py.
#
# Progress goes to stderr; the last line on stdout is the bin directory.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
log() { echo "[setup-tofu] $*" >&2; }
started=$SECONDS

TOFU_VERSION=${TOFU_VERSION:-1.10.10}
CACHE_ROOT=${OMICS_RESOURCES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/omics-resources}
export GOMODCACHE=$CACHE_ROOT/go/mod GOCACHE=$CACHE_ROOT/go/build GOFLAGS=-mod=mod
cached=$CACHE_ROOT/tofu-v$TOFU_VERSION
tools_bin=$root/.tools/tofu/bin
mkdir -p "$tools_bin"

if [ ! -x "$cached/bin/tofu" ]; then
  command -v go >/dev/null || { log "Go is needed to build OpenTofu: install Go 1.24+"; exit 1; }
  src=$CACHE_ROOT/src/opentofu-v$TOFU_VERSION
  log "downloading github.com/opentofu/opentofu@v$TOFU_VERSION from the Go module proxy"
  dir=$(cd /tmp && go mod download -json "github.com/opentofu/opentofu@v$TOFU_VERSION" \
    | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  rm -rf "$src" && mkdir -p "$(dirname "$src")"
  cp -r "$dir" "$src"
  chmod -R u+w "$src"
  log "building tofu v$TOFU_VERSION (about 3 min cold on 2 cores)"
  mkdir -p "$cached/bin"
  (cd "$src" && CGO_ENABLED=0 go build -trimpath \
    -ldflags "-X github.com/opentofu/opentofu/version.dev=no" \
    -o "$cached/bin/tofu.tmp" ./cmd/tofu)
  # Module zips hold no symlinks: the newest versioned copy of the protocol is the file.
  proto=$(find "$src/docs/plugin-protocol" -name 'tfplugin6*.proto' | sort -V | tail -1)
  cp "$proto" "$cached/tfplugin6.proto"
  mv "$cached/bin/tofu.tmp" "$cached/bin/tofu"
else
  log "reusing the tofu v$TOFU_VERSION built earlier ($cached)"
fi
if ! cmp -s "$cached/bin/tofu" "$tools_bin/tofu"; then
  cp "$cached/bin/tofu" "$tools_bin/tofu.tmp"
  mv "$tools_bin/tofu.tmp" "$tools_bin/tofu"
fi
log "tofu v$TOFU_VERSION ready in $((SECONDS - started)) s"
echo "$tools_bin"
