#!/usr/bin/env bash
# Trunk post-build hook. Trunk runs the hooks of one stage at the same time,
# so the steps that must follow each other live here, in order:
# 1. compress.sh (release only): minifies the JS and writes the `.gz` files;
# 2. service-worker.mjs: hashes the shell as shipped and writes sw.js.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/compress.sh
node scripts/service-worker.mjs "${TRUNK_STAGING_DIR:?run by trunk as a post_build hook}"
