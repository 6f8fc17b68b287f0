#!/usr/bin/env bash
# Trunk post-build hook, release builds only:
# 1. minifies the staged JS (wasm-bindgen's glue, the worker bootstrap, the
#    snippets) with npm's terser, and rewrites the SRI hash index.html gives
#    each (a file that no longer matches its hash would not load);
# 2. writes a `.gz` beside each wasm and JS file, compressed with zopfli
#    (about 5% smaller than gzip -9, same format; browsers decode it as any
#    gzip). The relay serves these to browsers that accept gzip, and
#    scripts/budget.sh measures them: they are the bytes a tablet downloads.
#
# Without terser (tests/e2e's node packages not installed) the JS ships as
# wasm-bindgen wrote it; without zopfli, gzip -9 compresses.
set -euo pipefail

[ "${TRUNK_PROFILE:-release}" = "release" ] || exit 0
dir="${TRUNK_STAGING_DIR:?run by trunk as a post_build hook}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
terser="$root/tests/e2e/node_modules/.bin/terser"

# The Subresource Integrity value of a file, as Trunk writes it.
sri() {
    node -e 'const c = require("crypto"), fs = require("fs");
        process.stdout.write("sha384-" + c.createHash("sha384").update(fs.readFileSync(process.argv[1])).digest("base64"));' "$1"
}

if [ -x "$terser" ]; then
    while IFS= read -r -d '' f; do
        before="$(sri "$f")"
        "$terser" "$f" --module --compress --mangle --output "$f.min"
        mv "$f.min" "$f"
        after="$(sri "$f")"
        # `|` cannot occur in base64, so it delimits safely.
        sed -i "s|$before|$after|g" "$dir/index.html"
    done < <(find "$dir" -type f -name '*.js' -print0)
else
    echo "compress.sh: no terser in tests/e2e/node_modules; JS left as built" >&2
fi

while IFS= read -r -d '' f; do
    if command -v zopfli >/dev/null 2>&1; then
        zopfli --gzip -c "$f" >"$f.gz"
    else
        gzip -9 -c "$f" >"$f.gz"
    fi
done < <(find "$dir" -type f \( -name '*.wasm' -o -name '*.js' \) -print0)
