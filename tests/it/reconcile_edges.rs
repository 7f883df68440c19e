//! Reconciliation's edges (`paysg::client::reconcile`): timestamps read as instants, the
//! options of a run, the text answers the wasm exports give and the declarations generated.

use crate::reconcile::payment;
use paysg::client::reconcile::{
    check_options, instant_ms, json_entry, DEFAULT_CONCURRENCY, FIELDS, MAX_CONCURRENCY, REQUIRED,
};
use paysg::json::Json;
use proptest::prelude::*;
use serde_json::{json, Value};

#[test]
fn instants_round_trip_through_paysgs_own_format() {
    // PaySG's form (as the simulator writes it) against the epoch: known answers.
    assert_eq!(instant_ms("1970-01-01T00:00:00Z"), Some(0));
    assert_eq!(instant_ms("1970-01-01T08:00:00.000+08:00"), Some(0));
    assert_eq!(instant_ms("1969-12-31T23:59:59.999Z"), Some(-1));
    assert_eq!(instant_ms("2000-03-01T00:00:00Z"), Some(951_868_800_000));
    assert_eq!(
        instant_ms("2024-02-29T00:00:00.5Z"),
        Some(1_709_164_800_500)
    );
    assert_eq!(
        instant_ms("2024-02-29T00:00:00.123456Z"),
        Some(1_709_164_800_123)
    );
    assert_eq!(instant_ms("2024-02-29T00:00Z"), Some(1_709_164_800_000));
    assert_eq!(
        instant_ms("2024-02-29T00:00:00-01:30"),
        Some(1_709_164_800_000 + 90 * 60_000)
    );
    for bad in [
        "2023-02-29T00:00:00Z",
        "2023-13-01T00:00:00Z",
        "2023-04-31T00:00:00Z",
        "2023-01-01T24:00:00Z",
        "2023-01-01T00:60:00Z",
        "2023-01-01T00:00:00",
        "2023-01-01T00:00:00.Z",
        "2023-01-01T00:00:00+8",
        "2023-01-01T00:00:00+24:00",
        "2023-01-01",
        "",
        "31-DEC-2023",
        "2023-01-01T00:00:00Zjunk",
        "２023-01-01T00:00:00Z",
    ] {
        assert_eq!(instant_ms(bad), None, "{bad}");
    }
}

proptest! {
    #[test]
    fn every_paysg_timestamp_reads_back_as_its_instant(ms in -62_000_000_000_000i64..253_000_000_000_000) {
        let text = paysg::dates::iso_sgt(ms);
        prop_assert_eq!(instant_ms(&text), Some(ms), "{}", text);
    }

    #[test]
    fn any_text_gets_a_json_answer(a in ".{0,80}", b in ".{0,80}", i in 0u32..10) {
        for out in [json_entry::known_text(&a, i), json_entry::changes_text(&a, &b, i), json_entry::options_text(&a)] {
            let v: Value = serde_json::from_str(&out).unwrap();
            prop_assert!(v["ok"].is_boolean());
        }
    }
}

fn options(v: Value) -> Result<u32, Vec<(String, String, String)>> {
    check_options(&Json::parse(&v.to_string()).unwrap()).map_err(|e| {
        e.into_iter()
            .map(|e| (e.field, e.code.as_str().to_owned(), e.message))
            .collect()
    })
}

#[test]
fn concurrency_is_a_whole_number_within_its_limits() {
    assert_eq!(options(json!({})), Ok(DEFAULT_CONCURRENCY));
    assert_eq!(options(json!({ "concurrency": 1 })), Ok(1));
    assert_eq!(
        options(json!({ "concurrency": MAX_CONCURRENCY })),
        Ok(MAX_CONCURRENCY)
    );
    let limit = format!("concurrency must be a whole number from 1 to {MAX_CONCURRENCY}, got");
    for (v, code, got) in [
        (json!(0), "out_of_range", "0"),
        (
            json!(MAX_CONCURRENCY + 1),
            "out_of_range",
            &(MAX_CONCURRENCY + 1).to_string(),
        ),
        (json!(2.5), "out_of_range", "a fraction"),
        (json!({ "\u{0}number": "NaN" }), "invalid_type", "NaN"),
        (json!("4"), "invalid_type", "string"),
        (json!({ "\u{0}type": "object" }), "invalid_type", "object"),
    ] {
        let e = options(json!({ "concurrency": v })).unwrap_err();
        assert_eq!(
            e,
            [("concurrency".into(), code.into(), format!("{limit} {got}"))],
            "{v}"
        );
    }
}

#[test]
fn options_must_be_an_object_and_others_are_ignored() {
    // The client's settings (retries, deadlines) apply to each read; a run has only these.
    assert_eq!(
        options(json!({ "maxRetries": 99, "timeoutMs": -1, "signal": {} })),
        Ok(DEFAULT_CONCURRENCY)
    );
    let e = options(json!({ "type": "string" })).unwrap_err();
    assert_eq!(
        e,
        [(
            "".into(),
            "invalid_type".into(),
            "the reconcile options { concurrency, signal } must be an object, got string".into()
        )]
    );
}

#[test]
fn the_text_answers() {
    let v = |s: String| serde_json::from_str::<Value>(&s).unwrap();
    assert_eq!(
        v(json_entry::options_text(r#"{"concurrency":8}"#)),
        json!({ "ok": true, "concurrency": 8 })
    );
    assert_eq!(
        v(json_entry::options_text(r#"{"concurrency":0}"#))["errors"][0]["field"],
        "concurrency"
    );
    assert_eq!(
        v(json_entry::known_text(
            r#"{"id":"a","payment_status":"paid","latest_status":"paid"}"#,
            0
        )),
        json!({ "ok": true, "id": "a" })
    );
    let bad = v(json_entry::known_text(
        r#"{"id":"a","payment_status":"paid"}"#,
        4,
    ));
    assert_eq!(bad["id"], "a");
    assert_eq!(bad["errors"][0]["field"], "known[4].latest_status");
    let undefined = v(json_entry::known_text("", 0));
    assert_eq!(undefined["id"], Value::Null);
    assert!(undefined["errors"][0]["message"]
        .as_str()
        .unwrap()
        .ends_with("got undefined"));
    let stored = r#"{"id":"a","payment_status":"unpaid","latest_status":"unpaid"}"#;
    let fresh = payment(
        "a",
        json!({ "payment_status": "paid", "latest_status": "paid" }),
    )
    .to_string();
    assert_eq!(
        v(json_entry::changes_text(stored, &fresh, 0)),
        json!({ "ok": true, "changed": [
            { "field": "payment_status", "before": "unpaid", "after": "paid" },
            { "field": "latest_status", "before": "unpaid", "after": "paid" },
        ] })
    );
    assert_eq!(
        v(json_entry::changes_text(stored, stored, 0)),
        json!({ "ok": true, "changed": [] })
    );
    assert_eq!(v(json_entry::changes_text(stored, "[]", 0))["ok"], false);
}

#[test]
fn the_declarations_carry_every_field_and_limit() {
    let ts = json_entry::typescript();
    for f in FIELDS {
        assert!(ts.contains(&format!("{f:?}")), "{f} in ReconcileField");
        let optional = if REQUIRED.contains(&f) { ":" } else { "?:" };
        assert!(
            ts.contains(&format!("  {f}{optional} ")),
            "{f} in KnownPayment"
        );
    }
    assert!(ts.contains(&format!(
        "from 1 to {MAX_CONCURRENCY} (default {DEFAULT_CONCURRENCY})"
    )));
    // That the package's declarations include them: crates/contract/tests/contract.rs.
}
