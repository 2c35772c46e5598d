#!/usr/bin/env bash
# Regenerates the TypeScript and Go SDKs in sdk/ from the provider's schema, with Pulumi's
# code generators (tools/sdkgen, built by setup_sdks.sh). Run it after the schema changes;
# tests/e2e/test_sdks.py fails while sdk/ is stale. sdk/go/go.mod and go.sum are kept by
# hand (they pin the Pulumi Go SDK); everything else in sdk/ is generated.
set -euo pipefail
cd "$(dirname "$0")/.."
sdkgen=$(bash scripts/setup_sdks.sh | sed -n 's/^sdkgen=//p')
exec "$sdkgen" -schema omics_resources/provider/schema.json -languages tools/sdkgen/languages.json -out sdk "$@"
