#!/usr/bin/env bash
# Regenerates omics_resources/terraform/proto/ from the tfplugin6 protocol (MPL-2.0) in the
# OpenTofu module that scripts/setup_tofu.sh downloads, with grpcio-tools (not a pinned
# dependency: only this step needs it; `pip install grpcio-tools==1.76.0`: its protoc makes code
# that the pinned protobuf 6 runs, where 1.85 makes protobuf 7 code).
# The proto is placed at its package path so the generated modules import each other by it.
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE_ROOT=${OMICS_RESOURCES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/omics-resources}
proto=${1:-$CACHE_ROOT/tofu-v${TOFU_VERSION:-1.10.10}/tfplugin6.proto}
python=${PYTHON:-python}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/omics_resources/terraform/proto"
cp "$proto" "$scratch/omics_resources/terraform/proto/tfplugin6.proto"
"$python" -m grpc_tools.protoc -I "$scratch" --python_out=. --grpc_python_out=. \
  "$scratch/omics_resources/terraform/proto/tfplugin6.proto"
echo "generated omics_resources/terraform/proto/ from $proto"
