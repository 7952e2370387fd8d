#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for tests, listening on 127.0.0.1 only.
#   scripts/pg-test-server.sh          create (first run) and start; prints a DATABASE_URL on stdout
#   scripts/pg-test-server.sh stop     stop the cluster
#   scripts/pg-test-server.sh destroy  stop and delete the data dir
# Idempotent: re-running while it is up just prints the URL again.
# Usage in CI:  export TEST_POSTGRES_URL="$(scripts/pg-test-server.sh)"
# Needs the Debian `postgresql` package (apt-get install -y postgresql).
# Env: PGTEST_DIR (default /tmp/bugsift-pg), PGTEST_PORT (default 55432), PGTEST_DB (default bugsift_test).
set -euo pipefail

DIR="${PGTEST_DIR:-/tmp/bugsift-pg}"
PORT="${PGTEST_PORT:-55432}"
DB="${PGTEST_DB:-bugsift_test}"
DATA="$DIR/data"

BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
if [ -z "$BIN" ] || [ ! -x "$BIN/pg_ctl" ]; then
  echo "pg-test-server: PostgreSQL server binaries not found; run: apt-get install -y postgresql" >&2
  exit 1
fi

# initdb/postgres refuse to run as root: use the postgres system user then.
if [ "$(id -u)" = "0" ]; then
  id postgres >/dev/null 2>&1 || { echo "pg-test-server: running as root but no 'postgres' user exists" >&2; exit 1; }
  as_pg() { runuser -u postgres -- "$@"; }
  OWNER=postgres
else
  as_pg() { "$@"; }
  OWNER="$(id -un)"
fi

case "${1:-start}" in
  stop)
    if [ -f "$DATA/PG_VERSION" ]; then as_pg "$BIN/pg_ctl" -D "$DATA" -m fast stop >&2 || true; fi
    exit 0 ;;
  destroy)
    if [ -f "$DATA/PG_VERSION" ]; then as_pg "$BIN/pg_ctl" -D "$DATA" -m fast stop >&2 || true; fi
    rm -rf "$DIR"
    exit 0 ;;
  start) ;;
  *) echo "usage: $0 [start|stop|destroy]" >&2; exit 2 ;;
esac

mkdir -p "$DIR"
chown "$OWNER" "$DIR"
chmod 700 "$DIR"

if [ ! -f "$DATA/PG_VERSION" ]; then
  # trust auth is acceptable only because the server listens on 127.0.0.1 and a private socket dir.
  as_pg "$BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C >"$DIR/initdb.log" 2>&1 \
    || { cat "$DIR/initdb.log" >&2; exit 1; }
fi

if ! as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  as_pg "$BIN/pg_ctl" -D "$DATA" -l "$DIR/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c full_page_writes=off" start >&2 \
    || { tail -n 20 "$DIR/server.log" >&2; exit 1; }
fi

PSQL=("$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA)
if [ "$(as_pg "${PSQL[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != "1" ]; then
  as_pg "${PSQL[@]}" -c "CREATE DATABASE \"$DB\"" >&2
fi

echo "postgresql://postgres@127.0.0.1:$PORT/$DB"
