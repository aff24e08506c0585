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

# start_azurite memory|persistent — reuses an Azurite already listening on 10000-10002. Blob, queue and table run as three
# processes (Azurite's own azurite-blob, azurite-queue and azurite-table): each is one Node event loop, and in one process
# the queue service's clean-up of deleted messages (a pass a minute that re-sorts its index for every message it removes,
# seconds of CPU after a burst of thousands) held up every table request behind it.
start_azurite() {
  if port_open 10002 && port_open 10001 && port_open 10000; then log "Azurite already running on 127.0.0.1:10000-10002; using it"; return; fi
  local bin service mode=(--inMemoryPersistence) pids=()
  bin="$(azurite_bin)"
  if [ "${1:-memory}" = persistent ]; then mkdir -p "$ROOT/.local/azurite"; mode=(--location "$ROOT/.local/azurite"); fi
  mkdir -p "$ROOT/.local"
  for service in blob queue table; do
    "$bin-$service" --silent "${mode[@]}" --disableTelemetry --skipApiVersionCheck --${service}Host 127.0.0.1 \
      >"$ROOT/.local/azurite-$service.log" 2>&1 &
    STARTED_PIDS+=($!); pids+=($!)
  done
  wait_for_port 10002 60 && wait_for_port 10001 30 && wait_for_port 10000 30 \
    || { log "Azurite did not start; see .local/azurite-*.log"; tail -n 20 "$ROOT"/.local/azurite-*.log >&2; exit 1; }
  AZURITE_PIDS="${pids[*]}"
  log "Azurite started (blob, queue, table: pids $AZURITE_PIDS) on 127.0.0.1:10000-10002"
}

# azurite_cpu: the CPU seconds each Azurite process this script started has used so far (for the test run's closing lines).
azurite_cpu() {
  local pid service out="" services=(blob queue table) i=0
  for pid in ${AZURITE_PIDS:-}; do
    service=${services[$i]}; i=$((i + 1))
    [ -r "/proc/$pid/stat" ] || continue
    out+="$service $(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f", ($14 + $15) / hz }' "/proc/$pid/stat") s, "
  done
  echo "${out%, }"
}

# smtp4dev (a real SMTP server with a web UI and API) as a dotnet tool in .local/tools/smtp4dev.
SMTP4DEV_VERSION="3.15.0"
smtp4dev_bin() {
  if command -v smtp4dev >/dev/null 2>&1; then command -v smtp4dev; return; fi
  if [ ! -x "$TOOLS/smtp4dev/smtp4dev" ]; then
    log "installing smtp4dev $SMTP4DEV_VERSION with dotnet tool into .local/tools/smtp4dev"
    dotnet tool install Rnwood.Smtp4dev --version "$SMTP4DEV_VERSION" --tool-path "$TOOLS/smtp4dev" >&2
  fi
  echo "$TOOLS/smtp4dev/smtp4dev"
}

# start_smtp4dev — SMTP on 127.0.0.1:2525, web UI and API on http://127.0.0.1:5000; reuses one already running.
start_smtp4dev() {
  if port_open 2525 && port_open 5000; then log "smtp4dev already running (SMTP 2525, UI http://127.0.0.1:5000); using it"; return; fi
  local bin
  bin="$(smtp4dev_bin)"
  mkdir -p "$ROOT/.local"
  # It keeps 100 messages by default: a suite's own e-mails (and the webhook-burst benchmark's thousand) would prune a message
  # before the test that waits for it reads it.
  "$bin" --urls=http://127.0.0.1:5000 --smtpport=2525 --imapport=10143 --pop3port=10110 --db= --messagestokeep=100000 \
    >"$ROOT/.local/smtp4dev.log" 2>&1 &
  STARTED_PIDS+=($!)
  wait_for_port 2525 60 && wait_for_port 5000 30 || { log "smtp4dev did not start; see .local/smtp4dev.log"; tail -20 "$ROOT/.local/smtp4dev.log" >&2; exit 1; }
  log "smtp4dev started (pid ${STARTED_PIDS[-1]}): SMTP 127.0.0.1:2525, web UI http://127.0.0.1:5000"
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

# The founder dashboard (docs/dashboard.md): published once into .local/dashboard (static files the local host serves).
# publish_dashboard [BROTLI_LEVEL]: the test run passes Optimal. Its .br copies are ~20 % larger than at the default
# (smallest size, what scripts/run.sh and azd publish), which nothing over loopback notices, and a clean publish takes
# ~40 s instead of ~80 s, half of that brotli at its highest level.
publish_dashboard() {
  log "publishing the dashboard into .local/dashboard${1:+ (brotli level $1)}"
  rm -rf "$ROOT/.local/dashboard"
  dotnet publish "$ROOT/dashboard/Licensing.Dashboard/Licensing.Dashboard.csproj" -c Release -o "$ROOT/.local/dashboard" \
    ${1:+"-p:_BlazorBrotliCompressionLevel=$1"} -nologo -v quiet -clp:ErrorsOnly >&2
}

# Debian's Chromium for the dashboard's browser tests (Playwright drives it; its own browser download cannot work here).
ensure_chromium() {
  [ -x /usr/bin/chromium ] && return 0
  log "installing chromium (apt-get)"
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2; fi
}
