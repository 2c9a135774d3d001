#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for the tests and print the line that points them at it:
#
#     eval "$(.ci/postgres.sh)"      # sets SITREP_TEST_POSTGRES=postgresql://sitrep:...@127.0.0.1:PORT/sitrep
#
# PostgreSQL is installed from Debian's packages when missing (this needs root). The cluster lives
# in a new folder under ${TMPDIR:-/tmp}, is owned by the `postgres` user when run as root (the
# server refuses to run as root), listens on 127.0.0.1 only, on 55432 or the next free port, and
# trusts only its own unix socket, which is inside that folder; over TCP the `sitrep` role logs in
# with a password. The role may create databases: the tests make a fresh one for each module.
# Only the export line goes to stdout; everything else goes to stderr. The server is left running;
# the line on stderr says how to stop it.
set -euo pipefail

say() { echo "postgres.sh: $*" >&2; }

find_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [[ -n "$dir" && -x "$dir/initdb" ]]; then
        echo "$dir"
    elif command -v initdb >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
    fi
}

install_postgres() {
    if [[ $(id -u) -ne 0 ]]; then
        say "PostgreSQL is not installed and installing it needs root; run: sudo apt-get install -y postgresql"
        exit 1
    fi
    say "installing PostgreSQL from Debian's packages"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
}

free_port() {
    local port
    for port in $(seq 55432 55532); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    say "no free port between 55432 and 55532 on 127.0.0.1"
    exit 1
}

BIN=$(find_bin)
if [[ -z "$BIN" ]]; then
    install_postgres
    BIN=$(find_bin)
fi
[[ -n "$BIN" ]] || { say "PostgreSQL's initdb was not found after installing it"; exit 1; }

DIR=$(mktemp -d "${TMPDIR:-/tmp}/sitrep-pg.XXXXXX")
AS=()
if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$DIR"
    AS=(runuser -u postgres --)
fi
PORT=$(free_port)
PASSWORD=sitrep-test

"${AS[@]}" "$BIN/initdb" -D "$DIR/data" -U postgres -E UTF8 --no-locale --no-sync \
    --auth-local=trust --auth-host=scram-sha-256 >"$DIR/initdb.log" 2>&1 \
    || { cat "$DIR/initdb.log" >&2; say "initdb failed"; exit 1; }
"${AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories=$DIR -c fsync=off" \
    -o "-c synchronous_commit=off -c full_page_writes=off" start >&2 \
    || { cat "$DIR/server.log" >&2; say "the server did not start"; exit 1; }
"${AS[@]}" "$BIN/psql" -h "$DIR" -p "$PORT" -U postgres -d postgres -q -v ON_ERROR_STOP=1 >&2 <<SQL
CREATE ROLE sitrep LOGIN CREATEDB PASSWORD '$PASSWORD';
CREATE DATABASE sitrep OWNER sitrep;
SQL

say "PostgreSQL $("$BIN/pg_ctl" --version | awk '{print $3}') on 127.0.0.1:$PORT, data in $DIR/data"
say "stop it with: ${AS[*]:+${AS[*]} }$BIN/pg_ctl -D $DIR/data stop"
echo "export SITREP_TEST_POSTGRES=postgresql://sitrep:$PASSWORD@127.0.0.1:$PORT/sitrep"
