#!/usr/bin/env bash
# Trunk post-build hook: in release builds, writes a `.gz` beside each wasm
# and JS file of the staged app, compressed with zopfli (about 5% smaller
# than gzip -9, same format; browsers decode it as any gzip). The relay
# serves these to browsers that accept gzip, and scripts/budget.sh measures
# them: they are the bytes a tablet downloads.
#
# Without zopfli on PATH (a machine set up by hand) it falls back to gzip -9.
set -euo pipefail

[ "${TRUNK_PROFILE:-release}" = "release" ] || exit 0
dir="${TRUNK_STAGING_DIR:?run by trunk as a post_build hook}"

while IFS= read -r -d '' f; do
    if command -v zopfli >/dev/null 2>&1; then
        zopfli --gzip -c "$f" >"$f.gz"
    else
        gzip -9 -c "$f" >"$f.gz"
    fi
done < <(find "$dir" -type f \( -name '*.wasm' -o -name '*.js' \) -print0)
