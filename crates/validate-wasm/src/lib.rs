//! `paysg-validate-wasm`: the validation-only module behind `paysg/validate`, for pages that
//! validate a form and nothing else. The same rules as the full module (the same Rust), through
//! the JSON path only: no client, no webhooks, no fast path, built with `opt-level = "z"` (see
//! `scripts/build.mjs`), so that a browser downloads ≈ a third of the full module.

use wasm_bindgen::prelude::*;

/// The result of validating a create-payment body given as the JS layer's JSON text, under the
/// options `{ normaliseText?, limits? }` (their JSON text, `""` for none): `{ ok, value }` or
/// `{ ok: false, errors }`, as JSON text.
#[wasm_bindgen(js_name = validateCreatePaymentText)]
pub fn validate_create_payment_text(input: &str, options: &str) -> String {
    paysg::json_entry::validate_create_payment_with(input, options)
}

/// The same for a refund body.
#[wasm_bindgen(js_name = validateRefundText)]
pub fn validate_refund_text(input: &str) -> String {
    paysg::json_entry::validate_refund(input)
}

/// The SDK's version.
#[wasm_bindgen(js_name = version)]
pub fn version() -> String {
    paysg::VERSION.to_owned()
}
