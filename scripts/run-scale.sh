#!/usr/bin/env bash
# The app at scale (make run-scale WORKERS=3): PostgreSQL + Redis, WORKERS backend processes behind
# one port. The database is created if missing, the schema migrated ONCE and the demo data seeded once,
# here, before the workers start; the workers themselves skip the migration (CJEUNE_MIGRATE_AT_START=0),
# so that N of them never race on it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
WORKERS="${WORKERS:-2}"
PORT="${PORT:-3000}"
export REFLEX_DB_URL="${REFLEX_DB_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/cjeune}"
export REFLEX_REDIS_URL="${REFLEX_REDIS_URL:-redis://127.0.0.1:6379/0}"
export CJEUNE_PUBLIC_URL="${CJEUNE_PUBLIC_URL:-http://localhost:$PORT}"

case "$REFLEX_DB_URL" in
  postgresql*)
    plain="${REFLEX_DB_URL/+psycopg/}"
    name="${plain##*/}"; name="${name%%\?*}"
    admin="${plain%/*}/postgres"
    if ! psql "$admin" -Atc "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
      echo "» Création de la base $name"
      psql "$admin" -qc "CREATE DATABASE \"$name\""
    fi ;;
  *) echo "REFLEX_DB_URL doit désigner PostgreSQL (SQLite n'a qu'un écrivain pour tous les processus)" >&2; exit 2 ;;
esac
redis-cli -u "$REFLEX_REDIS_URL" ping >/dev/null || { echo "Redis ne répond pas sur $REFLEX_REDIS_URL" >&2; exit 2; }

echo "» Schéma migré une fois, données de démonstration"
cjeune migrate
[ "${SEED_DEMO:-1}" = 1 ] && CJEUNE_LOG_LEVEL=warning cjeune seed-demo
echo "» CJeune de Provence, $WORKERS processus : http://localhost:$PORT/ (première compilation : 1 à 2 minutes)"
# /metrics adds up the workers' counts (prometheus-client's multiprocess mode): one fresh folder per run.
export PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-$PWD/var/metrics}"
rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
export CJEUNE_MIGRATE_AT_START=0 GRANIAN_WORKERS="$WORKERS"
# `cjeune serve`: `reflex run --env prod --single-port` whose supervisor respawns a worker that dies.
exec cjeune serve --workers "$WORKERS" --port "$PORT"
