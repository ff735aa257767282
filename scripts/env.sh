# Environment for running Reflex on this project. Sourced by the Makefile targets and tests.
# bun comes from the npm registry (Reflex's own download host may be unreachable); the
# machine's Node may be too old for Reflex, bun ≥ 1.4.4 is enough.
PROJECT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$PROJECT_ROOT/.tools/node_modules/.bin:$PROJECT_ROOT/.venv/bin:$PATH"
export REFLEX_USE_SYSTEM_BUN=1
export REFLEX_TELEMETRY_ENABLED=false
export REFLEX_CHECK_LATEST_VERSION=0
export NPM_CONFIG_REGISTRY="${NPM_CONFIG_REGISTRY:-$(npm config get registry 2>/dev/null || echo https://registry.npmjs.org/)}"
export PYTHONUNBUFFERED=1
