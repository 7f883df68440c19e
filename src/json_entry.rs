//! The JSON-text entry points of validation and the return URL, behind the wasm exports: JSON
//! text in, JSON text out.
//!
//! Crossing the JS↔wasm boundary is cheapest as one string each way: JS writes its input with
//! `JSON.stringify` (native, and it drops `undefined` the way the body must), Rust answers with a
//! JSON document that JS reads with `JSON.parse`. Building JS objects field by field from Rust
//! costs microseconds; these functions are plain Rust and are tested natively.

use crate::json::{self, Json};

/// The longest input text (JSON, in UTF-16 code units) the JS layer hands over; larger inputs
/// are refused before they reach the module.
pub const MAX_INPUT_CHARS: usize = 1 << 20;
use crate::validate::{self, Code, FieldError};

/// `{"ok":false,"errors":[…]}`: the problems, as every text export answers them.
pub(crate) fn errors_json(errors: &[FieldError]) -> String {
    format!(
        r#"{{"ok":false,"errors":{}}}"#,
        serde_json::to_string(errors).unwrap_or_else(|_| "[]".to_owned())
    )
}

fn ok_json(value: &str) -> String {
    format!(r#"{{"ok":true,"value":{value}}}"#)
}

/// Reads what the JS layer handed over (see [`json::from_js`]), or the error for `what`.
fn read<'a>(text: &'a str, what: &str) -> Result<Json<'a>, FieldError> {
    json::from_js(text).map_err(|got| {
        FieldError::new(
            "",
            Code::InvalidType,
            format!("the {what} must be an object, got {got}"),
        )
    })
}

/// `validateCreatePayment`: `{"ok":true,"value":{…normalised body…}}` or
/// `{"ok":false,"errors":[…]}`.
pub fn validate_create_payment(input: &str) -> String {
    match read(input, "payment") {
        Err(e) => errors_json(&[e]),
        Ok(j) => match validate::validate_create_payment(&j) {
            Ok(v) => ok_json(&v.to_json()),
            Err(errors) => errors_json(&errors),
        },
    }
}

/// `validateCreatePayment(input, options)`: like [`validate_create_payment`], under the options
/// `{ normaliseText?, limits? }` given as the JS layer's JSON text (`""` for none). Problems with
/// the options come first, named by option (`limits.payer_identifier`).
pub fn validate_create_payment_with(input: &str, options: &str) -> String {
    if options.is_empty() {
        return validate_create_payment(input);
    }
    let rules = match json::from_js(options) {
        Ok(o) => validate::rules::rules_of_options(Some(&o)),
        Err(got) => Err(vec![FieldError::new(
            "",
            Code::InvalidType,
            format!("the options must be an object {{ normaliseText?, limits? }}, got {got}"),
        )]),
    };
    let input = read(input, "payment");
    match (rules, input) {
        (Ok(rules), Ok(j)) => match validate::validate_create_payment_with(&j, &rules) {
            Ok(v) => ok_json(&v.to_json()),
            Err(errors) => errors_json(&errors),
        },
        (Ok(_), Err(e)) => errors_json(&[e]),
        (Err(mut errors), input) => {
            // The input's problems too, under the default rules, so that every problem shows.
            match input {
                Ok(j) => errors.extend(
                    validate::validate_create_payment(&j)
                        .err()
                        .unwrap_or_default(),
                ),
                Err(e) => errors.push(e),
            }
            errors_json(&errors)
        }
    }
}

/// `validateRefund`: like [`validate_create_payment`] for `{ refund_amount_in_cents }`.
pub fn validate_refund(input: &str) -> String {
    match read(input, "refund") {
        Err(e) => errors_json(&[e]),
        Ok(j) => match validate::validate_refund(&j) {
            Ok(v) => ok_json(&serde_json::to_string(&v).unwrap_or_default()),
            Err(errors) => errors_json(&errors),
        },
    }
}
