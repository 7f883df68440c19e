//! The behaviour suite: black-box tests of `paysg-sim` (docs/paysg-sim.md) and PaySG
//! (shared/paysg-api.md) over HTTP. Each test starts a simulator on a free port — the native
//! binary; `npx paysg-sim` (the npm package's CLI in Node) with `PAYSG_SIM_SHELL=npm`; or the
//! npm package's in-process simulator behind a small HTTP adapter (tests/common/inprocess.mjs)
//! with `PAYSG_SIM_SHELL=inprocess` — and talks HTTP to it. A case only some shells can run says
//! why and passes on the others ([`common::skip_unless`], [`common::skip_unless_any`]). One file
//! per section; `npm test` runs the suite once per shell.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

#[allow(dead_code)] // shared with tests/durability.rs and tests/send_webhook.rs
#[path = "../common/mod.rs"]
mod common;

mod alike;
mod auth;
mod cancel_refund;
mod create;
mod create_bodies;
mod faults;
mod idempotency;
mod payer;
mod process;
mod reset;
mod retrieve;
mod robustness;
mod webhooks;
