#!/usr/bin/env bash
# Browser budget checks (issue 3) on the release build in dist/: the cold
# open of the S and M team workspaces within 2 × the empty workspace's, no
# main-thread task over 200 ms while opening, and the account filter's median
# update within one frame (16 ms). Cold opens are compared as ratios measured
# in the same run; the 200 ms and one-frame limits are the issue's own, checked
# on medians of 3 runs. The workspaces are
# generated once into bench/tmp/ (deterministic). L is measured by
# scripts/bench.sh (its generation takes about 18 minutes).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo run -q -p rapport-bench --release -- S M --generate-only
BUDGET=1 node bench/browser/p1.mjs S M
# P3, second half: no main-thread task over 200 ms while a device joins (the
# whole M workspace arrives) or while 10,000 changes from the team are
# applied (M, one chunk per change and coalesced; medians of 3),
# through a real relay process, with bench/examples/feed.rs as the
# colleagues' devices (about a minute per run).
cargo build -q -p rapport-relay --release
cargo build -q -p rapport-bench --release --example feed
BUDGET=1 node bench/browser/p3sync.mjs M
