#!/usr/bin/env bash
# Gradient-boosting benchmark: aimass's `algorithm = gradient_boosting` against LightGBM and
# scikit-learn on flights (337k rows), telco and credit, on exactly the same rows, in one
# script on one machine.
#
#  1. gbdt_fit (cargo bench, release): prepares each data set through aimass's stages, fits
#     gradient_boosting (defaults: 100 trees, 31 leaves, learning rate 0.1) and a decision
#     tree, scores test ROC AUC, times the fit alone (best of 3), checks the model bytes
#     with 1, 2 and 8 threads, and exports the rows (OUT/*_{train,test}.csv, OUT/aimass.json).
#  2. reference.py: LightGBM (one-hot matrix and pandas categories) and scikit-learn on the
#     exported rows; prints the table.
#  3. `aimass run` of the flights pipeline under /usr/bin/time: whole-process peak RSS, and
#     the model stage's wall time and peak RSS from the run record.
#
# Usage: benches/gbdt/run.sh [OUT_DIR]
# Needs python3 with lightgbm, scikit-learn and pandas (PYTHON=/path/to/venv/bin/python).
# AIMASS_BENCH_ONLY=telco,credit limits the data sets; NO_SLOW=1 skips scikit-learn's
# GradientBoostingClassifier on flights (minutes).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$(mktemp -d)}"
python="${PYTHON:-python3}"
mkdir -p "$out"

echo "== building (release)"
(cd "$root" && cargo build --release --quiet -p aimass)
aimass="${CARGO_TARGET_DIR:-$root/target}/release/aimass"

echo "== aimass: prepare, fit, export (to $out)"
(cd "$root" && cargo bench --quiet -p aimass-stdlib --bench gbdt_fit -- "$out")

if ! "$python" -c "import lightgbm, sklearn, pandas" 2>/dev/null; then
    echo "lightgbm/scikit-learn/pandas missing: pip install lightgbm scikit-learn pandas"
    exit 1
fi
echo "== LightGBM and scikit-learn on the same rows"
"$python" "$here/reference.py" "$out" ${NO_SLOW:+--no-slow}

if [ -f "$out/flights.aim" ]; then
    echo "== aimass run of the flights pipeline (whole process)"
    project="$(mktemp -d)"
    trap 'rm -rf "$project"' EXIT
    data="${AIMASS_FLIGHTS:-$root/../shared/data/flights_late.csv}"
    mkdir -p "$project/data"
    ln -s "$(cd "$(dirname "$data")" && pwd)/$(basename "$data")" "$project/data/flights_late.csv"
    cp "$out/flights.aim" "$project/flights.aim"
    /usr/bin/time -v "$aimass" run "$project/flights.aim" --force --quiet --jobs 2 \
        2> "$out/time.txt" > /dev/null || { cat "$out/time.txt"; exit 1; }
    rss="$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$out/time.txt")"
    wall="$(awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$out/time.txt")"
    echo "aimass run flights.aim (collect, clean, split, gradient_boosting, tree, evaluate): wall $wall, peak RSS $rss MB"
    "$python" - "$project" <<'PY'
import json, sys
from pathlib import Path
runs = sorted(Path(sys.argv[1], ".aimass", "runs").glob("*.json"))
rec = json.loads(runs[-1].read_text())
for s in rec["stages"]:
    print(f"  stage {s['name']:10} {s['kind']:9} wall {s['wall_ms'] / 1000:7.3f} s, process peak RSS at its end {s['peak_rss_bytes'] / 2**20:6.0f} MB")
PY
fi
