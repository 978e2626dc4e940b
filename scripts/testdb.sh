#!/usr/bin/env bash
# Runs a command with DEDUP_TEST_DATABASE_URL pointing at a Postgres server
# the tests may create databases on:
#
#   1. DEDUP_TEST_DATABASE_URL or else DATABASE_URL, when set;
#   2. else the server at 127.0.0.1:5432, if it answers as user postgres
#      (database test, created if missing);
#   3. else a throwaway cluster made with initdb/pg_ctl in a temporary
#      directory on a free port, removed when the command ends;
#   4. else no database: the Postgres tests skip, unless CI=true, where a
#      missing Postgres is a failure.
#
# DEDUP_TESTDB_FORCE_THROWAWAY=1 skips 1 and 2, to test step 3 on a machine
# that has a Postgres running.
#
# usage: scripts/testdb.sh COMMAND [ARG...]
set -euo pipefail

if [[ $# -eq 0 ]]; then
	echo "usage: $0 COMMAND [ARG...]" >&2
	exit 2
fi

log() { echo "testdb: $*" >&2; }

# can_connect URL: the server at URL answers a query.
can_connect() {
	command -v psql >/dev/null && psql "$1" -Atqc 'SELECT 1' >/dev/null 2>&1
}

use_url() {
	export DEDUP_TEST_DATABASE_URL="$1"
	log "using Postgres at ${1%%\?*}"
	exec "${@:2}"
}

if [[ "${DEDUP_TESTDB_FORCE_THROWAWAY:-}" != 1 ]]; then
	if [[ -n "${DEDUP_TEST_DATABASE_URL:-}" ]]; then
		use_url "$DEDUP_TEST_DATABASE_URL" "$@"
	fi
	if [[ -n "${DATABASE_URL:-}" ]]; then
		use_url "$DATABASE_URL" "$@"
	fi
	local_url="postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	if command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432 -U postgres; then
		if ! can_connect "$local_url"; then
			command -v createdb >/dev/null && createdb -h 127.0.0.1 -p 5432 -U postgres test 2>/dev/null || true
		fi
		if can_connect "$local_url"; then
			use_url "$local_url" "$@"
		fi
		log "a server answers at 127.0.0.1:5432 but not to $local_url; trying a throwaway cluster"
	fi
fi

# The Debian packages keep initdb and pg_ctl out of PATH.
pg_bin=""
if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
	pg_bin="$(dirname "$(readlink -f "$(command -v initdb)")")"
else
	for d in /usr/lib/postgresql/*/bin; do
		[[ -x "$d/initdb" && -x "$d/pg_ctl" ]] && pg_bin="$d"
	done
fi

if [[ -z "$pg_bin" ]]; then
	if [[ "${CI:-}" == true ]]; then
		log "no Postgres: set DEDUP_TEST_DATABASE_URL, start a server at 127.0.0.1:5432, or install initdb/pg_ctl (CI=true requires the Postgres tests)"
		exit 1
	fi
	log "no Postgres found (no DEDUP_TEST_DATABASE_URL, nothing at 127.0.0.1:5432, no initdb): the Postgres tests will skip"
	exec "$@"
fi

# initdb and postgres refuse to run as root: run them as postgres then.
as_pg=()
if [[ $(id -u) -eq 0 ]]; then
	if ! id postgres >/dev/null 2>&1; then
		useradd --system --no-create-home --shell /usr/sbin/nologin postgres
	fi
	as_pg=(runuser -u postgres --)
fi

# free_port prints a TCP port on 127.0.0.1 that nothing listens on.
free_port() {
	local port
	for _ in $(seq 1 50); do
		port=$((20000 + RANDOM % 20000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return
		fi
	done
	log "found no free port"
	return 1
}

dir="$(mktemp -d "${TMPDIR:-/tmp}/newsdedup-testdb.XXXXXX")"
chmod 755 "$dir"
[[ ${#as_pg[@]} -gt 0 ]] && chown postgres: "$dir"
port="$(free_port)"

stop_cluster() {
	"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
	rm -rf "$dir"
}
trap stop_cluster EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "starting a throwaway cluster in $dir on port $port"
"${as_pg[@]}" "$pg_bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 ||
	{ cat "$dir/initdb.log" >&2; exit 1; }
# Durability is pointless for a cluster that is deleted afterwards.
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
	-o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
	start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
"${as_pg[@]}" "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U postgres test

export DEDUP_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/test?sslmode=disable"
# Not exec: the EXIT trap must run to remove the cluster.
"$@"
