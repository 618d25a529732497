# Sourced by .ci/run: a throwaway PostgreSQL server on loopback for collect { sql }'s tests,
# installed from Debian only when missing. Exports AIMASS_TEST_POSTGRES_URL (with a password,
# so the tests can check it never leaks) and stops the server when the shell exits.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql
fi
pgbin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
pgdir="$(mktemp -d /tmp/aimass-pg.XXXXXX)"
# A free loopback port, so two runs on one machine (or a local server) do not collide.
pgport="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
pgpass="ci-$RANDOM-$RANDOM"
echo "$pgpass" > "$pgdir/pw"
as_pg() {
    # initdb refuses to run as root: the cluster belongs to Debian's postgres user then.
    if [ "$(id -u)" = 0 ]; then
        chown -R postgres "$pgdir"
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}
as_pg "$pgbin/initdb" -D "$pgdir/data" -U aimass --pwfile="$pgdir/pw" -A scram-sha-256 >/dev/null
as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -w \
    -o "-p $pgport -k $pgdir -c listen_addresses=127.0.0.1" start >/dev/null
trap 'as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$pgdir"' EXIT
export AIMASS_TEST_POSTGRES_URL="postgres://aimass:$pgpass@127.0.0.1:$pgport/postgres"
