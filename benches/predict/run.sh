#!/usr/bin/env bash
# Scoring speed on the flights test split (about 67k rows): aimass against scikit-learn's
# predict_proba, for a depth-8 tree and 100-tree gradient boosting, in one paired script
# (reference.py). Builds release, runs benches/predict/flights.aim in a temporary project,
# exports the raw train and test rows with `aimass show`, then times both sides.
#
# Usage: benches/predict/run.sh
# Needs python3 with scikit-learn and pandas (PYTHON=/path/to/venv/bin/python).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
python="${PYTHON:-python3}"
target="${CARGO_TARGET_DIR:-$root/target}"
data="${AIMASS_FLIGHTS:-$root/../shared/data/flights_late.csv}"

(cd "$root" && cargo build --release -q -p aimass --bin aimass)
(cd "$root" && cargo bench -q -p aimass-stdlib --bench predict_score --no-run)
score=$(ls -t "$target"/release/deps/predict_score-* | grep -v '\.d$' | head -1)
aimass="$target/release/aimass"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/data"
ln -s "$(cd "$(dirname "$data")" && pwd)/$(basename "$data")" "$work/data/flights_late.csv"
cp "$here/flights.aim" "$work/"
(
    cd "$work"
    "$aimass" run flights.aim --quiet
    "$aimass" show flights.aim parts.train --output train.csv > /dev/null
    "$aimass" show flights.aim parts.test --output test.csv > /dev/null
)
"$python" "$here/reference.py" "$work" "$aimass" "$score"

# Issue 13: score + export of the same test split to Parquet, as pipeline stages.
cat >> "$work/flights.aim" <<'AIM'

stage scored: score {
  model = gb
  data = parts.test
}

stage out: export {
  input = scored
  to = "out/scored.parquet"
}
AIM
(cd "$work" && "$aimass" run flights.aim --quiet)
"$python" - "$work" <<'PY'
import json, sys
from pathlib import Path
rec = json.loads(sorted(Path(sys.argv[1], ".aimass", "runs").glob("*.json"))[-1].read_text())
ms = {s["name"]: s["wall_ms"] for s in rec["stages"]}
import pandas as pd
rows = len(pd.read_parquet(Path(sys.argv[1], "out", "scored.parquet")))
for n in ("scored", "out"):
    print(f"stage {n:6}: {ms[n]:7.1f} ms")
both = (ms["scored"] + ms["out"]) / 1000
print(f"score + export to Parquet: {both * 1e3:.1f} ms for the test split, {rows / both / 1e6:.2f} M rows/s")
PY
