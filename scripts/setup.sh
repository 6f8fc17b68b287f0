#!/usr/bin/env bash
# Installs what Rapport's build and tests need, skipping whatever is already
# present, then sets up the environment (PATH, TRUNK_SKIP_VERSION_CHECK).
#
#   source scripts/setup.sh   # from another script: exports stay in effect
#   scripts/setup.sh          # on its own: just installs
#
# Idempotent; a second run does no installs and takes a few seconds.
# See shared/TOOLCHAIN.md for why each pin is what it is.

set -euo pipefail

_rapport_setup() {
    local root
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    local e2e="$root/tests/e2e"
    local trunk_version="0.21.14"

    _log() { printf '[setup] %s\n' "$*" >&2; }

    export PATH="$HOME/.cargo/bin:$PATH"

    # 1. Chromium and its WebDriver (for wasm-bindgen-test and the e2e tests).
    local apt_pkgs=()
    [ -x /usr/bin/chromium ] || apt_pkgs+=(chromium)
    [ -x /usr/bin/chromedriver ] || apt_pkgs+=(chromium-driver)
    command -v node >/dev/null 2>&1 || apt_pkgs+=(nodejs)
    command -v npm >/dev/null 2>&1 || apt_pkgs+=(npm)
    # zopfli: the release build ships the wasm and JS precompressed with it.
    command -v zopfli >/dev/null 2>&1 || apt_pkgs+=(zopfli)
    if [ "${#apt_pkgs[@]}" -gt 0 ]; then
        _log "apt-get install ${apt_pkgs[*]}"
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${apt_pkgs[@]}"
    fi

    # 2. The wasm target.
    if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
        _log "rustup target add wasm32-unknown-unknown"
        rustup target add wasm32-unknown-unknown
    fi

    # 3. Trunk (0.22 needs a newer rustc than this machine has).
    if [ "$(trunk --version 2>/dev/null || true)" != "trunk $trunk_version" ]; then
        _log "cargo install trunk $trunk_version (about 10-13 minutes)"
        cargo install trunk --version "$trunk_version" --locked
    fi

    # 4. wasm-bindgen CLI, exactly Cargo.lock's wasm-bindgen version (Trunk
    #    otherwise tries to download one). No --locked: see TOOLCHAIN.md.
    local wbg_version
    wbg_version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$root/Cargo.lock")"
    if [ -z "$wbg_version" ]; then
        _log "cannot read the wasm-bindgen version from Cargo.lock"
        return 1
    fi
    if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $wbg_version" ]; then
        _log "cargo install wasm-bindgen-cli $wbg_version (about 2 minutes)"
        cargo install wasm-bindgen-cli --version "$wbg_version"
    fi

    # 5. Node packages of the browser tests (playwright-core, npm's binaryen).
    if [ ! -d "$e2e/node_modules" ] \
        || [ ! -f "$e2e/node_modules/.package-lock.json" ] \
        || [ "$e2e/package-lock.json" -nt "$e2e/node_modules/.package-lock.json" ]; then
        _log "npm ci in tests/e2e"
        (cd "$e2e" && npm ci --no-audit --no-fund --loglevel=error)
    fi

    # npm's wasm-opt first: Debian's binaryen 108 emits wasm that crashes Chromium.
    case ":$PATH:" in
        *":$e2e/node_modules/.bin:"*) ;;
        *) export PATH="$e2e/node_modules/.bin:$PATH" ;;
    esac
    export TRUNK_SKIP_VERSION_CHECK=true

    # 6. Crates, so Trunk's offline build (cargo --offline) finds them.
    (cd "$root" && cargo fetch --quiet)

    # 7. cargo-fuzz, for the bounded fuzz run (scripts/fuzz.sh), when the
    #    nightly toolchain it needs is here (rustup cannot download one on
    #    this kind of machine; the fuzz step then says it was skipped).
    if rustup run nightly rustc --version >/dev/null 2>&1 \
        && ! cargo fuzz --version >/dev/null 2>&1; then
        _log "cargo install cargo-fuzz (about 4 minutes)"
        cargo install cargo-fuzz --locked --version 0.13.2
    fi
}

_rapport_setup_start=$SECONDS
_rapport_setup
printf '[setup] ready in %ss\n' "$((SECONDS - _rapport_setup_start))" >&2
unset _rapport_setup_start
