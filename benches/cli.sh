#!/usr/bin/env bash
# Whole-process timings of the aimass binary (release build):
#   - `aimass check` on the example            (issue target: under 10 ms)
#   - a no-op `aimass run` of the example       (issue target: under 20 ms; DVC's no-op
#     `dvc repro` of an equivalent pipeline takes 0.65 s on this machine)
# Needs hyperfine (apt-get install hyperfine). Usage: benches/cli.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin="$PWD/target/release/aimass"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r examples/telco-retention "$work/"
cd "$work/telco-retention"
rm -rf .aimass ./*.lock
"$bin" run campaign.aim --quiet > /dev/null || true   # fill the cache
hyperfine --warmup 5 --runs 50 -N \
  "$bin check campaign.aim" \
  "$bin check campaign.yaml" \
  "$bin run campaign.aim --quiet" \
  "$bin plan campaign.aim"
