//! wasm tests run by wasm-bindgen-test-runner in Node.js.
#![cfg(target_arch = "wasm32")]

#[path = "../wasm_common/mod.rs"]
mod common;
