//! wasm tests run by wasm-bindgen-test-runner in headless Chromium (through chromedriver).
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[path = "../wasm_common/mod.rs"]
mod common;
