#!/usr/bin/env bash
# Trunk pre-build hook: writes the demo workspaces the app offers on an empty
# workspace into the staged dist (demo/demo-40.automerge, demo-100.automerge).
# They are generated natively (bench/src/bin/demo.rs), so the generator is
# not in the shipped wasm; the app fetches one only when a rep asks for it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out="${TRUNK_STAGING_DIR:-dist}/demo"
cargo run --release --quiet -p rapport-bench --bin demo -- "$out"
