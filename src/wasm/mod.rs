//! The thin wasm-bindgen layer: every `#[wasm_bindgen]` item of the crate lives here.
//!
//! These are the *raw* exports of the wasm module; `pkg/src/api.js` wraps them in the public JS
//! surface (error classes, option handling). Each one forwards to plain Rust in
//! [`crate::text_api`], so nothing here can panic that native tests would not have caught.

use wasm_bindgen::prelude::*;

/// The SDK version (`paysg` npm package and Rust crate).
#[wasm_bindgen(js_name = version)]
pub fn version() -> String {
    crate::VERSION.to_owned()
}

/// See [`crate::text_api::validate_create_payment`].
#[wasm_bindgen(js_name = validateCreatePaymentText)]
pub fn validate_create_payment_text(input: &str) -> String {
    crate::text_api::validate_create_payment(input)
}

/// See [`crate::text_api::validate_refund`].
#[wasm_bindgen(js_name = validateRefundText)]
pub fn validate_refund_text(input: &str) -> String {
    crate::text_api::validate_refund(input)
}

/// See [`crate::text_api::build_create_payment_request`].
#[wasm_bindgen(js_name = buildCreatePaymentRequestText)]
pub fn build_create_payment_request_text(input: &str, opts: &str) -> String {
    crate::text_api::build_create_payment_request(input, opts)
}
