# Sourced by scripts/test: makes sure DATABASE_URL points at a PostgreSQL server that
# accepts connections, starting a throwaway one if needed. Exports DATABASE_URL.

pg_reachable() {
  # psql answers "select 1" only if the server is up and the credentials work.
  if command -v psql >/dev/null 2>&1; then
    psql "$1" -Atqc 'select 1' >/dev/null 2>&1
  else
    # Without psql, settle for the port being open.
    local hostport=${1#*@}
    hostport=${hostport%%/*}
    local host=${hostport%%:*} port=${hostport##*:}
    [ "$port" = "$hostport" ] && port=5432
    (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null
  fi
}

ensure_postgres() {
  local default_url="postgres://postgres@127.0.0.1:5432/postgres"
  if [ -n "${DATABASE_URL:-}" ]; then
    if pg_reachable "$DATABASE_URL"; then
      echo "PostgreSQL: using DATABASE_URL"
      return 0
    fi
    echo "PostgreSQL: DATABASE_URL is set but does not accept connections" >&2
    return 1
  fi
  if pg_reachable "$default_url"; then
    export DATABASE_URL=$default_url
    echo "PostgreSQL: using $DATABASE_URL"
    return 0
  fi
  local initdb pg_ctl
  initdb=$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | tail -n 1)
  pg_ctl=$(command -v pg_ctl || ls /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | tail -n 1)
  if [ -z "$initdb" ] || [ -z "$pg_ctl" ]; then
    cat >&2 <<MSG
PostgreSQL is needed for the integration tests and none was found:
  - DATABASE_URL is not set,
  - nothing accepts connections at $default_url,
  - initdb/pg_ctl are not installed, so no throwaway server can be started.
Install PostgreSQL (e.g. apt-get install postgresql) or set DATABASE_URL.
MSG
    return 1
  fi
  PG_TMP=$(mktemp -d)
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 54329)
  local run_as=()
  # initdb refuses to run as root; use the postgres account when we are root.
  if [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1; then
    chown postgres "$PG_TMP"
    run_as=(runuser -u postgres --)
  fi
  echo "PostgreSQL: starting a throwaway server in $PG_TMP on port $port"
  "${run_as[@]}" "$initdb" -D "$PG_TMP/data" -U postgres --auth=trust >/dev/null || return 1
  "${run_as[@]}" "$pg_ctl" -D "$PG_TMP/data" -o "-p $port -k $PG_TMP -c listen_addresses=127.0.0.1" -l "$PG_TMP/log" -w start >/dev/null || return 1
  export DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
  PG_STOP=("${run_as[@]}" "$pg_ctl" -D "$PG_TMP/data" -m fast stop)
  trap 'stop_postgres' EXIT
}

stop_postgres() {
  if [ -n "${PG_STOP+x}" ]; then
    "${PG_STOP[@]}" >/dev/null 2>&1 || true
    rm -rf "$PG_TMP"
  fi
}
