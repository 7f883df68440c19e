//! wasm tests run by wasm-bindgen-test-runner in headless Chromium (through chromedriver).
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[path = "../wasm_common/mod.rs"]
mod common;
