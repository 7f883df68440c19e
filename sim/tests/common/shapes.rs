//! Request bodies, and assertions on PaySG's shapes.

use crate::common::client::Reply;
use serde_json::{json, Value};

/// A create body with only the required fields.
pub fn minimal(reference: &str, cents: u64) -> Value {
    json!({
        "reference_id": reference,
        "payer_name": "Tan Ah Kow",
        "description": "Season parking, March",
        "amount_in_cents": cents,
    })
}

/// `body` with `field` set to `value` (or removed when `value` is `Null`).
pub fn with(body: &Value, field: &str, value: Value) -> Value {
    let mut body = body.clone();
    let map = body.as_object_mut().expect("an object body");
    if value.is_null() {
        map.remove(field);
    } else {
        map.insert(field.to_owned(), value);
    }
    body
}

/// The ids of a list page's `data`, in order.
pub fn ids_of(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .unwrap_or_else(|| panic!("no data array in {page}"))
        .iter()
        .map(|p| p["id"].as_str().expect("payment id").to_owned())
        .collect()
}

/// Asserts a PaySG error: the status, `{ error: { type, code, message } }` with non-empty strings,
/// and the code.
#[track_caller]
pub fn assert_error(reply: &Reply, status: u16, code: &str) {
    assert_eq!(
        reply.status, status,
        "expected HTTP {status} {code}, got {} with body {}",
        reply.status, reply.text
    );
    assert_error_body(reply);
    assert_eq!(
        reply.code(),
        code,
        "wrong error code in {} (HTTP {})",
        reply.text,
        reply.status
    );
}

/// Asserts that the body is PaySG's error shape.
#[track_caller]
pub fn assert_error_body(reply: &Reply) {
    let error = &reply.json["error"];
    assert!(
        error.is_object(),
        "not a PaySG error body (HTTP {}): {}",
        reply.status,
        reply.text
    );
    for part in ["type", "code", "message"] {
        let text = error[part].as_str().unwrap_or("");
        assert!(
            !text.is_empty(),
            "error.{part} is missing or empty in {}",
            reply.text
        );
    }
    for part in ["type", "code"] {
        let text = error[part].as_str().unwrap_or("");
        assert!(
            text.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "error.{part} {text:?} is not snake_case"
        );
    }
}

/// Asserts `value` is a timestamp like `2023-08-03T17:36:52.634+08:00`.
#[track_caller]
pub fn assert_timestamp(value: &Value, what: &str) {
    let s = value
        .as_str()
        .unwrap_or_else(|| panic!("{what} is not a string: {value}"));
    let shape = "dddd-dd-ddTdd:dd:dd.ddd+08:00";
    let ok = s.len() == shape.len()
        && s.bytes().zip(shape.bytes()).all(|(c, p)| match p {
            b'd' => c.is_ascii_digit(),
            _ => c == p,
        });
    assert!(
        ok,
        "{what} {s:?} is not ISO-8601 with milliseconds and +08:00"
    );
}

/// Whether `s` is a lower-case hyphenated UUID.
pub fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Every field of PaySG's payment object (paysg-api.md §5).
pub const PAYMENT_FIELDS: [&str; 28] = [
    "id",
    "payment_service_id",
    "reference_id",
    "payer_name",
    "payer_address",
    "payer_identifier",
    "payer_email",
    "description",
    "amount_in_cents",
    "due_date",
    "metadata",
    "return_url",
    "payment_url",
    "payment_qr_code_url",
    "payment_status",
    "latest_status",
    "refund_status",
    "email_delivery_status",
    "stripe_payment_intent_id",
    "payout_id",
    "creator_id",
    "created_at",
    "updated_at",
    "payment_sent_timestamp",
    "payment_succeeded_timestamp",
    "payment_cancelled_timestamp",
    "payment_fully_refunded_timestamp",
    "paid_out_timestamp",
];

/// Asserts that `payment` carries every §5 field.
#[track_caller]
pub fn assert_payment_shape(payment: &Value) {
    let map = payment
        .as_object()
        .unwrap_or_else(|| panic!("a payment must be an object: {payment}"));
    let missing: Vec<&str> = PAYMENT_FIELDS
        .iter()
        .copied()
        .filter(|f| !map.contains_key(*f))
        .collect();
    assert!(missing.is_empty(), "payment lacks {missing:?}: {payment}");
}

/// The statuses `(payment_status, latest_status, refund_status, email_delivery_status)`.
pub fn statuses(payment: &Value) -> (&str, &str, &str, &str) {
    let s = |f: &str| payment[f].as_str().unwrap_or("<not a string>");
    (
        s("payment_status"),
        s("latest_status"),
        s("refund_status"),
        s("email_delivery_status"),
    )
}
