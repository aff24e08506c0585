#!/usr/bin/env bash
# The WordPress proof: Debian's WordPress on MariaDB (its own data directory and socket, no TCP) served by `php -S` on a
# loopback port, then PHPUnit drives it (tests/wordpress/WordPressTest.php) against a running licensing host.
#   LICENSING_API=http://127.0.0.1:7099/api/ LICENSING_ADMIN_KEY=... tests/wordpress/run.sh [phpunit args]
# Needs php-cli php-curl php-mysql phpunit wordpress mariadb-server (scripts/test.sh installs them). Stops what it starts.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
: "${LICENSING_API:?set LICENSING_API (the licensing host, .../api/)}" "${LICENSING_ADMIN_KEY:?set LICENSING_ADMIN_KEY}"
PORT="${WP_PORT:-7181}"
WORK="${WP_WORK:-$ROOT/.local/wordpress}"
WP_SRC="${WP_SRC:-/usr/share/wordpress}"
pids=()
stop() {
  local pid
  for pid in "${pids[@]:-}"; do [ -n "$pid" ] && kill -- "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]:-}"; do [ -n "$pid" ] && wait "${pid#-}" 2>/dev/null || true; done
}
# WP_KEEP=1 leaves MariaDB and the site running after the tests (to look at the site); stop them with the pids printed.
if [ -n "${WP_KEEP:-}" ]; then trap 'echo "still running: ${pids[*]}" >&2' EXIT; else trap stop EXIT; fi
log() { printf '[%s] wordpress: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

rm -rf "$WORK"
mkdir -p "$WORK/site"
log "MariaDB: new data directory and socket in $WORK"
mariadb-install-db --no-defaults --datadir="$WORK/db" --auth-root-authentication-method=normal --skip-test-db --user="$(id -un)" \
  >"$WORK/db-install.log" 2>&1 || { cat "$WORK/db-install.log" >&2; exit 1; }
mariadbd --no-defaults --datadir="$WORK/db" --socket="$WORK/db.sock" --pid-file="$WORK/db.pid" --skip-networking --user="$(id -un)" \
  --innodb-buffer-pool-size=32M --skip-log-bin >"$WORK/db.log" 2>&1 &
pids+=($!)
for _ in $(seq 300); do [ -S "$WORK/db.sock" ] && break; sleep 0.1; done
[ -S "$WORK/db.sock" ] || { cat "$WORK/db.log" >&2; log "MariaDB did not start"; exit 1; }
mariadb --no-defaults -S "$WORK/db.sock" -uroot \
  -e "CREATE DATABASE wp; CREATE USER wp@localhost IDENTIFIED BY 'wp'; GRANT ALL ON wp.* TO wp@localhost;"

log "WordPress $(sed -n "s/^\$wp_version = '\(.*\)';/\1/p" "$WP_SRC/wp-includes/version.php") from $WP_SRC into $WORK/site"
for entry in "$WP_SRC"/*; do
  name=$(basename "$entry")
  case "$name" in wp-config.php|wp-content) continue ;; esac
  cp -al "$entry" "$WORK/site/" 2>/dev/null || cp -r "$entry" "$WORK/site/"   # hard links: core is never written
done
cp -rL "$WP_SRC/wp-content" "$WORK/site/wp-content"
mkdir -p "$WORK/site/wp-content/mu-plugins"
cp "$HERE/mu-plugins/licensing-test-site.php" "$WORK/site/wp-content/mu-plugins/"
backend_port=$(sed -E 's#^https?://[^:/]+:([0-9]+).*#\1#' <<<"$LICENSING_API")
salts=$(for k in AUTH_KEY SECURE_AUTH_KEY LOGGED_IN_KEY NONCE_KEY AUTH_SALT SECURE_AUTH_SALT LOGGED_IN_SALT NONCE_SALT; do
  printf "define('%s', '%s');\n" "$k" "$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')"; done)
cat >"$WORK/site/wp-config.php" <<PHP
<?php
define('DB_NAME', 'wp');
define('DB_USER', 'wp');
define('DB_PASSWORD', 'wp');
define('DB_HOST', 'localhost:$WORK/db.sock');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
$salts
\$table_prefix = 'wp_';
define('WP_HOME', 'http://127.0.0.1:$PORT');
define('WP_SITEURL', 'http://127.0.0.1:$PORT');
define('WP_CONTENT_DIR', __DIR__ . '/wp-content');
define('FS_METHOD', 'direct');
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_DEBUG', true);
define('WP_DEBUG_LOG', '$WORK/debug.log');
define('WP_DEBUG_DISPLAY', false);
define('LICENSED_SAMPLE_API', '$LICENSING_API');
define('LICENSING_TEST_BACKEND_PORT', $backend_port);
if (is_file(__DIR__ . '/multisite.php')) require __DIR__ . '/multisite.php'; // written when the test turns the site into a network
if (!defined('ABSPATH')) define('ABSPATH', __DIR__ . '/');
require_once ABSPATH . 'wp-settings.php';
PHP

if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then log "127.0.0.1:$PORT is already in use (set WP_PORT)"; exit 1; fi
log "php -S 127.0.0.1:$PORT"
# Its own process group (setsid), stopped as a group: the server's worker processes go with it.
PHP_CLI_SERVER_WORKERS=4 setsid php -S "127.0.0.1:$PORT" -t "$WORK/site" >"$WORK/php-server.log" 2>&1 &
pids+=(-$!)
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done

export WP_URL="http://127.0.0.1:$PORT" WP_DIR="$WORK/site" WP_WORK="$WORK"
set +e
phpunit -c "$HERE/phpunit.xml" "$@"
status=$?
set -e
exit $status
