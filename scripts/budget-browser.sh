#!/usr/bin/env bash
# Browser budget checks (issue 3) on the release build in dist/: the cold
# open of the S and M team workspaces within 2 × the empty workspace's, and
# no main-thread task over 200 ms while opening, all measured in the same
# run (medians of 3), never against absolute times. The workspaces are
# generated once into bench/tmp/ (deterministic). L is measured by
# scripts/bench.sh (its generation takes about 18 minutes).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo run -q -p rapport-bench --release -- S M --generate-only
BUDGET=1 node bench/browser/p1.mjs S M
