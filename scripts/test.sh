#!/usr/bin/env bash
# Runs every test: installs Azurite and smtp4dev if missing, starts them, builds the solution with warnings
# as errors, runs the xunit suite and prints a closing "N passed, N failed" line.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

trap 'stop_started' EXIT
# On a fresh machine Azurite (npm) and smtp4dev (dotnet tool) are downloaded while the solution builds; both start after.
azurite_bin >/dev/null &
azurite_install=$!
smtp4dev_bin >/dev/null &
smtp4dev_install=$!

log "building Licensing.Functions.sln"
dotnet build Licensing.Functions.sln -c Debug -nologo -v quiet -clp:ErrorsOnly
wait "$azurite_install" || { log "installing Azurite failed (output above)"; exit 1; }
wait "$smtp4dev_install" || { log "installing smtp4dev failed (output above)"; exit 1; }
start_azurite memory
start_smtp4dev

# The house style (.editorconfig): dotnet format changes nothing (whitespace, style, imports), and no C# line is longer
# than max_line_length = 160 characters (counted in characters, hence the UTF-8 locale for grep). Its whitespace and style
# passes only: its third pass, analyzers at warning severity, is what the build above already made errors of
# (TreatWarningsAsErrors, AnalysisLevel latest), and took ~40 s of the check's ~110.
log "checking the house style: dotnet format whitespace + style --verify-no-changes"
{ dotnet format whitespace Licensing.Functions.sln --verify-no-changes --no-restore \
    && dotnet format style Licensing.Functions.sln --verify-no-changes --no-restore; } \
  || { log "dotnet format would change the files above: run 'dotnet format Licensing.Functions.sln' and commit the result"; exit 1; }
long_lines=$(find functions tests bench sdk/dotnet sdk/cli -name '*.cs' -not -path '*/bin/*' -not -path '*/obj/*' -print0 \
  | LC_ALL=C.UTF-8 xargs -0 grep -nE '^.{161,}' | cut -d: -f1,2 || true)
[ -z "$long_lines" ] || { echo "$long_lines"; log "C# lines over 160 characters (file:line above): wrap them by hand"; exit 1; }
# A source file of the app does one thing: at most 250 lines under functions/ (CONTRIBUTING.md).
long_files=$(find functions -name '*.cs' -not -path '*/bin/*' -not -path '*/obj/*' -exec awk 'END { if (NR > 250) print FILENAME ": " NR " lines" }' {} \;)
[ -z "$long_files" ] || { echo "$long_files"; log "source files over 250 lines under functions/: split them by responsibility"; exit 1; }
log "house style: dotnet format clean, no C# line over 160 characters, no source file over 250 lines"

