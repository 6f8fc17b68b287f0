#!/usr/bin/env bash
# Everything CI checks, in order; stops at the first failure (non-zero exit).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

timings=()
current=""
current_start=0
run_step() {
    current="$1"
    shift
    printf '\n==> %s\n' "$current"
    current_start=$SECONDS
    "$@" # errexit applies inside: never call this from an `if` or `||`
    timings+=("$(printf '%5ss  %s' "$((SECONDS - current_start))" "$current")")
    printf '<== %s: ok in %ss\n' "$current" "$((SECONDS - current_start))"
    current=""
}
on_exit() {
    local rc=$?
    if [ -n "$current" ]; then
        printf '<== %s: FAILED (exit %s) after %ss\n' "$current" "$rc" "$((SECONDS - current_start))"
    fi
    printf '\nTimings:\n'
    local t
    for t in "${timings[@]}"; do printf '%s\n' "$t"; done
    printf '%5ss  total (%s)\n' "$SECONDS" "$([ "$rc" -eq 0 ] && echo passed || echo FAILED)"
    exit "$rc"
}
trap on_exit EXIT

setup_step() { source scripts/setup.sh; }
wasm_tests() {
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
        CHROMEDRIVER=/usr/bin/chromedriver \
        cargo test --target wasm32-unknown-unknown --test web
}
run_step "setup" setup_step
run_step "cargo fmt --check" cargo fmt --all -- --check
run_step "cargo clippy (native)" cargo clippy --workspace --all-targets -- -D warnings
run_step "cargo clippy (wasm32)" cargo clippy --target wasm32-unknown-unknown -p rapport -p rapport-protocol --all-targets -- -D warnings
run_step "cargo test (native: app, protocol, relay)" cargo test --workspace
# A bounded minute of fuzzing the frame decoders and the relay's Session
# (cargo fuzz, nightly); without sanitizer, which builds several times faster
# from a clean clone. Long runs: scripts/fuzz.sh 600.
run_step "fuzz (60 s, cargo fuzz)" env FUZZ_SANITIZER=none scripts/fuzz.sh 60
run_step "wasm-bindgen-test (Chromium)" wasm_tests
run_step "trunk build --release" trunk build --release
run_step "budget checks (P4 size)" scripts/budget.sh
# The sync e2e test runs the relay binary (serving dist/) as a real process.
run_step "relay binary for e2e" cargo build -p rapport-relay
run_step "e2e (playwright-core, Chromium)" node tests/e2e/run.mjs
run_step "budget checks (P1, P3 in Chromium)" scripts/budget-browser.sh
