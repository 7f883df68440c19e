//! The text boundary used by the wasm exports: any input text gives a JSON answer, never a
//! panic (property-tested), and the special markers written by the JS layer are understood.

use paysg::json_entry;
use proptest::prelude::*;

fn answer(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

#[test]
fn markers_from_the_js_layer() {
    let a = answer(&json_entry::validate_create_payment(""));
    assert_eq!(
        a["errors"][0]["message"],
        "the payment must be an object, got undefined"
    );
    let a = answer(&json_entry::validate_create_payment(
        "\u{0}Converting circular structure to JSON",
    ));
    assert_eq!(a["errors"][0]["code"], "invalid_type");
    assert!(a["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("circular"));
    let a = answer(&json_entry::validate_create_payment(
        r#"{"reference_id":"r","payer_name":"p","description":"d","amount_in_cents":{"\u0000bigint":"1100"}}"#,
    ));
    assert_eq!(
        a["errors"][0]["message"],
        "amount_in_cents must be a number (whole cents), got bigint"
    );
}

#[test]
fn ok_and_error_shapes() {
    let a = answer(&json_entry::validate_create_payment(
        r#"{"reference_id":"r","payer_name":"p","description":"d","amount_in_cents":5}"#,
    ));
    assert_eq!(
        a,
        serde_json::json!({ "ok": true, "value": { "reference_id": "r", "payer_name": "p", "description": "d", "amount_in_cents": 5, "metadata": {} } })
    );
    let a = answer(&json_entry::validate_refund(
        r#"{"refund_amount_in_cents":5}"#,
    ));
    assert_eq!(
        a,
        serde_json::json!({ "ok": true, "value": { "refund_amount_in_cents": 5 } })
    );
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(Into::into),
        any::<f64>().prop_map(
            |f| serde_json::Number::from_f64(f).map_or(serde_json::Value::Null, Into::into)
        ),
        any::<i64>().prop_map(Into::into),
        ".{0,300}".prop_map(Into::into),
        prop_oneof![
            Just("31-DEC-2023"),
            Just("2024-02-29"),
            Just("https://a.sg"),
            Just("a@b.sg")
        ]
        .prop_map(Into::into),
    ];
    leaf.prop_recursive(4, 64, 12, |inner| {
        let key = prop_oneof![
            Just("reference_id".to_owned()),
            Just("payer_name".to_owned()),
            Just("description".to_owned()),
            Just("amount_in_cents".to_owned()),
            Just("metadata".to_owned()),
            Just("line_items".to_owned()),
            Just("due_date".to_owned()),
            Just("return_url".to_owned()),
            Just("payer_email".to_owned()),
            ".{0,50}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..12).prop_map(Into::into),
            prop::collection::btree_map(key, inner, 0..14)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_json_gets_a_json_answer(v in json_value()) {
        let text = v.to_string();
        for out in [
            json_entry::validate_create_payment(&text),
            json_entry::validate_refund(&text),
        ] {
            let a = answer(&out);
            prop_assert!(a["ok"].is_boolean());
            if a["ok"] == false {
                prop_assert!(!a["errors"].as_array().unwrap().is_empty());
            }
        }
    }

    #[test]
    fn any_text_gets_a_json_answer(s in ".{0,400}") {
        let a = answer(&json_entry::validate_create_payment(&s));
        prop_assert!(a["ok"].is_boolean());
    }

    #[test]
    fn valid_payments_round_trip(
        r in "[ -~]{1,255}", n in "[ -~]{1,255}", d in "\\PC{0,127}", a in 1u32..=20_000_000,
    ) {
        prop_assume!(!r.trim().is_empty() && !n.trim().is_empty());
        // Payer text is ASCII (PaySG refuses other characters there); a description may be any.
        let input = serde_json::json!({ "reference_id": r, "payer_name": n, "description": format!("x{d}"), "amount_in_cents": a });
        let out = answer(&json_entry::validate_create_payment(&input.to_string()));
        prop_assert_eq!(&out["ok"], &serde_json::Value::Bool(true));
        prop_assert_eq!(&out["value"]["amount_in_cents"], &serde_json::json!(a));
        prop_assert_eq!(&out["value"]["reference_id"], &input["reference_id"]);
    }
}
