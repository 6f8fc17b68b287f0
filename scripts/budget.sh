#!/usr/bin/env bash
# Budget checks on the release build in dist/ (issue 3, P4): what a tablet
# downloads — the wasm and its JS (glue and worker bootstrap), gzipped as
# shipped — must stay within budget. The build writes each `.gz` with zopfli
# (scripts/compress.sh) and the relay serves exactly those bytes.
# Sizes only: no wall-clock times here, so the check cannot flake.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# P4: shipped wasm + JS, gzipped, in bytes (900 KB, with every feature in).
P4_BUDGET=900000

shipped=0
count=0
while IFS= read -r -d '' f; do
    if [ ! -f "$f.gz" ]; then
        echo "budget: no $f.gz — run trunk build --release (its hook compresses)" >&2
        exit 1
    fi
    # The .gz must be the file it stands for.
    if ! gzip -dc "$f.gz" | cmp -s - "$f"; then
        echo "budget: $f.gz does not decompress to $f" >&2
        exit 1
    fi
    gz=$(stat -c %s "$f.gz")
    printf 'budget: %-48s raw %8s  gzip %8s\n' "$f" "$(stat -c %s "$f")" "$gz"
    shipped=$((shipped + gz))
    count=$((count + 1))
done < <(find dist -type f \( -name '*.wasm' -o -name '*.js' \) -print0 | sort -z)
if [ "$count" -lt 2 ]; then
    echo "budget: no wasm and JS in dist — run trunk build --release first" >&2
    exit 1
fi
printf 'budget: P4 shipped wasm+js gzip %s bytes of %s (%s%%)\n' \
    "$shipped" "$P4_BUDGET" "$((shipped * 100 / P4_BUDGET))"
if [ "$shipped" -gt "$P4_BUDGET" ]; then
    echo "budget: P4 BROKEN: the app grew past ${P4_BUDGET} bytes gzipped" >&2
    exit 1
fi
