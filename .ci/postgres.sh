#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the store tests (store/..., issue #19).
#
# Source it from .ci/run:   . .ci/postgres.sh
# It installs PostgreSQL with apt-get when no server binaries are found
# (as root), creates a cluster in a temporary directory owned by an
# unprivileged user (postgres as root does not run as root: the
# "postgres" account, else the caller when not root), listening only on a
# unix socket in that directory, starts it, and exports
#   OPENBADGES_POSTGRES_DSN  a postgres:// URL for the tests
#   OPENBADGES_POSTGRES=require  so that the PostgreSQL tests fail, not skip
# An EXIT trap (openbadges_postgres_stop) stops the cluster and removes the
# directory. When no server can be had it exports neither variable, and
# says so: the PostgreSQL tests then skip with a message.
#
# Run directly (bash .ci/postgres.sh -- CMD ARGS...) it runs CMD with the
# cluster and stops it after.

openbadges_postgres_start() {
  local bindir="" d
  for d in "$(pg_config --bindir 2>/dev/null || true)" $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then bindir=$d; break; fi
  done
  if [ -z "$bindir" ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "postgres.sh: installing PostgreSQL with apt-get"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; } \
      || echo "postgres.sh: PostgreSQL could not be installed"
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
      if [ -x "$d/initdb" ]; then bindir=$d; break; fi
    done
  fi
  if [ -z "$bindir" ]; then
    echo "postgres.sh: no PostgreSQL server binaries: the PostgreSQL store tests will skip"
    return 0
  fi

  local run_as=""
  if [ "$(id -u)" = "0" ]; then
    if id postgres >/dev/null 2>&1; then
      run_as=postgres
    else
      echo "postgres.sh: running as root and no postgres account: the PostgreSQL store tests will skip"
      return 0
    fi
  fi
  OPENBADGES_PG_DIR=$(mktemp -d /tmp/openbadges-pg.XXXXXX)
  chmod 755 "$OPENBADGES_PG_DIR"
  [ -n "$run_as" ] && chown "$run_as" "$OPENBADGES_PG_DIR"
  local port=$(( 20000 + RANDOM % 20000 ))
  _openbadges_pg() {
    if [ -n "$run_as" ]; then
      runuser -u "$run_as" -- "$@"
    else
      "$@"
    fi
  }
  if ! _openbadges_pg "$bindir/initdb" -D "$OPENBADGES_PG_DIR/data" --username=openbadges --auth=trust \
        --encoding=UTF8 --no-locale >"$OPENBADGES_PG_DIR/initdb.log" 2>&1; then
    cat "$OPENBADGES_PG_DIR/initdb.log"
    echo "postgres.sh: initdb failed: the PostgreSQL store tests will skip"
    rm -rf "$OPENBADGES_PG_DIR"; unset OPENBADGES_PG_DIR
    return 0
  fi
  # Unix socket only (no TCP listener), in the temporary directory.
  if ! _openbadges_pg "$bindir/pg_ctl" -D "$OPENBADGES_PG_DIR/data" -l "$OPENBADGES_PG_DIR/server.log" -w -t 60 \
        -o "-c listen_addresses='' -k $OPENBADGES_PG_DIR -p $port -c max_connections=200" start >/dev/null; then
    cat "$OPENBADGES_PG_DIR/server.log"
    echo "postgres.sh: the server did not start: the PostgreSQL store tests will skip"
    rm -rf "$OPENBADGES_PG_DIR"; unset OPENBADGES_PG_DIR
    return 0
  fi
  OPENBADGES_PG_CTL="$bindir/pg_ctl"
  OPENBADGES_PG_RUN_AS=$run_as
  _openbadges_pg "$bindir/createdb" -h "$OPENBADGES_PG_DIR" -p "$port" -U openbadges openbadges_test 2>/dev/null \
    || "$bindir/createdb" -h "$OPENBADGES_PG_DIR" -p "$port" -U openbadges openbadges_test
  export OPENBADGES_POSTGRES_DSN="postgres://openbadges@/openbadges_test?host=$OPENBADGES_PG_DIR&port=$port&sslmode=disable"
  export OPENBADGES_POSTGRES=require
  echo "postgres.sh: PostgreSQL $("$bindir/postgres" --version | sed -n "s/.*(PostgreSQL) \([0-9.]*\).*/\1/p") on $OPENBADGES_PG_DIR/.s.PGSQL.$port"
  trap openbadges_postgres_stop EXIT
}

openbadges_postgres_stop() {
  if [ -n "${OPENBADGES_PG_DIR:-}" ] && [ -d "$OPENBADGES_PG_DIR/data" ]; then
    if [ -n "${OPENBADGES_PG_RUN_AS:-}" ]; then
      runuser -u "$OPENBADGES_PG_RUN_AS" -- "$OPENBADGES_PG_CTL" -D "$OPENBADGES_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    else
      "$OPENBADGES_PG_CTL" -D "$OPENBADGES_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$OPENBADGES_PG_DIR"
  fi
  unset OPENBADGES_PG_DIR
}

openbadges_postgres_start

if [ "${BASH_SOURCE[0]}" = "$0" ] && [ "${1:-}" = "--" ]; then
  shift
  "$@"
fi
