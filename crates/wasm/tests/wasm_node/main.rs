//! wasm tests run by wasm-bindgen-test-runner in Node.js.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

#[path = "../wasm_common/mod.rs"]
mod common;
