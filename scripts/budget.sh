#!/usr/bin/env bash
# Budget checks on the release build in dist/ (issue 3, P4): what a tablet
# downloads — the wasm and its JS glue, gzipped — must stay within budget.
# Sizes only: no wall-clock times here, so the check cannot flake.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# P4: shipped wasm + JS, gzip -9, in bytes (700 KB).
P4_BUDGET=700000

shipped=0
for f in dist/*.wasm dist/*.js; do
    [ -f "$f" ] || { echo "budget: no $f — run trunk build --release first" >&2; exit 1; }
    gz=$(gzip -9 -c "$f" | wc -c)
    printf 'budget: %-45s raw %8s  gzip %8s\n' "$f" "$(stat -c %s "$f")" "$gz"
    shipped=$((shipped + gz))
done
printf 'budget: P4 shipped wasm+js gzip %s bytes of %s (%s%%)\n' \
    "$shipped" "$P4_BUDGET" "$((shipped * 100 / P4_BUDGET))"
if [ "$shipped" -gt "$P4_BUDGET" ]; then
    echo "budget: P4 BROKEN: the app grew past ${P4_BUDGET} bytes gzipped" >&2
    exit 1
fi
