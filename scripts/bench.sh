#!/usr/bin/env bash
# Benchmarks (issue 3): generates the S, M and L team workspaces (cached in
# bench/tmp/), measures the native hot paths and the browser's cold open and
# memory, and writes the tables to bench/results/. Sizes to run: arguments
# (default: S M L). Generating L takes several minutes the first time.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
sizes=("${@:-S M L}")
# shellcheck disable=SC2068 # the sizes are words on purpose
cargo run -p rapport-bench --release -- ${sizes[@]}
trunk build --release
scripts/budget.sh | tee bench/results/size.md
# shellcheck disable=SC2068
node bench/browser/p1.mjs ${sizes[@]}
