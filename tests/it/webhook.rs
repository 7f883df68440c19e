//! Webhook signatures: the documented fixture, header forms, timestamps, diagnostics, casing.

use hmac::{Hmac, Mac};
use paysg::webhook::{self, Reason};
use proptest::prelude::*;
use sha2::Sha256;

/// paysg-api.md §15.5.
const BODY: &str = r#"{"id":"evt_752ced1f-00ce-4905-8c46-367371dd78e6","type":"payment.succeeded","object":"event","created_at":"2023-10-02T16:17:08.210+08:00","payment_service_id":"payment_service_fd724c82-786b-43ba-b7d7-1eecab0388e1","data":{"object":{"id":"wLAnFWQLYyYNKBimc2ZkA","payment_status":"paid","amount_in_cents":1234}}}"#;
const SECRET: &str = "test_webhook_secret";
const T: u64 = 1_696_234_628_210;
const SIG: &str = "551f01f810fd70585a74b914b49402a7a6c5967db87fff361bd70eccbaf7c44d";

/// An independent HMAC (the hmac crate directly, not through the SDK).
fn hmac_hex(secret: &str, t: &str, body: &str) -> String {
    let mut m = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    m.update(format!("{t}.{body}").as_bytes());
    m.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn verify(
    body: &str,
    header: &str,
    secret: &str,
    now_ms: f64,
) -> Result<Option<String>, (Reason, String)> {
    webhook::verify(body.as_bytes(), header, secret, 300.0, now_ms)
        .map_err(|f| (f.reason, f.message))
}

#[test]
fn the_documented_fixture_verifies_and_signs() {
    assert_eq!(hmac_hex(SECRET, &T.to_string(), BODY), SIG);
    let header = format!("t={T}, v1={SIG}");
    assert_eq!(verify(BODY, &header, SECRET, T as f64), Ok(None));
    assert_eq!(
        webhook::sign(BODY.as_bytes(), SECRET, &T.to_string()),
        header
    );
}

#[test]
fn headers_are_read_tolerantly() {
    let ok = |h: &str| verify(BODY, h, SECRET, T as f64);
    let upper = SIG.to_uppercase();
    for h in [
        format!("t={T},v1={SIG}"),
        format!("v1={SIG}, t={T}"),
        format!("  t = {T} ,  v1 = {SIG}  "),
        format!("t={T}, v1={upper}"),
        format!(
            "t={T}, v0=legacy, v1={}, v1={SIG}, v2=future",
            "0".repeat(64)
        ),
        format!("t={T}, v1=not-hex, v1={SIG}"),
        format!("t={T}, v1={SIG},"),
    ] {
        assert_eq!(ok(&h), Ok(None), "{h}");
    }
    // base64 of the same 32 bytes
    let bytes: Vec<u8> = (0..32)
        .map(|i| u8::from_str_radix(&SIG[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    let b64 = base64_std(&bytes);
    assert_eq!(ok(&format!("t={T}, v1={b64}")), Ok(None));
    let reason = |h: &str| ok(h).unwrap_err().0;
    assert_eq!(reason(""), Reason::MissingHeader);
    assert_eq!(reason("   "), Reason::MissingHeader);
    assert_eq!(reason("garbage"), Reason::MalformedHeader);
    assert_eq!(reason(&format!("v1={SIG}")), Reason::MalformedHeader);
    assert_eq!(reason(&format!("t={T}")), Reason::MalformedHeader);
    assert_eq!(reason(&format!("t={T}, v0={SIG}")), Reason::MalformedHeader);
    assert_eq!(
        reason(&format!("t={T}, t={T}, v1={SIG}")),
        Reason::MalformedHeader
    );
    assert_eq!(reason(&format!("t=12a, v1={SIG}")), Reason::MalformedHeader);
    assert_eq!(reason(&format!("t=-5, v1={SIG}")), Reason::MalformedHeader);
    assert_eq!(reason(&format!("t={T}, v1=abc")), Reason::MalformedHeader);
}

fn base64_std(b: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in b.chunks(3) {
        let n = chunk.iter().fold(0u32, |n, &c| n << 8 | u32::from(c)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(char::from(A[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    while !out.len().is_multiple_of(4) {
        out.push('=');
    }
    out
}

#[test]
fn rotation_accepts_any_matching_v1() {
    let old = hmac_hex("old_secret", &T.to_string(), BODY);
    let new = hmac_hex("new_secret", &T.to_string(), BODY);
    let h = format!("t={T}, v1={old}, v1={new}");
    assert_eq!(verify(BODY, &h, "old_secret", T as f64), Ok(None));
    assert_eq!(verify(BODY, &h, "new_secret", T as f64), Ok(None));
    assert_eq!(
        verify(BODY, &h, "other", T as f64).unwrap_err().0,
        Reason::NoMatchingSignature
    );
}

#[test]
fn timestamps_in_seconds_or_milliseconds_both_directions() {
    let now_ms = 1_700_000_000_000f64;
    let at = |t: u64| {
        let h = format!("t={t}, v1={}", hmac_hex(SECRET, &t.to_string(), BODY));
        verify(BODY, &h, SECRET, now_ms).map_err(|e| e.0)
    };
    let s = 1_700_000_000u64;
    let ms = 1_700_000_000_000u64;
    assert_eq!(at(s), Ok(None), "seconds");
    assert_eq!(at(ms), Ok(None), "milliseconds");
    assert_eq!(at(s - 300), Ok(None), "exactly the tolerance old");
    assert_eq!(at(s - 301), Err(Reason::TimestampTooOld));
    assert_eq!(at(s + 300), Ok(None));
    assert_eq!(at(s + 301), Err(Reason::TimestampInFuture));
    assert_eq!(at(ms - 300_000), Ok(None));
    assert_eq!(at(ms - 300_001), Err(Reason::TimestampTooOld));
    assert_eq!(at(ms + 300_001), Err(Reason::TimestampInFuture));
    assert_eq!(at(0), Err(Reason::TimestampTooOld));
    assert_eq!(webhook::MILLISECONDS_FROM, 100_000_000_000);
    assert_eq!(
        at(99_999_999_999),
        Err(Reason::TimestampInFuture),
        "seconds: the year 5138"
    );
    // Infinity turns the check off
    let h = format!("t=1, v1={}", hmac_hex(SECRET, "1", BODY));
    assert_eq!(
        webhook::verify(BODY.as_bytes(), &h, SECRET, f64::INFINITY, now_ms).map_err(|f| f.reason),
        Ok(None)
    );
    let old = verify(
        BODY,
        &format!(
            "t={}, v1={}",
            s - 86_400 * 3,
            hmac_hex(SECRET, &(s - 86_400 * 3).to_string(), BODY)
        ),
        SECRET,
        now_ms,
    )
    .unwrap_err();
    assert!(
        old.1.contains("3 days old") && old.1.contains("clock"),
        "{}",
        old.1
    );
}

#[test]
fn failures_name_the_likely_mistake_and_never_the_secret() {
    let h = format!("t={T}, v1={SIG}");
    let msg = |body: &str, secret: &str| verify(body, &h, secret, T as f64).unwrap_err();
    let (r, m) = msg(BODY, &format!("{SECRET}\n"));
    assert_eq!(r, Reason::NoMatchingSignature);
    assert!(m.contains("whitespace"), "{m}");
    let (_, m) = msg("[object Object]", SECRET);
    assert!(m.contains("parsed into an object"), "{m}");
    let (_, m) = msg(BODY, "paysg_live_abcdef");
    assert!(
        m.contains("API key") && !m.contains("paysg_live_abcdef"),
        "{m}"
    );
    let pretty =
        serde_json::to_string_pretty(&serde_json::from_str::<serde_json::Value>(BODY).unwrap())
            .unwrap();
    let (_, m) = msg(&pretty, SECRET);
    assert!(m.contains("re-serialised"), "{m}");
    let (_, m) = msg(&BODY.replace("1234", "1235"), SECRET);
    assert!(m.contains("another request") && !m.contains(SECRET), "{m}");
    assert_eq!(msg(BODY, "").0, Reason::NoMatchingSignature);
}

#[test]
fn verified_bodies_must_be_events() {
    for (body, why) in [
        ("not json", "not JSON"),
        ("[1]", "not a JSON object"),
        (
            r#"{"type":"payment.succeeded","data":{"object":{}}}"#,
            "no string id",
        ),
        (r#"{"id":"e","type":"t"}"#, "no data object"),
        (r#"{"id":"e","type":"t","data":{}}"#, "no data.object"),
    ] {
        let t = T.to_string();
        let h = format!("t={t}, v1={}", hmac_hex(SECRET, &t, body));
        let (r, m) = verify(body, &h, SECRET, T as f64).unwrap_err();
        assert_eq!(r, Reason::InvalidPayload, "{body}");
        assert!(m.contains(why), "{m}");
    }
    let bytes = [0xffu8, 0xfe];
    let h = webhook::sign(&bytes, SECRET, &T.to_string());
    assert_eq!(
        webhook::verify(&bytes, &h, SECRET, 300.0, T as f64)
            .unwrap_err()
            .reason,
        Reason::InvalidPayload
    );
}

#[test]
fn camel_case_payments_become_snake_case() {
    let body = r#"{"id":"evt_1","type":"payment.succeeded","object":"event","created":1696234628210,"payment_service_id":"payment_service_1","data":{"object":{"id":"p","dueDate":"31-DEC-2023","payerName":"Andy","amountInCents":1234,"stripe_payment_intentId":null,"metadata":{"productCode":"123"},"lineItems":[{"amountInCents":1}]}}}"#;
    let t = T.to_string();
    let h = format!("t={t}, v1={}", hmac_hex(SECRET, &t, body));
    let event = verify(body, &h, SECRET, T as f64).unwrap().unwrap();
    assert_eq!(
        event,
        r#"{"id":"evt_1","type":"payment.succeeded","object":"event","created":1696234628210,"payment_service_id":"payment_service_1","data":{"object":{"id":"p","due_date":"31-DEC-2023","payer_name":"Andy","amount_in_cents":1234,"stripe_payment_intent_id":null,"metadata":{"productCode":"123"},"line_items":[{"amountInCents":1}]}}}"#
    );
    assert_eq!(
        webhook::snake_case("paymentSucceededTimestamp"),
        "payment_succeeded_timestamp"
    );
    assert_eq!(webhook::snake_case("already_snake"), "already_snake");
}

/// The raw HMAC bytes, computed independently.
fn hmac_bytes(secret: &str, t: &str, body: &[u8]) -> Vec<u8> {
    let mut m = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    m.update(t.as_bytes());
    m.update(b".");
    m.update(body);
    m.finalize().into_bytes().to_vec()
}

#[test]
fn a_host_mac_verifies_only_what_verify_accepts_unchanged() {
    let header = format!("t={T}, v1={SIG}");
    let t = T.to_string();
    let mac = hmac_bytes(SECRET, &t, BODY.as_bytes());
    let now = T as f64;
    let ok = |body: &str, header: &str, t: &str, mac: &[u8], now: f64| {
        webhook::verified_with_mac(body.as_bytes(), header, t, mac, 300.0, now)
    };
    assert!(ok(BODY, &header, &t, &mac, now));
    assert!(ok(BODY, &format!("v1={SIG},t={T}"), &t, &mac, now));
    // rotation: the matching signature second
    let other = "0".repeat(64);
    assert!(ok(
        BODY,
        &format!("t={T}, v1={other}, v1={SIG}"),
        &t,
        &mac,
        now
    ));
    // a timestamp other than the header's own (even one that reads as the same time)
    assert!(!ok(
        BODY,
        &header,
        &format!("0{t}"),
        &hmac_bytes(SECRET, &format!("0{t}"), BODY.as_bytes()),
        now
    ));
    // a wrong or short MAC
    let mut wrong = mac.clone();
    wrong[31] ^= 1;
    assert!(!ok(BODY, &header, &t, &wrong, now));
    assert!(!ok(BODY, &header, &t, &mac[..31], now));
    assert!(!ok(BODY, &header, &t, &[], now));
    // stale, or from the future, by one millisecond past the tolerance
    assert!(ok(BODY, &header, &t, &mac, now + 300_000.0));
    assert!(!ok(BODY, &header, &t, &mac, now + 300_001.0));
    assert!(ok(BODY, &header, &t, &mac, now - 300_000.0));
    assert!(!ok(BODY, &header, &t, &mac, now - 300_001.0));
    // malformed or missing header
    assert!(!ok(BODY, "", &t, &mac, now));
    assert!(!ok(BODY, &format!("t={T}"), &t, &mac, now));
    // verified, but not an event, or an event verify would rewrite (camelCase payment)
    for body in [
        "[]",
        "{}",
        r#"{"id":"e","type":"x","data":{"object":{"paymentStatus":"paid"}}}"#,
    ] {
        let mac = hmac_bytes(SECRET, &t, body.as_bytes());
        assert!(!ok(body, &header_for(body), &t, &mac, now), "{body}");
    }
    let snake = r#"{"id":"e","type":"x","data":{"object":{"payment_status":"paid"}}}"#;
    assert!(ok(
        snake,
        &header_for(snake),
        &t,
        &hmac_bytes(SECRET, &t, snake.as_bytes()),
        now
    ));
}

fn header_for(body: &str) -> String {
    format!("t={T}, v1={}", hmac_hex(SECRET, &T.to_string(), body))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn any_header_and_body_gives_an_answer(header in "\\PC{0,120}", body in proptest::collection::vec(any::<u8>(), 0..200), secret in "\\PC{0,20}", now in any::<f64>()) {
        let _ = webhook::verify(&body, &header, &secret, 300.0, now);
    }

    #[test]
    fn signed_bodies_verify(body in "\\PC{0,300}", secret in "[!-~]{1,40}", t in 1_600_000_000u64..1_800_000_000) {
        let h = webhook::sign(body.as_bytes(), &secret, &t.to_string());
        let r = webhook::verify(body.as_bytes(), &h, &secret, 300.0, t as f64 * 1000.0);
        // it verifies; only the payload check can still refuse it
        prop_assert!(r.is_ok() || r.unwrap_err().reason == Reason::InvalidPayload);
    }

    #[test]
    fn a_host_mac_agrees_with_verify(body in "\\PC{0,200}", secret in "[!-~]{1,40}", t in 1_600_000_000u64..1_800_000_000_000, skew in -400_000i64..400_000, event in any::<bool>(), camel in any::<bool>(), tamper in any::<bool>()) {
        let body = if event {
            let key = if camel { "payerName" } else { "payer_name" };
            format!(r#"{{"id":"e","type":"payment.succeeded","data":{{"object":{{"{key}":{}}}}}}}"#, serde_json::to_string(&body).unwrap())
        } else {
            body
        };
        let ts = t.to_string();
        let header = webhook::sign(body.as_bytes(), &secret, &ts);
        let mut mac = hmac_bytes(&secret, &ts, body.as_bytes());
        if tamper {
            mac[0] ^= 0x80;
        }
        let t_ms = if t >= webhook::MILLISECONDS_FROM { t } else { t * 1000 };
        let now = t_ms as f64 + skew as f64;
        let fast = webhook::verified_with_mac(body.as_bytes(), &header, &ts, &mac, 300.0, now);
        let full = webhook::verify(body.as_bytes(), &header, &secret, 300.0, now);
        prop_assert_eq!(fast, !tamper && matches!(full, Ok(None)));
        if event && !camel && !tamper && skew.abs() <= 300_000 {
            prop_assert!(fast);
        }
    }
}
