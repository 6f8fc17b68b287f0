#!/usr/bin/env bash
# Fuzzes the frame decoders and the relay's Session (issue 13) for a bounded
# time; exits non-zero on any crash, hang or broken property.
#
#   scripts/fuzz.sh              # 60 s in all (CI): session 30 s, each decoder 15 s
#   scripts/fuzz.sh 720          # the long run: session 360 s, decoders 180 s each
#   scripts/fuzz.sh 60 session   # only the named targets, the time split among them
#   FUZZ_SANITIZER=none scripts/fuzz.sh 60   # CI: no AddressSanitizer, a far shorter cold build
#
# FUZZ_SANITIZER is cargo fuzz's --sanitizer (address, the default here;
# none; leak; memory; thread). Rust code is memory-safe without it; what
# AddressSanitizer adds is a check of the bundled SQLite's C code.
#
# Needs the nightly toolchain (sanitizers, coverage instrumentation): without
# it, it prints a SKIPPED line and exits 0 (it cannot fuzz, and that is not
# a failure of the code). It installs cargo-fuzz from crates.io if missing. The committed
# seeds in fuzz/corpus/<target>/ are copied into a scratch corpus, so what
# the fuzzer finds stays out of git; a crash's input lands in
# fuzz/artifacts/<target>/ (replay: cargo +nightly fuzz run <target> <file>).
# See fuzz/README.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$HOME/.cargo/bin:$PATH"

total="${1:-60}"
shift || true
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(session client_frame server_frame)

_log() { printf '[fuzz] %s\n' "$*" >&2; }

sanitizer="${FUZZ_SANITIZER:-address}"

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    printf '\n*** SKIPPED: no nightly toolchain: cargo fuzz needs it (rustup toolchain install nightly); nothing was fuzzed ***\n\n'
    exit 0
fi
cargo_fuzz_version="0.13.2"
if ! cargo fuzz --version >/dev/null 2>&1; then
    _log "cargo install cargo-fuzz $cargo_fuzz_version"
    cargo install cargo-fuzz --locked --version "$cargo_fuzz_version"
fi

# The session target gets twice a decoder's share: it has far more state.
weight() { if [ "$1" = session ]; then echo 2; else echo 1; fi; }
weights=0
for target in "${targets[@]}"; do weights=$((weights + $(weight "$target"))); done

start=$SECONDS
# One build of every target (release, the sanitizer, coverage).
cargo +nightly fuzz build --sanitizer "$sanitizer"
_log "built in $((SECONDS - start)) s (sanitizer: $sanitizer)"

# Scratch corpora and the session target's SQLite files, on tmpfs where
# there is one (the store syncs every write); removed at the end.
scratch="$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
export TMPDIR="$scratch"
summary=()
failed=0
for target in "${targets[@]}"; do
    seconds=$((total * $(weight "$target") / weights))
    [ "$seconds" -ge 1 ] || seconds=1
    corpus="$scratch/$target"
    mkdir -p "$corpus"
    cp fuzz/corpus/"$target"/* "$corpus"/
    log="$scratch/$target.log"
    _log "$target for ${seconds} s"
    # -timeout: an input that takes over 10 s is a hang, and a failure.
    # -max_len: a session script holds several frames.
    max_len=4096
    [ "$target" = session ] && max_len=16384
    if cargo +nightly fuzz run --sanitizer "$sanitizer" "$target" "$corpus" -- \
        -max_total_time="$seconds" -timeout=10 -max_len="$max_len" \
        -print_final_stats=1 >"$log" 2>&1; then
        status=ok
    else
        status=FAILED
        failed=1
        tail -n 60 "$log" >&2
    fi
    done_line="$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 || true)"
    execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
    rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")"
    cov="$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' <<<"$done_line" || true)"
    summary+=("$(printf '%-13s %-6s %6ss %10s execs %7s exec/s  %s' \
        "$target" "$status" "$seconds" "${execs:-?}" "${rate:-?}" "${cov:-?}")")
done

printf '\nFuzzing (%s s in all, %s s with the build, sanitizer %s):\n' \
    "$total" "$((SECONDS - start))" "$sanitizer"
printf '%s\n' "${summary[@]}"
if [ "$failed" -ne 0 ]; then
    _log "a target failed: its input is in fuzz/artifacts/<target>/; replay it with cargo +nightly fuzz run <target> <file>"
fi
exit "$failed"
