#!/usr/bin/env bash
# Runs the backend locally: Azurite and smtp4dev (started if needed), the API on http://127.0.0.1:7071/api and the
# founder dashboard on http://127.0.0.1:7071/ in the foreground, a local signing key (.local/signing-key.pem, created on first run) and the dev admin key
# from local.settings.sample.json. Ctrl-C or SIGTERM stops everything this script started.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

trap 'stop_started' EXIT
trap 'log "stopping"; exit 0' INT TERM

if port_open 7071; then log "port 7071 is already in use: stop the other process first"; exit 1; fi
start_azurite persistent
start_smtp4dev

log "building the function app and its local host"
dotnet build functions/Licensing.LocalHost/Licensing.LocalHost.csproj -c Debug -nologo -v quiet -clp:ErrorsOnly >&2
publish_dashboard

settings=local.settings.json
[ -f "$settings" ] || settings=local.settings.sample.json
admin_key=$(sed -n 's/.*"Licensing__AdminKey": *"\([^"]*\)".*/\1/p' "$settings")
log "dashboard:  http://127.0.0.1:7071/   (sign up there; the link arrives in smtp4dev)"
log "API:        http://127.0.0.1:7071/api   (try: curl http://127.0.0.1:7071/api/v1/health)"
log "admin key:  $admin_key   (from $settings)"
log "signing:    local P-256 key in .local/signing-key.pem (created on first run, kept across restarts)"
log "short keys: MAC secret in .local/short-key-secrets (created on first run, kept across restarts)"
log "storage:    Azurite, data kept in .local/azurite"
log "e-mail:     smtp4dev, every message the app sends: http://127.0.0.1:5000"

# The local host (functions/Licensing.LocalHost, docs/local-host.md) serves the function app's classes.
LocalHost__DashboardRoot="$ROOT/.local/dashboard/wwwroot" dotnet functions/Licensing.LocalHost/bin/Debug/net10.0/Licensing.LocalHost.dll &
STARTED_PIDS+=($!)
wait "${STARTED_PIDS[-1]}"
