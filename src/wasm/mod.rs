//! The thin wasm-bindgen layer: every `#[wasm_bindgen]` item of the crate lives here.
//!
//! Functions in this module are the *raw* exports of the wasm module. Their JS names start with
//! `__` where they are not part of the public surface; `pkg/src/api.js` wraps them.

use wasm_bindgen::prelude::*;

/// The SDK version (`paysg` npm package and Rust crate).
#[wasm_bindgen(js_name = version)]
pub fn version() -> String {
    crate::VERSION.to_owned()
}
