#!/usr/bin/env bash
# Plugin benchmarks (issue 9), release build, whole processes on this machine:
#
# 1. Boundary cost: an identity transform in a plugin (panicky.identity, through the C ABI
#    and the SDK's Arrow layer) against the same transform built in, on a 1M-row, 20-column
#    frame, in one process: the stage's own time from the run record (load inputs, run,
#    encode and store outputs), median of RUNS runs. Also with --isolate-plugins.
# 2. Load cost: `aimass check` on a pipeline declaring two plugins (rfm, knn), whole process,
#    against the same pipeline without them (hyperfine when installed).
#
# Usage: benches/plugins/run.sh
#   RUNS=N runs per measure (default 7); ROWS=N rows of the frame (default 1000000);
#   PROFILE=debug to try the script quickly on a debug build (numbers then mean nothing).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
runs="${RUNS:-7}"
rows="${ROWS:-1000000}"
profile="${PROFILE:-release}"
target="${CARGO_TARGET_DIR:-$root/target}/$profile"
flag=$([ "$profile" = release ] && echo --release || true)

echo "== building aimass and the plugins ($profile)"
(cd "$root" && cargo build $flag --quiet -p aimass -p aimass-rfm -p aimass-knn -p aimass-test-panicky)
aimass="$target/aimass"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/plugins"
for lib in panicky rfm knn; do cp "$target/lib$lib.so" "$work/plugins/"; done
echo "== writing the $rows x 20 frame"
python3 "$here/make_frame.py" "$work/frame.csv" "$rows"

cat > "$work/boundary.aim" <<'AIM'
pipeline "boundary" { }
plugin p = "plugins/libpanicky.so"
stage raw: collect { source = "frame.csv" }
stage builtin: clean { input = raw }
stage plugin: p.identity { input = raw }
AIM

# The median of a stage's wall_ms over $runs forced runs (collect re-runs too; each stage's
# time is its own).
stage_ms() {
    local stage="$1"; shift
    for _ in $(seq "$runs"); do
        (cd "$work" && "$aimass" run boundary.aim --force --jobs 1 --format json "$@") |
            python3 -c "import json,sys; d=json.load(sys.stdin); print([s['wall_ms'] for s in d['stages'] if s['name']=='$stage'][0])"
    done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

echo "== boundary cost (median of $runs runs, ms per stage)"
b=$(stage_ms builtin)
p=$(stage_ms plugin)
i=$(stage_ms plugin --isolate-plugins)
python3 - "$b" "$p" "$i" <<'PY'
import sys
b, p, i = map(float, sys.argv[1:])
print(f"built-in identity (clean with no steps): {b:8.1f} ms")
print(f"plugin identity, in process:             {p:8.1f} ms   ({(p / b - 1) * 100:+.1f}%)")
print(f"plugin identity, --isolate-plugins:      {i:8.1f} ms   ({i / b:.1f}x)")
PY

cat > "$work/two.aim" <<'AIM'
pipeline "two" { }
plugin rfm = "plugins/librfm.so"
plugin knn = "plugins/libknn.so"
stage tx: collect { source = "frame.csv" }
stage seg: rfm.segment { input = tx, customer = "s1", date = "s0", amount = "f0" }
stage m: model { input = seg.scores, target = "frequency", algorithm = knn.knn, task = regression }
AIM
cat > "$work/none.aim" <<'AIM'
pipeline "none" { }
stage tx: collect { source = "frame.csv" }
stage m: model { input = tx, target = "f0", algorithm = linear }
AIM

echo "== load cost: aimass check, whole process"
if command -v hyperfine >/dev/null; then
    (cd "$work" && hyperfine --warmup 3 --runs 30 -N "$aimass check two.aim" "$aimass check none.aim")
else
    for f in two none; do
        python3 - "$aimass" "$work" "$f" <<'PY'
import subprocess, sys, time
aimass, work, f = sys.argv[1:]
times = []
for _ in range(30):
    t = time.perf_counter()
    subprocess.run([aimass, "check", f + ".aim"], cwd=work, check=True, capture_output=True)
    times.append((time.perf_counter() - t) * 1000)
times.sort()
print(f"aimass check {f}.aim: median {times[15]:.1f} ms (min {times[0]:.1f})")
PY
    done
fi
