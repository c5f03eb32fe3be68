# shellcheck shell=bash
# Sourced by every project script: one place that decides which compiler builds
# both halves (server and WASM client) and where the build tools live.
#
# Where a rustup wasm32 target exists (a developer laptop) the normal toolchain
# is used. Otherwise (this project's Debian machines, see scripts/setup) Debian's
# rustc, with a wasm32 std we build once, compiles both halves: one compiler for
# both keeps the shared `app` crate's artefacts compatible.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT

export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
# npm tools (wasm-opt from binaryen 132, Playwright) come first: cargo-leptos
# looks `wasm-opt` up on PATH, and Debian's older binaryen breaks hydration.
export PATH="$ROOT/end2end/node_modules/.bin:$CARGO_HOME/bin:$PATH"

if command -v rustup >/dev/null 2>&1 \
  && rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  FRONT_DOOR_TOOLCHAIN=rustup
else
  FRONT_DOOR_TOOLCHAIN=debian
  export RUSTC=/usr/bin/rustc
  # Doc tests must be compiled by the same compiler's rustdoc.
  export RUSTDOC=/usr/bin/rustdoc
fi
export FRONT_DOOR_TOOLCHAIN

# Pinned versions of the build tools (wasm-bindgen must equal Cargo.lock's).
CARGO_LEPTOS_VERSION=0.3.11
export CARGO_LEPTOS_VERSION

# Print a timestamped step line (to stderr, so stdout stays for results).
step() { printf '\n==> [%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# Run as root or through sudo, whichever this machine allows.
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}
