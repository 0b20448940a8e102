#!/usr/bin/env bash
# Throwaway PostgreSQL server for Finsam's cluster tests.
#
#   eval "$(bash .ci/postgres.sh start)"   # start; prints `export FINSAM_TEST_PG=...` lines to eval
#   bash .ci/postgres.sh stop              # stop the server named by $FINSAM_PG_DIR, delete its folder
#
#   source .ci/postgres.sh start           # same, exporting into the current shell
#   source .ci/postgres.sh stop
#   source .ci/postgres.sh                 # only defines finsam_pg_start / finsam_pg_stop
#
# start: installs Debian's `postgresql` with apt-get when no initdb/pg_ctl is found (on PATH
# or in /usr/lib/postgresql/*/bin), makes a cluster in a fresh mktemp folder (owned by the
# `postgres` user when run as root, since PostgreSQL refuses to run as root), starts it on
# 127.0.0.1 at a free port, creates database `finsam`, and exports
#   FINSAM_TEST_PG="Host=127.0.0.1;Port=...;Username=finsam;Password=...;Database=finsam"
#   FINSAM_PG_DIR=<the folder>          (what `stop` needs)
# Progress goes to stderr; only the export lines go to stdout.

_finsam_pg_log() { printf 'postgres.sh: %s\n' "$*" >&2; }

# Directory holding initdb and pg_ctl, or nothing.
_finsam_pg_bindir() {
    local dir initdb_path
    if initdb_path=$(command -v initdb 2>/dev/null) && command -v pg_ctl >/dev/null 2>&1; then
        # Debian's /usr/bin wrappers are not the real binaries; resolve symlinks to the version's bin.
        initdb_path=$(readlink -f "$initdb_path")
        dir=$(dirname "$initdb_path")
        if [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ]; then
            printf '%s\n' "$dir"
            return 0
        fi
    fi
    # Highest installed version first.
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5 -V -r); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ]; then
            printf '%s\n' "$dir"
            return 0
        fi
    done
    return 1
}

_finsam_pg_install() {
    if [ "$(id -u)" -ne 0 ]; then
        _finsam_pg_log "PostgreSQL is not installed and we are not root: install Debian's 'postgresql' package first."
        return 1
    fi
    _finsam_pg_log "installing PostgreSQL from Debian packages (apt-get install postgresql) ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || { _finsam_pg_log "apt-get update failed"; return 1; }
    apt-get install -y -qq --no-install-recommends postgresql >&2 || { _finsam_pg_log "apt-get install postgresql failed"; return 1; }
}

# Runs a command as the server's owner (postgres when we are root, else ourselves).
_finsam_pg_as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        if command -v runuser >/dev/null 2>&1; then
            (cd / && runuser -u postgres -- "$@")
        else
            local quoted
            printf -v quoted '%q ' "$@"
            (cd / && su -s /bin/sh postgres -c "$quoted")
        fi
    else
        "$@"
    fi
}

# 0 when something accepts connections on 127.0.0.1:$1.
_finsam_pg_port_busy() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

finsam_pg_start() {
    local bindir dir port password attempt started=0

    if ! bindir=$(_finsam_pg_bindir); then
        _finsam_pg_install || return 1
        bindir=$(_finsam_pg_bindir) || { _finsam_pg_log "installed postgresql, but found no initdb/pg_ctl"; return 1; }
    fi
    _finsam_pg_log "using $("$bindir/postgres" --version) from $bindir"

    if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
        _finsam_pg_log "creating system user postgres"
        useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres || return 1
    fi

    dir=$(mktemp -d "${TMPDIR:-/tmp}/finsam-pg.XXXXXX") || return 1
    mkdir -p "$dir/data" "$dir/sock"
    password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
    printf '%s\n' "$password" > "$dir/pwfile"
    if [ "$(id -u)" -eq 0 ]; then
        chown -R postgres: "$dir"
    fi
    chmod 700 "$dir" "$dir/data"
    chmod 600 "$dir/pwfile"

    if ! _finsam_pg_as_owner "$bindir/initdb" -D "$dir/data" -U finsam --pwfile="$dir/pwfile" \
            -E UTF8 --no-locale --auth-local=trust --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1; then
        _finsam_pg_log "initdb failed:"; cat "$dir/initdb.log" >&2
        rm -rf "$dir"
        return 1
    fi
    rm -f "$dir/pwfile"

    for attempt in 1 2 3 4 5 6 7 8; do
        port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
        _finsam_pg_port_busy "$port" && continue
        if _finsam_pg_as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
                -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir/sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
                start >"$dir/pg_ctl.log" 2>&1; then
            started=1
            break
        fi
        _finsam_pg_log "start on port $port failed (attempt $attempt), retrying"
    done
    if [ "$started" -ne 1 ]; then
        _finsam_pg_log "could not start PostgreSQL; server log:"; cat "$dir/server.log" "$dir/pg_ctl.log" >&2 2>/dev/null
        rm -rf "$dir"
        return 1
    fi

    if ! _finsam_pg_as_owner "$bindir/createdb" -h "$dir/sock" -p "$port" -U finsam finsam >&2; then
        _finsam_pg_log "createdb finsam failed"
        _finsam_pg_as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1
        rm -rf "$dir"
        return 1
    fi

    printf 'BINDIR=%q\nPORT=%q\n' "$bindir" "$port" > "$dir/state"
    export FINSAM_PG_DIR="$dir"
    export FINSAM_TEST_PG="Host=127.0.0.1;Port=$port;Username=finsam;Password=$password;Database=finsam"
    _finsam_pg_log "PostgreSQL ready on 127.0.0.1:$port (data in $dir)"
    return 0
}

finsam_pg_stop() {
    local dir="${1:-${FINSAM_PG_DIR:-}}" BINDIR PORT
    if [ -z "$dir" ]; then
        _finsam_pg_log "stop: no FINSAM_PG_DIR (nothing started?)"
        return 0
    fi
    if [ -f "$dir/state" ]; then
        # shellcheck disable=SC1091
        . "$dir/state"
        if [ -f "$dir/data/postmaster.pid" ]; then
            _finsam_pg_as_owner "$BINDIR/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 \
                || _finsam_pg_as_owner "$BINDIR/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 \
                || _finsam_pg_log "stop: pg_ctl stop failed"
        fi
    fi
    case "$dir" in
        */finsam-pg.*) rm -rf "$dir" ;;
        *) _finsam_pg_log "stop: refusing to delete unexpected folder $dir" ;;
    esac
    _finsam_pg_log "PostgreSQL stopped, $dir removed"
    unset FINSAM_PG_DIR FINSAM_TEST_PG
    return 0
}

# Sourced: act on an argument if one was given, else only define the functions.
# Executed: act on the argument; `start` prints export lines for eval.
if [ "${BASH_SOURCE[0]}" != "$0" ]; then
    case "${1:-}" in
        start) finsam_pg_start ;;
        stop) finsam_pg_stop "${2:-}" ;;
        "") : ;;
        *) _finsam_pg_log "usage: source .ci/postgres.sh [start|stop]"; false ;;
    esac
else
    case "${1:-}" in
        start)
            finsam_pg_start || exit 1
            printf 'export FINSAM_PG_DIR=%q\n' "$FINSAM_PG_DIR"
            printf 'export FINSAM_TEST_PG=%q\n' "$FINSAM_TEST_PG"
            ;;
        stop) finsam_pg_stop "${2:-}" ;;
        *) _finsam_pg_log "usage: $0 start|stop   (start prints export lines: eval \"\$(bash $0 start)\")"; exit 2 ;;
    esac
fi
