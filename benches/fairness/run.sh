#!/usr/bin/env bash
# Scheduler fairness: a 30 s tune (a decision-tree search under `budget = 30s`) beside an
# independent logistic model and its evaluate, on the telco example, in one `aimass run`
# with 2 jobs on 2 cores. Prints when each stage started and ended (the run record's
# start_ms/end_ms, from the run's start). Target (issue 10): the logistic branch's metrics
# within 2 s of the start, while the tune fills its 30 s.
#
# Usage: benches/fairness/run.sh        AIMASS_BIN=/path/to/aimass skips the build.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
data="$root/examples/telco-retention/data/telco_churn.csv"

if [ -n "${AIMASS_BIN:-}" ]; then
    aimass="$AIMASS_BIN"
else
    (cd "$root" && cargo build --release --quiet)
    aimass="${CARGO_TARGET_DIR:-$root/target}/release/aimass"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/fair.aim" <<AIM
pipeline "fairness-bench" { seed = 42 }
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
stage tuned: tune {
  input = tidy, target = "churn", positive = "Yes", algorithm = decision_tree
  search = random(trials = 100000)
  budget = 30s
  cv = 5
  space {
    max_depth = 2..30
    min_samples_leaf = 1..200
    min_samples_split = 2..400
    criterion = [gini, entropy]
  }
}
stage logit: model { input = tidy, target = "churn", positive = "Yes", algorithm = logistic }
stage logit_eval: evaluate { model = logit, data = parts.test, metrics = [roc_auc] }
stage tuned_eval: evaluate { model = tuned, data = parts.test, metrics = [roc_auc] }
AIM

(cd "$work" && "$aimass" run fair.aim --force --quiet --jobs 2 > /dev/null)
python3 - "$work" <<'PY'
import json, sys
from pathlib import Path
rec = json.loads(sorted(Path(sys.argv[1], ".aimass", "runs").glob("*.json"))[-1].read_text())
for s in sorted(rec["stages"], key=lambda s: s["start_ms"]):
    print(f"{s['name']:11} {s['kind']:9} start {s['start_ms'] / 1000:7.3f} s  end {s['end_ms'] / 1000:7.3f} s")
ends = {s["name"]: s["end_ms"] for s in rec["stages"]}
print(f"logit_eval metrics ready at {ends['logit_eval'] / 1000:.3f} s; tune ends at {ends['tuned'] / 1000:.3f} s")
PY
