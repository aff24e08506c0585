#!/usr/bin/env bash
# Cold start of the worker to the first 200 on POST /v1/validate (docs/performance.md): provisions a license on one
# local host process, stops it, then --runs times starts a fresh process (Release build) and polls validate every 10 ms
# from the moment the process is launched until it answers 200 VALID. Prints each run and the median, in ms.
#   bench/cold-start.sh [--port 7192] [--runs 5] [--no-build]
# Storage: LICENSING_TEST_STORAGE (a running Azurite), else Azurite on its default ports. Stops only what it started.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT=7192 RUNS=5 BUILD=1
while [ $# -gt 0 ]; do case "$1" in --port) PORT="$2"; shift 2 ;; --runs) RUNS="$2"; shift 2 ;; --no-build) BUILD=0; shift ;; *) echo "unknown option $1" >&2; exit 2 ;; esac; done
STORAGE="${LICENSING_TEST_STORAGE:-UseDevelopmentStorage=true}"
DIR="$(mktemp -d /tmp/licensing-cold-start.XXXXXX)"
DLL="$ROOT/functions/Licensing.LocalHost/bin/Release/net10.0/Licensing.LocalHost.dll"
BASE="http://127.0.0.1:$PORT/api"
PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$DIR"' EXIT

[ "$BUILD" = 0 ] || dotnet build "$ROOT/functions/Licensing.LocalHost/Licensing.LocalHost.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >&2

start() {
  Licensing__StorageConnection="$STORAGE" AzureWebJobsStorage="$STORAGE" Licensing__AdminKey=cold-start-admin \
  Licensing__Signing__LocalKeyPath="$DIR/key.pem" Licensing__LocalSecretsKeyPath="$DIR/dp" LocalHost__DisableTimers=true \
  Logging__LogLevel__Default=Warning dotnet "$DLL" --urls "http://127.0.0.1:$PORT" >>"$DIR/host.log" 2>&1 &
  PID=$!
}
stop() { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null || true; PID=""; }
json() { curl -s -X "$1" "$BASE/$2" -H 'Content-Type: application/json' ${4:+-H "Authorization: Bearer $4"} ${3:+-d "$3"}; }

start
until curl -s -o /dev/null "$BASE/v1/ping"; do sleep 0.2; done
API_KEY="$(json POST v1/accounts '{"name":"Cold start","email":"cold@example.com","tier":"business"}' cold-start-admin | jq -r .apiKey)"
json PUT v1/products/cold-plugin '{"name":"Cold","plans":[{"id":"pro","name":"Pro","model":"subscription","durationDays":365,"maxActivations":3,"features":["core"]}]}' "$API_KEY" >/dev/null
KEY="$(json POST v1/licenses '{"productId":"cold-plugin","customerEmail":"cold@example.com","plan":"pro","domains":["cold-site.com"]}' "$API_KEY" | jq -r .licenseKey)"
[ "$(json POST v1/validate "{\"key\":\"$KEY\",\"domain\":\"cold-site.com\"}" | jq -r .code)" = VALID ] || { echo "provisioning failed" >&2; exit 1; }
stop

times=()
for run in $(seq 1 "$RUNS"); do
  t0=$(date +%s%N)
  start
  until [ "$(curl -s -m 2 -X POST "$BASE/v1/validate" -H 'Content-Type: application/json' -d "{\"key\":\"$KEY\",\"domain\":\"cold-site.com\"}" \
      | jq -r .code 2>/dev/null)" = VALID ]; do sleep 0.01; done
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  times+=("$ms")
  echo "run $run: first 200 VALID on validate ${ms} ms after the process was launched"
  stop
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "cold start to first validate 200: median ${median} ms over $RUNS runs"
