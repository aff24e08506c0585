#!/usr/bin/env bash
# Shared helpers for run.sh and test.sh: find or install Azurite, start it, stop what we started.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.local/tools"
AZURITE_VERSION="3.37.0"
STARTED_PIDS=()

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for_port() { # port seconds
  local i
  for ((i = 0; i < $2 * 10; i++)); do port_open "$1" && return 0; sleep 0.1; done
  return 1
}

# Azurite from PATH, else from .local/tools, else installed there with npm (no global install, no sudo).
azurite_bin() {
  if command -v azurite >/dev/null 2>&1; then command -v azurite; return; fi
  if [ ! -x "$TOOLS/node_modules/.bin/azurite" ]; then
    command -v npm >/dev/null 2>&1 || { log "npm is required to install Azurite (Node 20+)"; exit 1; }
    log "installing azurite@$AZURITE_VERSION with npm into .local/tools"
    mkdir -p "$TOOLS"
    npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error "azurite@$AZURITE_VERSION" >&2
  fi
  echo "$TOOLS/node_modules/.bin/azurite"
}

# start_azurite memory|persistent — reuses an Azurite already listening on 10000-10002.
start_azurite() {
  if port_open 10002 && port_open 10001; then log "Azurite already running on 127.0.0.1:10000-10002; using it"; return; fi
  local bin mode=(--inMemoryPersistence)
  bin="$(azurite_bin)"
  if [ "${1:-memory}" = persistent ]; then mkdir -p "$ROOT/.local/azurite"; mode=(--location "$ROOT/.local/azurite"); fi
  mkdir -p "$ROOT/.local"
  "$bin" --silent "${mode[@]}" --disableTelemetry --skipApiVersionCheck \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 >"$ROOT/.local/azurite.log" 2>&1 &
  STARTED_PIDS+=($!)
  wait_for_port 10002 60 && wait_for_port 10001 10 || { log "Azurite did not start; see .local/azurite.log"; cat "$ROOT/.local/azurite.log" >&2; exit 1; }
  log "Azurite started (pid ${STARTED_PIDS[-1]}) on 127.0.0.1:10000-10002"
}

stop_started() {
  local pid
  for pid in "${STARTED_PIDS[@]:-}"; do
    [ -n "$pid" ] || continue
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${STARTED_PIDS[@]:-}"; do
    [ -n "$pid" ] || continue
    wait "$pid" 2>/dev/null || true
  done
  STARTED_PIDS=()
}
