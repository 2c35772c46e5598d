# Sourced by the demo and test scripts: the pinned tools first on PATH, and a Pulumi that
# never reaches out (no update check, no plugin downloads) and never touches ~/.pulumi.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# .tools/pulumi/bin has the CLI and links to our plugin shims in bin/.
export PATH="$root/.tools/pulumi/bin:$root/.tools/tofu/bin:$root/.venv/bin:$PATH"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_HOME="${PULUMI_HOME:-$root/.state/pulumi-home}"
