#!/usr/bin/env bash
# aimass serve under load: single-record POST /predict on loopback for the tuned tree
# (examples/telco-retention/tuning.aim) and the boosted model (boosting.aim), at a fixed
# 5k req/s for 30 s, at the 20k req/s target, and at saturation. Prints one JSON line per
# run (sent, errors, achieved rate, p50/p90/p99/max ms) from benches/serve/load.rs, an
# open-loop generator that measures from the time each request was due.
#
#   benches/serve/run.sh [SECONDS] [CONNECTIONS]
#
# AIMASS_BIN=path/to/aimass serves with another build (a before/after pair; the pipelines
# are still run by the build from this tree).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-30}"
conns="${2:-32}"
target="$(cd "${CARGO_TARGET_DIR:-target}" && pwd)"
cargo build --release -q -p aimass --bin aimass
cargo bench -q -p aimass-serve --bench serve_load --no-run
load=$(ls -t "$target"/release/deps/serve_load-* | grep -v '\.d$' | head -1)
aimass="$target/release/aimass"
server="${AIMASS_BIN:-$aimass}"

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
cp -r examples/telco-retention/. "$work/"
rm -rf "$work/.aimass" "$work/models"
cat >> "$work/tuning.aim" <<'AIM'

stage ship_tuned: deploy {
  model = tuned
  to = "models"
  name = "tuned"
}
AIM
(cd "$work" && "$aimass" run tuning.aim --quiet && "$aimass" run boosting.aim --quiet --only ship)
# One raw record, as a client sends it: the first row of the data without the target.
python3 - "$work" <<'PY'
import csv, json, sys
work = sys.argv[1]
with open(f"{work}/data/telco_churn.csv") as f:
    row = next(csv.DictReader(f))
row.pop("churn")
ints = {"female", "senior_citizen", "partner", "dependents", "tenure", "phone_service", "paperless_billing"}
rec = {k: (int(v) if k in ints else float(v) if k in ("monthly_charges", "total_charges") else v) for k, v in row.items()}
open(f"{work}/record.json", "w").write(json.dumps(rec))
PY

for bundle in tuned boosted; do
    port=$((18080 + RANDOM % 1000))
    "$server" serve "$work/models/$bundle" --addr "127.0.0.1:$port" > "$work/serve.log" 2>&1 &
    pid=$!
    for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/ready" > /dev/null && break; sleep 0.1; done
    curl -sf "http://127.0.0.1:$port/predict" -d @"$work/record.json" > /dev/null
    for rate in 5000 20000 0; do
        label=$([ "$rate" = 0 ] && echo saturation || echo "${rate}/s")
        printf '%s %-10s ' "$bundle" "$label"
        "$load" "127.0.0.1:$port" /predict "$work/record.json" "$rate" "$seconds" "$conns"
    done
    kill -TERM "$pid"; wait "$pid" || true
done