# Infrastructure: bicep build and bicep lint on every template, zero warnings. The bicep CLI comes from the NuGet
# package Azure.Bicep.CommandLine.linux-x64 (restored above as a PackageDownload of the test project).
packages=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: *//')
bicep=$(ls "$packages"azure.bicep.commandline.linux-x64/*/tools/bicep 2>/dev/null | sort -V | tail -1)
[ -n "$bicep" ] || { log "bicep CLI not found under $packages (restore failed?)"; exit 1; }
chmod +x "$bicep"
mkdir -p "$ROOT/.local/infra"
for template in infra/*.bicep; do
  out=$("$bicep" build "$template" --outdir "$ROOT/.local/infra" 2>&1) || { echo "$out"; log "bicep build failed: $template"; exit 1; }
  [ -z "$out" ] || { echo "$out"; log "bicep build warned: $template"; exit 1; }
  out=$("$bicep" lint "$template" 2>&1) || { echo "$out"; log "bicep lint failed: $template"; exit 1; }
  [ -z "$out" ] || { echo "$out"; log "bicep lint warned: $template"; exit 1; }
done
log "bicep build + lint: $(ls infra/*.bicep | wc -l) templates, no warnings"

# The dashboard's browser tests serve the published app and drive the system Chromium.
ensure_chromium
publish_dashboard Optimal

results="$ROOT/.local/test-results"
rm -rf "$results"
log "running tests"
xunit_started=$(date +%s)
set +e
dotnet test tests/Licensing.Tests/Licensing.Tests.csproj -c Debug --no-build --nologo \
  --logger "console;verbosity=normal" --logger "trx;LogFileName=tests.trx" --results-directory "$results"
status=$?
set -e
# Azurite is the suite's shared resource: its CPU beside the wall time shows when storage, not the tests, set the pace.
azurite_used=$(azurite_cpu)
[ -n "$azurite_used" ] && azurite_used="Azurite CPU so far: $azurite_used" || azurite_used="Azurite CPU not counted (the run used an Azurite it did not start)"
log "xunit: $(( $(date +%s) - xunit_started )) s; $azurite_used"

# start_local_host PORT NAME ADMIN_KEY: a local host of this build for an SDK's tests, with its own port, admin key and
# signing key (.local/NAME-test), logging to .local/NAME-host.log; stopped with everything else this script started.
# The public path's 2.5 s storage budget is raised as in the xunit hosts: on a loaded 2-core machine Azurite can stall past
# it and the host then answers 503 as designed, which an SDK test would read as a failure (the budget is tested on its own).
start_local_host() {
  Licensing__PublicPathBudgetSeconds=30 Licensing__AdminKey="$3" Licensing__Signing__LocalKeyPath="$ROOT/.local/$2-test/signing-key.pem" \
    Licensing__LocalSecretsKeyPath="$ROOT/.local/$2-test/dataprotection" Licensing__ShortKeys__LocalPath="$ROOT/.local/$2-test/short-key-secrets" \
    LocalHost__DisableTimers=true \
    dotnet functions/Licensing.LocalHost/bin/Debug/net10.0/Licensing.LocalHost.dll --urls "http://127.0.0.1:$1" \
    >"$ROOT/.local/$2-host.log" 2>&1 &
  STARTED_PIDS+=($!)
  wait_for_port "$1" 60 || { log "the local host for the $2 tests did not start; see .local/$2-host.log"; exit 1; }
}

# attr NAME TAG: the numeric attribute NAME of one XML start tag (a trx <Counters>, a JUnit <testsuite>), 0 when absent.
attr() { local v; v=$(sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$2"); echo "${v:-0}"; }

# The JavaScript SDK: node's test runner against a local host of this build (its own port, admin key and signing key).
js_status=0; js_pass=0; js_fail=0
if command -v node >/dev/null 2>&1; then
  log "running the JavaScript SDK tests against a local host on 127.0.0.1:7099"
  start_local_host 7099 js js-test-admin
  set +e
  LICENSING_API=http://127.0.0.1:7099/api/ LICENSING_ADMIN_KEY=js-test-admin node --test sdk/js/test/ 2>&1 | tee "$ROOT/.local/js-test.log"
  js_status=${PIPESTATUS[0]}
  set -e
  js_pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$ROOT/.local/js-test.log" | tail -1)
  js_fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$ROOT/.local/js-test.log" | tail -1)
else
  log "node is required for the JavaScript SDK tests"; exit 1
fi

# The PHP SDK and the WordPress drop-in: PHPUnit against a local host of this build on its own port, then the sample plugin
# in a real WordPress (Debian's package on MariaDB, served by php -S; tests/wordpress/run.sh). Debian packages are
# installed when missing (as root, as CI runs).
php_status=0; php_pass=0; php_fail=0; php_skip=0
php_packages=(php-cli php-curl php-mysql php-xml php-zip phpunit wordpress mariadb-server)
missing=$(for p in "${php_packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
if [ -n "$missing" ]; then
  [ "$(id -u)" -eq 0 ] || { log "the PHP tests need these Debian packages (install them as root): $missing"; exit 1; }
  log "installing $(echo $missing) with apt-get"
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >&2
fi
php_started=$(date +%s)
log "running the PHP SDK and WordPress tests against a local host on 127.0.0.1:7098"
start_local_host 7098 php php-test-admin
rm -f "$ROOT/.local/php-sdk.xml" "$ROOT/.local/php-wordpress.xml"
set +e
LICENSING_API=http://127.0.0.1:7098/api/ LICENSING_ADMIN_KEY=php-test-admin \
  phpunit -c sdk/php/phpunit.xml --log-junit "$ROOT/.local/php-sdk.xml"
php_status=$?
LICENSING_API=http://127.0.0.1:7098/api/ LICENSING_ADMIN_KEY=php-test-admin WP_PORT=7181 \
  tests/wordpress/run.sh --log-junit "$ROOT/.local/php-wordpress.xml"
wp_status=$?
set -e
[ "$php_status" -ne 0 ] || php_status=$wp_status
for xml in "$ROOT/.local/php-sdk.xml" "$ROOT/.local/php-wordpress.xml"; do
  [ -f "$xml" ] || { php_fail=$((php_fail + 1)); continue; }
  suite=$(grep -o '<testsuite [^>]*>' "$xml" | head -1)
  php_pass=$((php_pass + $(attr tests "$suite") - $(attr failures "$suite") - $(attr errors "$suite") - $(attr skipped "$suite")))
  php_fail=$((php_fail + $(attr failures "$suite") + $(attr errors "$suite"))); php_skip=$((php_skip + $(attr skipped "$suite")))
done
log "PHP: $php_pass passed, $php_fail failed, $php_skip skipped in $(( $(date +%s) - php_started )) s"

trx="$results/tests.trx"
if [ -f "$trx" ]; then
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  executed=$(attr executed "$counters")
  passed=$(( $(attr passed "$counters") + ${js_pass:-0} + php_pass )); failed=$(( $(attr failed "$counters") + ${js_fail:-0} + php_fail ))
  skipped=$(( $(attr total "$counters") - executed + php_skip ))
  # The xunit failures again at the very end, where a CI log's tail shows them: name, message and the first lines of the stack.
  if [ "$(attr failed "$counters")" -gt 0 ] && command -v python3 >/dev/null 2>&1; then
    python3 - "$trx" "$ROOT/.local/test-host.log" <<'PY'
import os, re, sys, xml.etree.ElementTree as ET
ns = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"
# The test hosts' log (.local/test-host.log): entries start "HH:MM:SS.fff Level Category: message", exceptions follow on their own lines.
entries = []
if os.path.exists(sys.argv[2]):
    for line in open(sys.argv[2], errors="replace"):
        if re.match(r"\d\d:\d\d:\d\d\.\d{3} ", line): entries.append([line.rstrip()])
        elif entries and line.strip() and len(entries[-1]) < 4: entries[-1].append("    " + line.strip()[:300])
# Faults the tests cause on purpose (storage on closed ports, injected faults) are left out.
induced = re.compile(r"127\.0\.0\.1:[19]\)|fault \(test\)")
for r in ET.parse(sys.argv[1]).getroot().iter(ns + "UnitTestResult"):
    if r.get("outcome") != "Failed": continue
    text = lambda tag: "".join(e.text or "" for e in r.iter(ns + tag))
    # First what the hosts said of storage, e-mail and errors while it ran (all hosts share the log), then the failure itself.
    start, end = (r.get(k, "")[11:23] for k in ("startTime", "endTime"))
    seen = [e for e in entries if start <= e[0][:12] <= end and re.match(r"\S+ (Warning|Error|Critical) ", e[0])
            and re.search(r"Dependency|[Ss]torage|SMTP|[Ee]-mail|Error ", e[0]) and not induced.search(" ".join(e))]
    if seen:
        print(f"host log while {r.get('testName')} ran: {len(seen)} warnings on storage, e-mail or errors; the last 6:")
        for e in seen[-6:]: print("  " + "\n  ".join(l[:240] for l in e))
    print(f"FAILED {r.get('testName')} ({r.get('startTime')} .. {r.get('endTime')})")
    print("  " + text("Message").strip()[:2000].replace("\n", "\n  "))
    print("  " + "\n  ".join(text("StackTrace").strip().splitlines()[:6]))
PY
  fi
  echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
  [ "${executed:-0}" -gt 0 ] || { echo "no test ran"; exit 1; }
fi
[ "$js_status" -eq 0 ] || exit "$js_status"
[ "$php_status" -eq 0 ] || exit "$php_status"
exit $status
