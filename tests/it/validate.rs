//! Create-payment and refund validation: both sides of every limit, every code.

use paysg::json::Json;
use paysg::validate::{self, Code, CreatePayment, FieldError};
use std::collections::BTreeSet;

fn parse(text: &str) -> Json<'_> {
    Json::parse(text).unwrap()
}

fn valid_base() -> serde_json::Value {
    serde_json::json!({
        "reference_id": "PAYMENT_001",
        "payer_name": "Andy Lau",
        "description": "Season parking, December 2023",
        "amount_in_cents": 1100,
    })
}

/// Validates `base` with `field` set to `value` (or removed when `value` is `None`).
fn with(field: &str, value: Option<serde_json::Value>) -> Result<String, Vec<FieldError>> {
    let mut v = valid_base();
    match value {
        Some(x) => v[field] = x,
        None => {
            v.as_object_mut().unwrap().remove(field);
        }
    }
    let text = v.to_string();
    validate::validate_create_payment(&parse(&text)).map(|p: CreatePayment<'_>| p.to_json())
}

fn codes(r: Result<String, Vec<FieldError>>) -> Vec<(String, &'static str)> {
    r.expect_err("expected errors")
        .into_iter()
        .map(|e| (e.field, e.code.as_str()))
        .collect()
}

fn one(field: &str, value: serde_json::Value) -> Vec<(String, &'static str)> {
    codes(with(field, Some(value)))
}

fn err(field: &str, code: &'static str) -> Vec<(String, &'static str)> {
    vec![(field.to_owned(), code)]
}

#[test]
fn seed_example_builds_byte_for_byte() {
    let input = r#"{"reference_id":"PAYMENT_001","payer_name":"Andy Lau","description":"Test payment","amount_in_cents":1100,"due_date":"31-DEC-2023","return_url":"https://open.gov.sg","metadata":{"product code":"123"}}"#;
    let body = validate::validate_create_payment(&parse(input))
        .unwrap()
        .to_json();
    assert_eq!(
        body,
        r#"{"reference_id":"PAYMENT_001","payer_name":"Andy Lau","description":"Test payment","amount_in_cents":1100,"due_date":"31-DEC-2023","metadata":{"product code":"123"},"return_url":"https://open.gov.sg"}"#
    );
}

#[test]
fn minimal_payment_sends_empty_metadata_and_nothing_else() {
    assert_eq!(
        with("due_date", None).unwrap(),
        r#"{"reference_id":"PAYMENT_001","payer_name":"Andy Lau","description":"Season parking, December 2023","amount_in_cents":1100,"metadata":{}}"#
    );
}

#[test]
fn required_fields() {
    for f in [
        "reference_id",
        "payer_name",
        "description",
        "amount_in_cents",
    ] {
        assert_eq!(codes(with(f, None)), err(f, "required"), "{f} missing");
        assert_eq!(
            one(f, serde_json::Value::Null),
            err(f, "required"),
            "{f} null"
        );
    }
    for f in ["reference_id", "payer_name", "description"] {
        assert_eq!(one(f, "".into()), err(f, "empty"), "{f} empty");
        assert_eq!(one(f, " \t\n".into()), err(f, "empty"), "{f} whitespace");
        assert_eq!(one(f, 5.into()), err(f, "invalid_type"), "{f} number");
        assert_eq!(
            one(f, serde_json::json!(["x"])),
            err(f, "invalid_type"),
            "{f} array"
        );
    }
}

#[test]
fn string_limits_both_sides() {
    for (f, max) in [
        ("reference_id", 255),
        ("payer_name", 255),
        ("payer_address", 255),
        ("payer_identifier", 10),
        ("description", 500),
    ] {
        assert!(
            with(f, Some("a".repeat(max).into())).is_ok(),
            "{f} at {max}"
        );
        let e = with(f, Some("a".repeat(max + 1).into())).unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!((e[0].field.as_str(), e[0].code), (f, Code::TooLong));
        assert_eq!(
            e[0].message,
            format!(
                "{f} is {} characters long; PaySG allows at most {max}",
                max + 1
            )
        );
    }
}

#[test]
fn lengths_count_utf16_units() {
    // "é" is one unit; "😀" is two (a surrogate pair), as JavaScript's .length counts.
    assert!(with("payer_identifier", Some("éééééééééé".into())).is_ok());
    assert!(with("payer_identifier", Some("😀😀😀😀😀".into())).is_ok());
    assert_eq!(
        one("payer_identifier", "😀😀😀😀😀a".into()),
        err("payer_identifier", "too_long")
    );
    assert_eq!(validate::js_length("a😀é"), 4);
}

#[test]
fn optional_fields_empty_or_null_are_left_out() {
    for f in [
        "payer_address",
        "payer_identifier",
        "payer_email",
        "due_date",
        "return_url",
        "line_items",
        "metadata",
    ] {
        let body = with(f, Some(serde_json::Value::Null)).unwrap();
        if f == "metadata" {
            assert!(body.contains(r#""metadata":{}"#));
        } else {
            assert!(!body.contains(f), "{f} in {body}");
        }
        assert!(!body.contains("null"), "{body}");
    }
    for f in [
        "payer_address",
        "payer_identifier",
        "payer_email",
        "due_date",
        "return_url",
    ] {
        assert!(!with(f, Some("".into())).unwrap().contains(f), "{f}");
    }
}

#[test]
fn strings_are_not_trimmed() {
    assert!(with("payer_name", Some(" Andy ".into()))
        .unwrap()
        .contains(r#""payer_name":" Andy ""#));
}

#[test]
fn amount_limits_both_sides() {
    let ok = |n: serde_json::Value| with("amount_in_cents", Some(n)).is_ok();
    assert!(ok(1.into()));
    assert!(
        ok(20_000_000.into()),
        "the guide's S$200,000 (limits may raise it)"
    );
    assert_eq!(
        one("amount_in_cents", 0.into()),
        err("amount_in_cents", "out_of_range")
    );
    assert_eq!(
        one("amount_in_cents", (-1).into()),
        err("amount_in_cents", "out_of_range")
    );
    assert_eq!(
        one("amount_in_cents", 20_000_001.into()),
        err("amount_in_cents", "out_of_range")
    );
    assert_eq!(
        one("amount_in_cents", 1e300.into()),
        err("amount_in_cents", "out_of_range")
    );
    assert_eq!(
        one("amount_in_cents", 11.5.into()),
        err("amount_in_cents", "not_integer")
    );
    assert_eq!(
        one("amount_in_cents", 0.5.into()),
        err("amount_in_cents", "not_integer")
    );
    assert_eq!(
        one("amount_in_cents", "1100".into()),
        err("amount_in_cents", "invalid_type")
    );
    assert_eq!(
        one("amount_in_cents", true.into()),
        err("amount_in_cents", "invalid_type")
    );
    let e = with("amount_in_cents", Some(20_000_001.into())).unwrap_err();
    assert_eq!(
        e[0].message,
        "amount_in_cents must be from 1 to 20,000,000 cents (S$0.01 to S$200,000.00), got 20000001"
    );
}

#[test]
fn emails() {
    for good in [
        "a@b.co",
        "andy.lau@agency.gov.sg",
        "first+tag@sub.example.com",
        "o'neil@x.io",
        "A_B-c@d-e.f.sg",
    ] {
        assert!(validate::is_email(good), "{good}");
        assert!(with("payer_email", Some(good.into())).is_ok(), "{good}");
    }
    for bad in [
        "plain",
        "@x.com",
        "a@",
        "a@b",
        "a@b.c",
        "a@@b.com",
        "a b@c.com",
        ".a@b.com",
        "a.@b.com",
        "a..b@c.com",
        "a@-b.com",
        "a@b-.com",
        "a@b..com",
        "a@b.c0m",
        "a@b.com.",
        "andy@例え.jp",
        "a@b_c.com",
    ] {
        assert!(!validate::is_email(bad), "{bad}");
        assert_eq!(
            one("payer_email", bad.into()),
            err("payer_email", "invalid_email"),
            "{bad}"
        );
    }
    let long_ok = format!(
        "{}@{}.{}.{}.sg",
        "a".repeat(64),
        "b".repeat(63),
        "b".repeat(63),
        "b".repeat(59)
    );
    assert_eq!(long_ok.len(), 255);
    assert!(with("payer_email", Some(long_ok.clone().into())).is_ok());
    assert_eq!(
        one("payer_email", (long_ok + "c").into()),
        err("payer_email", "too_long")
    );
}

#[test]
fn due_dates_are_normalised() {
    for (given, sent) in [
        ("31-DEC-2023", "31-DEC-2023"),
        ("31-dec-2023", "31-DEC-2023"),
        ("2023-12-31", "31-DEC-2023"),
        ("2023-12-31T16:00:00.000Z", "01-JAN-2024"),
        ("29-FEB-2024", "29-FEB-2024"),
    ] {
        let body = with("due_date", Some(given.into())).unwrap();
        assert!(
            body.contains(&format!(r#""due_date":"{sent}""#)),
            "{given}: {body}"
        );
    }
    assert_eq!(
        one("due_date", "29-FEB-2023".into()),
        err("due_date", "invalid_date")
    );
    assert_eq!(
        one("due_date", "31-APR-2024".into()),
        err("due_date", "invalid_date")
    );
    assert_eq!(
        one("due_date", "31/12/2023".into()),
        err("due_date", "invalid_format")
    );
    assert_eq!(
        one("due_date", "Invalid Date".into()),
        err("due_date", "invalid_format")
    );
    assert_eq!(
        one("due_date", 1_700_000_000_000u64.into()),
        err("due_date", "invalid_type")
    );
}

#[test]
fn metadata_limits_both_sides() {
    let entries = |n: usize| {
        serde_json::Value::Object((0..n).map(|i| (format!("k{i}"), "v".into())).collect())
    };
    assert!(with("metadata", Some(entries(10))).is_ok());
    assert_eq!(
        one("metadata", entries(11)),
        err("metadata", "too_many_entries")
    );
    assert!(with("metadata", Some(serde_json::json!({ "k".repeat(40): "v" }))).is_ok());
    assert_eq!(
        one("metadata", serde_json::json!({ "k".repeat(41): "v" })),
        err(&format!("metadata.{}", "k".repeat(41)), "too_long")
    );
    assert!(with(
        "metadata",
        Some(serde_json::json!({ "branch_code": "v".repeat(255) }))
    )
    .is_ok());
    assert_eq!(
        one(
            "metadata",
            serde_json::json!({ "branch_code": "v".repeat(256) })
        ),
        err("metadata.branch_code", "too_long")
    );
    assert_eq!(
        one("metadata", serde_json::json!({ "branch_code": 12 })),
        err("metadata.branch_code", "invalid_type")
    );
    assert_eq!(
        one("metadata", serde_json::json!({ "": "x" })),
        err("metadata.", "empty")
    );
    assert_eq!(
        one("metadata", serde_json::json!(["a"])),
        err("metadata", "invalid_type")
    );
    assert_eq!(
        one("metadata", "a=b".into()),
        err("metadata", "invalid_type")
    );
}

#[test]
fn line_items() {
    let item = |d: &str, a: u64| serde_json::json!({ "description": d, "amount_in_cents": a });
    let body = with(
        "line_items",
        Some(serde_json::json!([item("Parking", 600), item("Fine", 500)])),
    )
    .unwrap();
    assert!(body.contains(
        r#""line_items":[{"description":"Parking","amount_in_cents":600},{"description":"Fine","amount_in_cents":500}]"#
    ));
    assert!(with(
        "line_items",
        Some(serde_json::json!([
            item("a", 10_000_000),
            item("b", 10_000_000)
        ]))
    )
    .is_ok());
    assert_eq!(
        one(
            "line_items",
            serde_json::json!([item("a", 10_000_000), item("b", 10_000_001)])
        ),
        err("line_items", "out_of_range")
    );
    assert!(with(
        "line_items",
        Some(serde_json::json!([item(&"d".repeat(255), 1)]))
    )
    .is_ok());
    assert_eq!(
        one(
            "line_items",
            serde_json::json!([item("ok", 1), item(&"d".repeat(256), 1)])
        ),
        err("line_items[1].description", "too_long")
    );
    assert_eq!(
        one(
            "line_items",
            serde_json::json!([{ "description": "x", "amount": 5 }])
        ),
        vec![
            ("line_items[0].amount".to_owned(), "unknown_field"),
            ("line_items[0].amount_in_cents".to_owned(), "required")
        ]
    );
    assert_eq!(
        one("line_items", serde_json::json!(["x"])),
        err("line_items[0]", "invalid_type")
    );
    assert_eq!(
        one("line_items", serde_json::json!({})),
        err("line_items", "invalid_type")
    );
}

#[test]
fn return_urls() {
    for good in [
        "https://open.gov.sg",
        "HTTPS://agency.gov.sg/paid?x=1#top",
        "https://127.0.0.1:8443/return",
        "https://[::1]:8443/r",
        "https://user@host.sg/",
    ] {
        assert!(with("return_url", Some(good.into())).is_ok(), "{good}");
    }
    for (bad, code) in [
        ("http://open.gov.sg", "not_https"),
        ("ftp://open.gov.sg", "not_https"),
        ("open.gov.sg", "invalid_url"),
        ("/paid", "invalid_url"),
        ("https://", "invalid_url"),
        ("https:open.gov.sg", "invalid_url"),
        ("https://open gov.sg", "invalid_url"),
        ("https://open.gov.sg/\n", "invalid_url"),
        ("https://host:99999/", "invalid_url"),
        ("https://host:/", "invalid_url"),
        ("https://[zz]/", "invalid_url"),
        ("javascript:alert(1)", "invalid_url"),
    ] {
        assert_eq!(
            one("return_url", bad.into()),
            err("return_url", code),
            "{bad}"
        );
    }
}

#[test]
fn unknown_fields_and_non_objects() {
    assert_eq!(one("amount", 5.into()), err("amount", "unknown_field"));
    for text in ["[]", "\"x\"", "1", "null", "true"] {
        assert_eq!(
            codes(validate::validate_create_payment(&parse(text)).map(|p| p.to_json())),
            err("", "invalid_type")
        );
    }
}

#[test]
fn every_problem_is_reported_at_once_in_field_order() {
    let text = r#"{"amount_in_cents":0,"payer_email":"x","colour":"red","reference_id":"","metadata":{"a":1},"return_url":"http://x.sg"}"#;
    let got = codes(validate::validate_create_payment(&parse(text)).map(|p| p.to_json()));
    assert_eq!(
        got,
        [
            ("colour", "unknown_field"),
            ("reference_id", "empty"),
            ("payer_name", "required"),
            ("payer_email", "invalid_email"),
            ("description", "required"),
            ("amount_in_cents", "out_of_range"),
            ("metadata.a", "invalid_type"),
            ("return_url", "not_https"),
        ]
        .map(|(f, c)| (f.to_owned(), c))
    );
}

#[test]
fn messages_never_contain_the_value() {
    let secretish = "S1234567Z-NRIC";
    for f in ["payer_identifier", "payer_email", "due_date", "return_url"] {
        for e in with(f, Some(format!("{secretish}{}", "x".repeat(300)).into())).unwrap_err() {
            assert!(!e.message.contains(secretish), "{f}: {}", e.message);
        }
    }
}

#[test]
fn refunds() {
    let r = |t: &str| validate::validate_refund(&parse(t)).map(|r| r.refund_amount_in_cents);
    assert_eq!(r(r#"{"refund_amount_in_cents":1}"#), Ok(1));
    assert_eq!(r(r#"{"refund_amount_in_cents":99999999}"#), Ok(99_999_999));
    let codes = |t: &str| {
        r(t).unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code.as_str()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        codes(r#"{"refund_amount_in_cents":0}"#),
        err("refund_amount_in_cents", "out_of_range")
    );
    assert_eq!(
        codes(r#"{"refund_amount_in_cents":100000000}"#),
        err("refund_amount_in_cents", "out_of_range")
    );
    assert_eq!(
        codes(r#"{"refund_amount_in_cents":1.5}"#),
        err("refund_amount_in_cents", "not_integer")
    );
    assert_eq!(
        codes(r#"{"refund_amount_in_cents":"5"}"#),
        err("refund_amount_in_cents", "invalid_type")
    );
    assert_eq!(codes(r#"{}"#), err("refund_amount_in_cents", "required"));
    assert_eq!(
        codes(r#"{"amount_in_cents":5}"#),
        vec![
            ("amount_in_cents".to_owned(), "unknown_field"),
            ("refund_amount_in_cents".to_owned(), "required")
        ]
    );
    assert_eq!(codes("[]"), err("", "invalid_type"));
}

#[test]
fn every_code_is_produced_and_documented() {
    let inputs = [
        r#"{}"#,
        r#"{"reference_id":5,"payer_name":"","description":"x","amount_in_cents":1.5,"payer_email":"x","due_date":"x","extra":1}"#,
        r#"{"reference_id":"x","payer_name":"y","description":"d","amount_in_cents":0,"due_date":"31-APR-2024","return_url":"x","metadata":{"a":"b","c":"d","e":"f","g":"h","i":"j","k":"l","m":"n","o":"p","q":"r","s":"t","u":"v"}}"#,
        r#"{"reference_id":"x","payer_name":"y’","description":"d","amount_in_cents":1,"return_url":"http://x.sg","payer_identifier":"12345678901"}"#,
    ];
    let mut seen = BTreeSet::new();
    for t in inputs {
        for e in validate::validate_create_payment(&parse(t)).unwrap_err() {
            seen.insert(e.code.as_str());
        }
    }
    let all: BTreeSet<_> = Code::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(seen, all);
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for c in Code::ALL {
        assert!(
            readme.contains(&format!("`{}`", c.as_str())),
            "README does not document {}",
            c.as_str()
        );
    }
}
