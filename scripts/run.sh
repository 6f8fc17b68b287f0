#!/usr/bin/env bash
# Builds Rapport (release) and serves it on http://127.0.0.1:8080 (PORT=... to change).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh

trunk build --release
exec node tests/e2e/serve.mjs dist "${PORT:-8080}"
