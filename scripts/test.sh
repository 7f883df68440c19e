#!/usr/bin/env bash
# Every test of the project, in order of cost: lints, native Rust tests, the build, wasm tests in
# Node and Chromium, then the JS tests against the packed package. `npm test` runs set-up first.
set -euo pipefail
cd "$(dirname "$0")/.."
export WRANGLER_SEND_METRICS=false
export CHROMEDRIVER=${CHROMEDRIVER:-$(command -v chromedriver || true)}
start=$(date +%s)
step() { printf '\n== %s (%ss)\n' "$*" "$(( $(date +%s) - start ))"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (host)"
cargo clippy --quiet --workspace --all-targets -- -D warnings
step "cargo clippy (wasm32: the core and the Rust client over gloo-net)"
cargo clippy --quiet -p paysg -p paysg-gloo --all-targets --target wasm32-unknown-unknown -- -D warnings
step "cargo clippy (wasm32: paysg/validate's module, the simulator's core and its binding)"
cargo clippy --quiet -p paysg-wasm -p paysg-sim-core -p paysg-sim-wasm -p paysg-validate-wasm --all-targets --target wasm32-unknown-unknown -- -D warnings

step "cargo test (native)"
cargo test --quiet --workspace

step "build pkg/"
node scripts/build.mjs

step "the behaviour suite (sim/tests/behaviour) against npx paysg-sim: the npm package's CLI in Node"
PAYSG_SIM_SHELL=npm cargo test --quiet -p paysg-sim --test behaviour
PAYSG_SIM_SHELL=npm cargo test --quiet -p paysg-sim --test hostile
step "the behaviour suite and hostile.rs against the in-process simulator (createSimulator behind sim/tests/common/inprocess.mjs)"; PAYSG_SIM_SHELL=inprocess cargo test --quiet -p paysg-sim --test behaviour --test hostile

step "wasm tests in Node"
WASM_BINDGEN_TEST_ONLY_NODE=1 cargo test -p paysg-wasm --target wasm32-unknown-unknown --test wasm_node
step "wasm tests in headless Chromium"
cargo test -p paysg-wasm --target wasm32-unknown-unknown --test wasm_browser

step "the Rust client over gloo-net (wasm, Node) against paysg-sim"
cargo build --quiet -p paysg-sim
sim_out=$(mktemp)
target/debug/paysg-sim --port 0 --quiet >"$sim_out" 2>&1 &
sim_pid=$!
trap 'kill $sim_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q "listening on" "$sim_out" && break; sleep 0.1; done
PAYSG_SIM_URL=$(grep -o 'http://[^ ]*' "$sim_out" | head -n 1)
[ -n "$PAYSG_SIM_URL" ] || { echo "paysg-sim did not start: $(cat "$sim_out")"; exit 1; }
PAYSG_SIM_URL=$PAYSG_SIM_URL WASM_BINDGEN_TEST_ONLY_NODE=1 \
  cargo test -p paysg-gloo --target wasm32-unknown-unknown --test sim
kill $sim_pid 2>/dev/null || true

step "pack and install into a temporary project"
PAYSG_TEST_PROJECT=$(node --input-type=module -e 'import { packAndInstall } from "./tests/js/helpers.mjs"; console.log(packAndInstall());')
export PAYSG_TEST_PROJECT

step "JS tests against the packed package (Node, workerd, Chromium, tsc)"
node --test --test-reporter=spec --test-concurrency=2 tests/js/

step "done"
