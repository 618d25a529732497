#!/usr/bin/env bash
# Same-rows quality report: aimass's models and scikit-learn's, LightGBM's and XGBoost's, on
# exactly the rows of aimass's own split of telco, credit and flights.
#
#  1. Per data set, one aimass pipeline (`pipeline.sh` writes it): collect, dedupe and drop
#     rows without the target, stratified 80/20 split with seed 42, a clean fitted on the
#     training rows (median-impute + standardise numerics, mode-impute + one-hot
#     categoricals), then decision_tree, a tuned tree, gradient_boosting, logistic, mlp and
#     a stacking fuse, each scored on the test rows by `evaluate`.
#  2. `aimass show ... --output` writes the split's raw train and test rows to OUT/.
#  3. quality.py fits the references on those rows with the same preparation and prints one
#     table: test ROC AUC and accuracy per data set and model.
#
# Usage: benches/quality/run.sh [OUT_DIR]
#   PYTHON=/path/to/venv/bin/python (scikit-learn, lightgbm, xgboost, pandas, pyarrow)
#   AIMASS_BIN=/path/to/aimass skips the build; DATA=dir with the three CSV files
#   (default ../shared/data beside the repository); SETS="telco credit" limits the sets;
#   NO_SLOW=1 skips scikit-learn's slow fits on flights (GradientBoosting, the tuned tree).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$(mktemp -d)}"
python="${PYTHON:-python3}"
data="${DATA:-$root/../shared/data}"
sets="${SETS:-telco credit flights}"
mkdir -p "$out"

if [ -n "${AIMASS_BIN:-}" ]; then
    aimass="$AIMASS_BIN"
else
    (cd "$root" && cargo build --release --quiet -p aimass)
    aimass="${CARGO_TARGET_DIR:-$root/target}/release/aimass"
fi

for name in $sets; do
    case "$name" in
        telco) file=telco_churn.csv target=churn positive=Yes ;;
        credit) file=credit_data.csv target=Status positive=bad ;;
        flights) file=flights_late.csv target=late positive=Yes ;;
        *) echo "unknown data set $name"; exit 2 ;;
    esac
    project="$out/$name"
    mkdir -p "$project/data"
    ln -sf "$(cd "$data" && pwd)/$file" "$project/data/$file"
    "$here/pipeline.sh" "$name" "$file" "$target" "$positive" > "$project/quality.aim"
    echo "== aimass on $name"
    /usr/bin/time -f "%e s wall, %M KB peak RSS" -o "$out/${name}_time.txt" \
        "$aimass" run "$project/quality.aim" --quiet --jobs 2 > /dev/null
    "$aimass" metrics "$project/quality.aim" --format json > "$out/${name}_aimass.json"
    "$aimass" show "$project/quality.aim" parts.train --output "$out/${name}_train.csv"
    "$aimass" show "$project/quality.aim" parts.test --output "$out/${name}_test.csv"
    cat "$out/${name}_time.txt"
done

echo "== references on the same rows"
"$python" "$here/quality.py" "$out" $sets ${NO_SLOW:+--no-slow}
