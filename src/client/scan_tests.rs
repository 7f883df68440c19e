//! Tests of the fast path (super): it agrees with the JSON tree wherever it answers.
use super::*;
use crate::client::read::{payment_verbatim, payment_view};
use crate::json::Json;
use serde_json::{json, Value};

type Owned = (String, String, String, String, Option<String>);

fn owned(v: ShapeFields<'_>) -> Owned {
    let o = |s: &str| s.to_owned();
    (
        o(v.id),
        o(v.reference_id),
        o(v.latest_status),
        o(v.refund_status),
        v.payment_fully_refunded_timestamp.map(o),
    )
}

/// The general path's verdict: the tree read, checked and found verbatim, and its fields.
fn general(text: &str) -> Option<Owned> {
    let json = Json::parse(text).ok()?;
    let view = payment_view(&json).ok()?;
    payment_verbatim(&json, view.has_line_items()).then(|| {
        owned(ShapeFields {
            id: view.id(),
            reference_id: view.reference_id(),
            latest_status: view.latest_status(),
            refund_status: view.refund_status(),
            payment_fully_refunded_timestamp: view.payment_fully_refunded_timestamp(),
        })
    })
}

/// The fast path agrees with the general one whenever it answers; returns whether it did.
fn agree(text: &str) -> bool {
    let fast = verbatim_payment(text).map(owned);
    if fast.is_some() {
        assert_eq!(fast, general(text), "{text}");
    }
    fast.is_some()
}

fn payment() -> Value {
    json!({"id":"p1","payment_service_id":"s","reference_id":"r","payer_name":"n","payer_address":null,"payer_identifier":null,"payer_email":"e@x.sg","description":"d","amount_in_cents":100,"due_date":null,"metadata":{"a":"1"},"return_url":null,"payment_url":"u","payment_qr_code_url":"q","payment_status":"unpaid","latest_status":"unpaid","refund_status":"not_refunded","email_delivery_status":"unsent","stripe_payment_intent_id":null,"payout_id":null,"creator_id":"c","created_at":"t","updated_at":"t","payment_sent_timestamp":null,"payment_succeeded_timestamp":null,"payment_cancelled_timestamp":null,"payment_fully_refunded_timestamp":"2026-01-01T00:00:00Z","paid_out_timestamp":null})
}

#[test]
fn eight_bytes_stop_exactly_where_one_would() {
    for b in 0..=255u8 {
        for at in 0..8 {
            let mut eight = *b"abcdefgh";
            eight[at] = b;
            let one = b == b'"' || b == b'\\' || b < 0x20;
            assert_eq!(stops(u64::from_le_bytes(eight)), one, "{b:#x} at {at}");
        }
    }
    assert!(!stops(u64::from_le_bytes(*b"\xff\x80 ~\x7f\xc3\xa9z")));
}

#[test]
fn a_payment_as_paysg_writes_it_takes_the_fast_path() {
    let p = payment();
    let mut items = p.clone();
    items["line_items"] = json!([{ "amount_in_cents": 1, "description": "x" }, { "description": "é 😀", "amount_in_cents": 0 }]);
    let mut empty_items = p.clone();
    empty_items["line_items"] = json!([]);
    let mut dup_metadata = p.to_string();
    dup_metadata =
        dup_metadata.replace(r#""metadata":{"a":"1"}"#, r#""metadata":{"a":"1","a":"2"}"#);
    for text in [
        p.to_string(),
        serde_json::to_string_pretty(&p).unwrap(),
        items.to_string(),
        empty_items.to_string(),
        dup_metadata,
        format!(" \t\r\n{p}\n"),
    ] {
        assert!(agree(&text), "{text}");
        assert!(general(&text).is_some());
    }
}

/// Every key's value replaced, removed or doubled; numbers and line items as JSON allows
/// and as it does not; every prefix; bytes changed at random: wherever the fast path
/// answers, the general path gives the same answer.
#[test]
fn the_fast_path_agrees_with_the_general_path() {
    let p = payment();
    let mut with_items = p.clone();
    with_items["line_items"] = json!([{ "description": "x", "amount_in_cents": 1 }]);
    let values = [
        "null",
        "1",
        "0",
        "-0",
        "01",
        "1.0",
        "1e2",
        "4294967295",
        "4294967296",
        "-1",
        "true",
        "{}",
        "[]",
        r#""""#,
        r#""a\"b""#,
        r#""a\u0041""#,
        "\"a\tb\"",
        r#"{"a":1}"#,
        r#"{"a":"b","c":"d"}"#,
        r#"[{"description":"x","amount_in_cents":1}]"#,
        r#"[{"amount_in_cents":1,"description":"x"}]"#,
        r#"[{"description":"x","description":"y"}]"#,
        r#"[{"description":"x","amount_in_cents":1,"x":1}]"#,
        r#"[{"description":"x"}]"#,
        r#"[{"description":"x","amount_in_cents":-0}]"#,
        r#"[{"description":null,"amount_in_cents":1}]"#,
        "[1]",
        r#"[{},{}]"#,
    ];
    let mut texts = vec![];
    for base in [&p, &with_items] {
        let keys: Vec<String> = base.as_object().unwrap().keys().cloned().collect();
        for key in keys.iter().map(String::as_str).chain(["line_items", "new"]) {
            let mut gone = base.clone();
            gone.as_object_mut().unwrap().remove(key);
            texts.push(gone.to_string());
            let body = gone.to_string();
            for v in values {
                texts.push(body.replacen('{', &format!(r#"{{"{key}":{v},"#), 1));
                texts.push(format!(r#"{},"{key}":{v}}}"#, &body[..body.len() - 1]));
            }
            // Twice: the first and the last of a key.
            let whole = base.to_string();
            if let Some(v) = base.get(key) {
                texts.push(whole.replacen('{', &format!(r#"{{"{key}":{v},"#), 1));
            }
        }
    }
    let whole = with_items.to_string();
    texts.extend(
        (0..whole.len())
            .filter_map(|n| whole.get(..n))
            .map(str::to_owned),
    );
    texts.push(format!("{whole} x"));
    texts.push(format!("{whole}{{}}"));
    let mut seed: u32 = 0x2545_f491;
    for _ in 0..3000 {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
        let mut bytes = whole.clone().into_bytes();
        let at = (seed >> 8) as usize % bytes.len();
        bytes[at] = b"\"\\{}[],:0-.e nul\x01xa"[(seed >> 4) as usize % 19];
        texts.push(String::from_utf8_lossy(&bytes).into_owned());
    }
    let fast = texts.iter().filter(|t| agree(t)).count();
    // The fast path answered for some, and not for all.
    assert!(
        fast > 100 && fast < texts.len(),
        "{fast} of {}",
        texts.len()
    );
}
