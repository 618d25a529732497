#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (nightly + cargo-fuzz), from the committed seeds in
# fuzz/corpus/<target>/; what it learns goes to fuzz/scratch/ (not committed).
# A crash leaves its input in fuzz/artifacts/<target>/: copy it into fuzz/corpus/<target>/ so
# that dsl/tests/fuzz_corpus.rs replays it on every CI run, then fix the bug.
#
#   fuzz/run.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
for target in aim yaml value; do
    mkdir -p "corpus/$target" "scratch/$target"
    echo "== $target ($seconds s)"
    cargo +nightly fuzz run "$target" "scratch/$target" "corpus/$target" -- -max_total_time="$seconds" -max_len=4096 2>&1 \
        | grep -E "^#[0-9]+.*(DONE|pulse)|Done [0-9]+ runs|ERROR|panicked" | tail -3
done
