#!/usr/bin/env bash
# Data-preparation benchmark (issue 4): collect + clean (dedupe, drop rows without a target,
# impute, standardize, one-hot of carrier/origin/dest incl. 105-level dest) + stratified split
# of flights_late.csv (337k rows), as one `aimass run --force` process, against the same
# preparation in pandas + scikit-learn (prep.py). Prints both wall times, the ratio and peak RSS.
#
# Usage: benches/prep/run.sh [path/to/flights_late.csv]
# Uses hyperfine when installed (apt-get install -y hyperfine), else /usr/bin/time.
# AIMASS_BIN=/path/to/aimass skips the build and times that binary; RUNS=N sets the runs.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
data="${1:-/work/shared/data/flights_late.csv}"
runs="${RUNS:-5}"

if [ ! -f "$data" ]; then
    echo "skipping: $data not found (pass the path to flights_late.csv)"
    exit 0
fi

if [ -n "${AIMASS_BIN:-}" ]; then
    aimass="$AIMASS_BIN"
else
    echo "== building aimass (release)"
    (cd "$root" && cargo build --release --quiet)
    aimass="${CARGO_TARGET_DIR:-$root/target}/release/aimass"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/prep.aim" <<AIM
pipeline "prep-bench" {
  seed = 42
}

stage raw: collect {
  source = "$data"
}

stage tidy: clean {
  input = raw
  dedupe = true
  drop_missing = ["late"]
  impute = { numeric = median, categorical = mode }
  standardize = all_numeric
  one_hot = ["carrier", "origin", "dest"]
  max_levels = 200
  keep = ["late"]
}

stage parts: split {
  input = tidy
  test = 0.2
  stratify = "late"
}
AIM

aimass_cmd="$aimass run $work/prep.aim --force --quiet"
python_cmd="python3 $here/prep.py $data"
if ! python3 -c "import pandas, sklearn" 2>/dev/null; then
    echo "pandas/scikit-learn missing: pip install pandas scikit-learn"
    python_cmd=""
fi

echo "== one run each (sanity)"
$aimass_cmd
[ -n "$python_cmd" ] && $python_cmd

mean_of() { # hyperfine JSON -> mean seconds
    python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['results'][0]['mean'])" "$1"
}
peak_rss_mb() { # command -> peak RSS in MB, from /usr/bin/time -v
    /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }'
}

if command -v hyperfine >/dev/null; then
    hyperfine --warmup 1 --runs "$runs" --export-json "$work/aimass.json" "$aimass_cmd"
    t_aimass="$(mean_of "$work/aimass.json")"
    if [ -n "$python_cmd" ]; then
        hyperfine --warmup 1 --runs "$runs" --export-json "$work/python.json" "$python_cmd"
        t_python="$(mean_of "$work/python.json")"
    fi
else
    t() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc -l; }
    t_aimass="$(t $aimass_cmd)"
    [ -n "$python_cmd" ] && t_python="$(t $python_cmd)"
fi

rss_aimass="$(peak_rss_mb $aimass_cmd)"
echo
printf "aimass run (whole process): %.3f s, peak RSS %s MB\n" "$t_aimass" "$rss_aimass"
if [ -n "$python_cmd" ]; then
    rss_python="$(peak_rss_mb $python_cmd)"
    printf "pandas + scikit-learn (whole process): %.3f s, peak RSS %s MB\n" "$t_python" "$rss_python"
    python3 -c "import sys; a, p = map(float, sys.argv[1:]); print(f'ratio: aimass is {p / a:.1f}x faster (target: 5x)')" "$t_aimass" "$t_python"
fi
