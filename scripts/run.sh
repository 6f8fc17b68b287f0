#!/usr/bin/env bash
# Builds Rapport (release) and runs the relay, which also serves the app, on
# http://127.0.0.1:8080 (PORT=... to change). The relay keeps its SQLite
# database in ./relay-data (RELAY_DATA=... to change). Team creation is open,
# for local use; docs/relay.md says how to run a relay for others.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh

trunk build --release
cargo build --release -p rapport-relay
exec target/release/rapport-relay --listen "127.0.0.1:${PORT:-8080}" \
    --data-dir "${RELAY_DATA:-relay-data}" --static-dir dist --open-team-creation
