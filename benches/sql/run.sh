#!/usr/bin/env bash
# collect { sql } from PostgreSQL: 1M rows x 12 columns made by generate_series, read by
#  1. aimass (binary COPY), the collect stage's wall time from the run record, and the
#     whole `aimass run`;
#  2. `psql \copy (query) to CSV` followed by an aimass collect of that CSV (the two-step
#     habit it replaces);
#  3. pandas.read_sql on the same query (SQLAlchemy + psycopg2).
# One script, one machine, best of 3 each. Starts its own server (.ci/postgres.sh).
#
# Usage: benches/sql/run.sh [ROWS]     PYTHON=/path/to/venv/bin/python (pandas, sqlalchemy,
# psycopg2-binary)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rows="${1:-1000000}"
python="${PYTHON:-python3}"
target="$(cd "${CARGO_TARGET_DIR:-$root/target}" && pwd)"
(cd "$root" && cargo build --release -q -p aimass --bin aimass)
aimass="$target/release/aimass"
cd "$root"
. .ci/postgres.sh
url="$AIMASS_TEST_POSTGRES_URL"
psql -q "$url" <<SQL
drop table if exists bench_customers;
create table bench_customers as
select g as id, g % 97 as region, (g * 7) % 1000 as visits, g % 2 = 0 as active,
       (g % 1000) / 10.0 as spend, random() as score, (random() * 100)::real as ratio,
       'customer ' || g as name, md5(g::text) as token, (g % 12) + 1 as month,
       date '2026-01-01' + (g % 365) as since, (g % 5)::numeric(8,2) * 1.25 as fee
from generate_series(1, $rows) g;
SQL
query="select * from bench_customers"
work=$(mktemp -d)
trap 'rm -rf "$work"; as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$pgdir"' EXIT
cat > "$work/sql.aim" <<AIM
pipeline "sql-bench" { }

stage raw: collect {
  sql = "$query"
  connection = env("BENCH_DATABASE_URL")
}
AIM
cat > "$work/csv.aim" <<AIM
pipeline "csv-bench" { }

stage raw: collect {
  source = "out.csv"
}
AIM
best() { sort -n | head -1; }
stage_ms() {
    "$python" - "$1" <<'PY'
import json, sys
from pathlib import Path
rec = json.loads(sorted(Path(sys.argv[1], ".aimass", "runs").glob("*.json"))[-1].read_text())
print(next(s["wall_ms"] for s in rec["stages"] if s["name"] == "raw"))
PY
}
now() { date +%s.%N; }
for i in 1 2 3; do
    t0=$(now)
    (cd "$work" && BENCH_DATABASE_URL="$url" "$aimass" run sql.aim --quiet)
    t1=$(now)
    echo "$(echo "$t1 - $t0" | bc) $(stage_ms "$work")" >> "$work/aimass.txt"
    t0=$(now)
    psql -q "$url" -c "\\copy ($query) to '$work/out.csv' with (format csv, header)"
    t1=$(now)
    (cd "$work" && "$aimass" run csv.aim --quiet --force)
    t2=$(now)
    echo "$(echo "$t1 - $t0" | bc) $(echo "$t2 - $t1" | bc) $(stage_ms "$work")" >> "$work/psql.txt"
done
"$python" - "$url" "$query" "$rows" "$work" <<'PY'
import sys, time
from pathlib import Path
import pandas as pd
import sqlalchemy
url, query, rows, work = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
engine = sqlalchemy.create_engine(url.replace("postgres://", "postgresql+psycopg2://", 1))
times = []
for _ in range(3):
    t = time.perf_counter()
    df = pd.read_sql(query, engine)
    times.append(time.perf_counter() - t)
assert len(df) == rows
pandas_s = min(times)
a = [tuple(map(float, l.split())) for l in (work / "aimass.txt").read_text().split("\n") if l]
p = [tuple(map(float, l.split())) for l in (work / "psql.txt").read_text().split("\n") if l]
a_stage = min(x[1] for x in a) / 1000
a_whole = min(x[0] for x in a)
p_copy = min(x[0] for x in p)
p_collect = min(x[2] for x in p) / 1000
p_both = min(x[0] + x[2] / 1000 for x in p)
print(f"{rows} rows x 12 columns, best of 3")
print(f"aimass collect sql (stage)   {a_stage:6.2f} s  {rows / a_stage / 1e6:5.2f} M rows/s   (whole aimass run {a_whole:.2f} s)")
print(f"psql \\copy to CSV + collect  {p_both:6.2f} s  {rows / p_both / 1e6:5.2f} M rows/s   (copy {p_copy:.2f} s, collect stage {p_collect:.2f} s)")
print(f"pandas.read_sql              {pandas_s:6.2f} s  {rows / pandas_s / 1e6:5.2f} M rows/s")
print(f"ratios: psql path / aimass {p_both / a_stage:.2f}x, pandas / aimass {pandas_s / a_stage:.2f}x")
PY
