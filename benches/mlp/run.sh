#!/usr/bin/env bash
# mlp benchmark on the telco example: the test ROC AUC of `algorithm = mlp` next to the
# logistic regression's on the same rows; the fit time of each model stage run alone (wall
# clock, from the run record) and the peak RSS of its process, over RUNS forced runs of one
# `aimass run` process each; then scikit-learn's MLPClassifier on the same rows
# (telco_mlp.py, given the exported split).
#
# Usage: benches/mlp/run.sh
# AIMASS_BIN=/path/to/aimass skips the build; RUNS=N (default 5); JOBS=N (default 2);
# NN='hidden = [64, 32]' adds hyperparameters to the mlp stage; PYTHON=python with
# scikit-learn and pandas (default /work/mlp-venv/bin/python, else python3);
# SPLIT=dir holding telco_{train,test}.csv (export them with
# `AIMASS_EXPORT_DIR=dir cargo test -p aimass-stdlib --test ml_telco -- --ignored`).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
runs="${RUNS:-5}"
jobs="${JOBS:-2}"
nn="${NN:-}"
data="$root/examples/telco-retention/data/telco_churn.csv"

if [ -n "${AIMASS_BIN:-}" ]; then
    aimass="$AIMASS_BIN"
else
    (cd "$root" && cargo build --release --quiet --bin aimass)
    aimass="${CARGO_TARGET_DIR:-$root/target}/release/aimass"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/mlp.aim" <<AIM
pipeline "mlp-bench" { seed = 42 }
stage raw: collect { source = "$data" }
stage base: clean { input = raw, dedupe = true }
stage parts: split { input = base, test = 0.2, stratify = "churn" }
stage tidy: clean {
  input = parts.train
  impute = { numeric = median, categorical = mode }
  standardize = all_numeric
  one_hot = all_categorical
  keep = ["churn"]
}
stage logit: model { input = tidy, target = "churn", positive = "Yes", algorithm = logistic }
stage nn: model { input = tidy, target = "churn", positive = "Yes", algorithm = mlp${nn:+, $nn} }
stage logit_eval: evaluate { model = logit, data = parts.test, metrics = [roc_auc] }
stage nn_eval: evaluate { model = nn, data = parts.test, metrics = [roc_auc] }
AIM

# Quality: one run of the whole pipeline, both models scored on the same test rows.
"$aimass" run "$work/mlp.aim" --quiet --jobs "$jobs" > /dev/null
"$aimass" metrics "$work/mlp.aim"

# Fit time and memory: each model stage alone (`--only`, so nothing else runs beside it),
# RUNS forced runs of one process each; the stage's wall clock from the run record, the
# process's peak RSS from /usr/bin/time.
for stage in logit nn; do
    for i in $(seq "$runs"); do
        /usr/bin/time -f "%M" -o "$work/rss.$stage.$i" \
            "$aimass" run "$work/mlp.aim" --only "$stage" --force --quiet --jobs "$jobs" > /dev/null
    done
done
python3 - "$work" "$runs" <<'PY'
import json, pathlib, statistics, sys
work, runs = pathlib.Path(sys.argv[1]), int(sys.argv[2])
records = [json.loads(p.read_text()) for p in sorted((work / ".aimass/runs").glob("*.json"))]
for stage in ["logit", "nn"]:
    # Only the runs of that stage alone (the first, whole-pipeline run ran both at once).
    w = [s["wall_ms"] for r in records for s in r["stages"]
         if s["name"] == stage and not any(t["name"] == "nn_eval" for t in r["stages"])][-runs:]
    rss = [int((work / f"rss.{stage}.{i}").read_text().split()[-1]) / 1024 for i in range(1, runs + 1)]
    print(f"{stage:6} fit {statistics.median(w) / 1000:.3f} s median of {len(w)} "
          f"(range {min(w) / 1000:.3f}..{max(w) / 1000:.3f}); "
          f"peak RSS of the process {statistics.median(rss):.0f} MiB")
PY

python="${PYTHON:-/work/mlp-venv/bin/python}"
[ -x "$python" ] || python=python3
split="${SPLIT:-/tmp}"
if [ -f "$split/telco_train.csv" ] && "$python" -c "import sklearn" 2>/dev/null; then
    "$python" "$here/telco_mlp.py" "$split"
else
    echo "(scikit-learn reference skipped: no split in $split or no scikit-learn for $python)"
fi
