#!/usr/bin/env bash
# Installs what a fresh machine lacks to build and test paysg, skipping whatever is already there.
# Idempotent; on a machine that has everything it takes about a second.
#
#   bash scripts/setup.sh            # everything (what `npm test` and `npm start` call first)
#   PAYSG_SETUP_SKIP_BROWSER=1 ...   # skip chromium (no browser tests will run)
#
# Each failure prints one line naming what is missing and how to get it; the full output of the
# failing step is kept in target/setup-logs/.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
root=$PWD
logs="$root/target/setup-logs"
mkdir -p "$logs"

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }
# run NAME CMD...: run a step with its output in a log; on failure print one line and stop.
run() {
  local name=$1; shift
  if ! "$@" >"$logs/$name.log" 2>&1; then
    die "$name failed ($(tail -n 1 "$logs/$name.log" | cut -c1-160)); full log: $logs/$name.log"
  fi
}

# --- tools that must already be there ---------------------------------------------------------
command -v cargo >/dev/null || die "cargo not found: install Rust with rustup (https://rustup.rs), then run this again"
command -v rustup >/dev/null || die "rustup not found: the wasm32 target is installed through rustup (https://rustup.rs)"
command -v node >/dev/null || die "node not found: install Node.js 20.3 or newer (https://nodejs.org)"
command -v npm >/dev/null || die "npm not found: it comes with Node.js (https://nodejs.org)"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=3)?0:1)' \
  || die "node $(node --version) is too old: paysg needs Node.js 20.3 or newer"

# --- Rust: wasm target, rustfmt, clippy ------------------------------------------------------
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  run rustup-target rustup target add wasm32-unknown-unknown
fi
for c in rustfmt clippy; do
  if ! rustup component list --installed 2>/dev/null | grep -q "^$c"; then
    say "adding the $c component"
    run "rustup-$c" rustup component add "$c"
  fi
done

# --- wasm-bindgen-cli at exactly the Cargo.lock version ---------------------------------------
[ -f Cargo.lock ] || run cargo-lock cargo generate-lockfile
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[ -n "$want" ] || die "no wasm-bindgen in Cargo.lock: run 'cargo generate-lockfile'"
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')
have_runner=$(wasm-bindgen-test-runner --version 2>/dev/null | awk '{print $2}')
if [ "$have" != "$want" ] || [ "$have_runner" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (had: ${have:-none}); this takes about 2 minutes once"
  # Without --locked: the CLI's own lockfile wants crates this registry does not serve.
  run wasm-bindgen-cli cargo install wasm-bindgen-cli --version "$want" --force
fi

# --- Chromium and ChromeDriver for the browser tests ------------------------------------------
if [ -z "${PAYSG_SETUP_SKIP_BROWSER:-}" ]; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    command -v apt-get >/dev/null \
      || die "chromium and chromedriver not found: install them (Debian: apt-get install chromium chromium-driver), or set PAYSG_SETUP_SKIP_BROWSER=1"
    sudo=""
    if [ "$(id -u)" != 0 ]; then
      sudo -n true 2>/dev/null || die "chromium not found and apt-get needs root: run 'sudo apt-get install chromium chromium-driver'"
      sudo="sudo -n"
    fi
    say "installing chromium and chromium-driver from apt"
    run apt-update $sudo apt-get update
    run apt-chromium env DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends chromium chromium-driver
  fi
fi

# --- npm dev tools (exact pins from package-lock.json) ----------------------------------------
stamp=node_modules/.paysg-setup-stamp
lockhash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lockhash" ]; then
  say "installing npm dev tools (npm ci)"
  run npm-ci npm ci --no-audit --no-fund
  echo "$lockhash" >"$stamp"
fi
exit 0
