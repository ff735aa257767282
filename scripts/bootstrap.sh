#!/usr/bin/env bash
# Installs what the project needs, idempotently: Python venv + dependencies, bun (for Reflex)
# and, with --test, axe-core and Debian's Chromium for the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
with_tests=0
[ "${1:-}" = "--test" ] && with_tests=1

PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  echo "» Création de l'environnement Python (.venv)"
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)-$with_tests"
if [ ! -f "$stamp" ]; then
  echo "» Installation des dépendances Python"
  extras=""; [ $with_tests = 1 ] && extras="[test]"
  .venv/bin/pip install --quiet --disable-pip-version-check -e ".$extras"
  touch "$stamp"
fi

# JS tools, pinned, from the npm registry: bun runs Reflex's frontend build; axe-core audits
# accessibility in the browser tests.
if [ ! -x .tools/node_modules/.bin/bun ] || ! cmp -s scripts/tools-package.json .tools/package.json; then
  echo "» Installation de bun et axe-core (.tools)"
  mkdir -p .tools
  cp scripts/tools-package.json .tools/package.json
  (cd .tools && npm install --no-audit --no-fund --loglevel=error >/dev/null)
fi

if [ $with_tests = 1 ] && [ ! -x /usr/bin/chromium ]; then
  echo "» Installation de Chromium (Debian)"
  SUDO=""; [ "$(id -u)" != 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
