//! The limits PaySG's sources disagree on: the guide's values by default, both sides of each
//! limit as set, `limits` itself checked (unknown key, type, whole number, range — both sides),
//! and a call's limits merged over its client's.

use paysg::client::{self, plan::Body};
use paysg::json::Json;
use paysg::validate::rules::{rules_of_options, AMOUNT_LIMIT, LIMITS, PAYER_IDENTIFIER_LIMIT};
use paysg::validate::{self, Code, FieldError, Limits, Rules};
use serde_json::{json, Value};

fn with_limits(payer_identifier: usize, amount_in_cents: u32) -> Rules {
    Rules {
        limits: Limits {
            payer_identifier,
            amount_in_cents,
        },
        ..Rules::default()
    }
}

fn check(identifier: &str, amount: u64, rules: &Rules) -> Result<String, Vec<FieldError>> {
    let text = json!({
        "reference_id": "R1", "payer_name": "Tan", "description": "D",
        "payer_identifier": identifier, "amount_in_cents": amount,
    })
    .to_string();
    validate::validate_create_payment_with(&Json::parse(&text).unwrap(), rules).map(|b| b.to_json())
}

fn codes(r: Result<String, Vec<FieldError>>) -> Vec<(String, Code)> {
    r.err()
        .unwrap_or_default()
        .into_iter()
        .map(|e| (e.field, e.code))
        .collect()
}

#[test]
fn the_defaults_are_the_guides_values() {
    let d = Limits::default();
    assert_eq!(d.payer_identifier, 10);
    assert_eq!(d.amount_in_cents, 20_000_000);
    assert_eq!(
        (d.payer_identifier as u64, u64::from(d.amount_in_cents)),
        (
            LIMITS[PAYER_IDENTIFIER_LIMIT].default,
            LIMITS[AMOUNT_LIMIT].default
        )
    );
    let r = Rules::default();
    assert!(check(&"A".repeat(10), 20_000_000, &r).is_ok());
    assert_eq!(
        codes(check(&"A".repeat(11), 20_000_001, &r)),
        [
            ("payer_identifier".to_owned(), Code::TooLong),
            ("amount_in_cents".to_owned(), Code::OutOfRange)
        ]
    );
    // The plain entry point is the default rules.
    let text = json!({"reference_id": "R", "payer_name": "T", "description": "D", "amount_in_cents": 20_000_001}).to_string();
    assert!(validate::validate_create_payment(&Json::parse(&text).unwrap()).is_err());
}

#[test]
fn both_sides_of_each_limit_as_set() {
    for (id, amount) in [(20, 99_999_999), (1, 1), (255, 50_000_000), (5, 1_000)] {
        let rules = with_limits(id, amount);
        assert!(
            check(&"A".repeat(id), u64::from(amount), &rules).is_ok(),
            "{id} {amount}"
        );
        let errors = check(&"A".repeat(id + 1), u64::from(amount) + 1, &rules).unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(
            errors[0].message,
            format!(
                "payer_identifier is {} characters long; PaySG allows at most {id}",
                id + 1
            )
        );
        assert!(
            errors[1]
                .message
                .starts_with("amount_in_cents must be from 1 to"),
            "{}",
            errors[1].message
        );
    }
}

/// `{ limits }` given as the JS layer hands it to `validateCreatePayment`.
fn options(v: Value) -> Result<Rules, Vec<(String, Code, String)>> {
    let text = v.to_string();
    rules_of_options(Some(&Json::parse(&text).unwrap())).map_err(|e| {
        e.into_iter()
            .map(|e| (e.field, e.code, e.message))
            .collect()
    })
}

#[test]
fn limits_are_checked_on_both_sides_of_their_range() {
    for l in LIMITS {
        for ok in [l.min, l.max, l.default] {
            let r = options(json!({ "limits": { l.name: ok } })).unwrap();
            let got = [
                r.limits.payer_identifier as u64,
                u64::from(r.limits.amount_in_cents),
            ];
            assert!(got.contains(&ok), "{} = {ok}", l.name);
        }
        for bad in [l.min - 1, l.max + 1] {
            let errors = options(json!({ "limits": { l.name: bad } })).unwrap_err();
            assert_eq!(errors.len(), 1);
            let (field, code, message) = &errors[0];
            assert_eq!(
                (field.as_str(), *code),
                (format!("limits.{}", l.name).as_str(), Code::OutOfRange)
            );
            assert!(
                message.starts_with(&format!("limits.{} must be a whole number from", l.name)),
                "{message}"
            );
            assert!(message.ends_with(&format!("got {bad}")), "{message}");
        }
    }
}

#[test]
fn limits_and_normalise_text_refuse_what_is_not_a_setting() {
    let one = |v: Value| {
        let e = options(v).unwrap_err();
        assert_eq!(e.len(), 1, "{e:?}");
        let (f, c, m) = e.into_iter().next().unwrap();
        (f, c, m)
    };
    let (f, c, m) = one(json!({ "limits": { "payer_id": 20 } }));
    assert_eq!((f.as_str(), c), ("limits.payer_id", Code::UnknownField));
    assert_eq!(
        m,
        "limits.payer_id is not a limit paysg can set; it sets payer_identifier, amount_in_cents"
    );
    let (f, c, m) = one(json!({ "limits": { "payer_identifier": 20.5 } }));
    assert_eq!(
        (f.as_str(), c),
        ("limits.payer_identifier", Code::NotInteger)
    );
    assert!(m.ends_with("got a fraction"), "{m}");
    let (f, c, m) = one(json!({ "limits": { "payer_identifier": "20" } }));
    assert_eq!(
        (f.as_str(), c),
        ("limits.payer_identifier", Code::InvalidType)
    );
    assert!(m.ends_with("got string"), "{m}");
    let (f, c, _) = one(json!({ "limits": 20 }));
    assert_eq!((f.as_str(), c), ("limits", Code::InvalidType));
    let (f, c, _) = one(json!({ "limits": [20] }));
    assert_eq!((f.as_str(), c), ("limits", Code::InvalidType));
    let (f, c, m) = one(json!({ "normaliseText": "yes" }));
    assert_eq!((f.as_str(), c), ("normaliseText", Code::InvalidType));
    assert_eq!(m, "normaliseText must be true or false, got string");
    let (f, c, _) = one(json!({ "normalizeText": true }));
    assert_eq!((f.as_str(), c), ("normalizeText", Code::UnknownField));
    let (f, c, _) = one(json!(5));
    assert_eq!((f.as_str(), c), ("", Code::InvalidType));
    // Nulls are "not given".
    assert_eq!(
        options(json!({ "limits": null, "normaliseText": null })),
        Ok(Rules::default())
    );
    assert_eq!(
        options(json!({ "limits": { "payer_identifier": null } })),
        Ok(Rules::default())
    );
}

#[test]
fn the_json_text_api_reports_option_and_input_problems_together() {
    let input = json!({"reference_id": "R", "payer_name": "T", "description": "D", "amount_in_cents": 30_000_000}).to_string();
    let r = paysg::json_entry::validate_create_payment_with(
        &input,
        r#"{"limits":{"amount_in_cents":30000000}}"#,
    );
    assert!(r.starts_with(r#"{"ok":true"#), "{r}");
    let r = paysg::json_entry::validate_create_payment_with(
        &input,
        r#"{"limits":{"amount_in_cents":0}}"#,
    );
    let v: Value = serde_json::from_str(&r).unwrap();
    let fields: Vec<_> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fields, ["limits.amount_in_cents", "amount_in_cents"]);
}

/// Options as the JS layer hands them over: `limits` as JSON text.
fn as_js(mut o: Value) -> Value {
    if let Some(l) = o.get("limits").filter(|l| l.is_object()) {
        o["limits"] = Value::String(l.to_string());
    }
    o
}

/// Plans a create whose client and call carry `client_opts` and `call_opts`.
fn plan_create(
    client_opts: Value,
    call_opts: Value,
    body: &str,
) -> Result<String, Vec<(String, Code)>> {
    let mut c =
        json!({ "apiKey": "paysg_stag_0123456789abcdef", "paymentServiceId": "payment_service_x" });
    for (k, v) in client_opts.as_object().unwrap() {
        c[k] = v.clone();
    }
    let call: client::Call = serde_json::from_value(
        json!({ "op": "create", "client": as_js(c), "options": as_js(call_opts) }),
    )
    .unwrap();
    let parsed = Json::parse(body).unwrap();
    client::plan(&call, Body::Json(&parsed), [7; 16], 0.0)
        .map(|p| p.request.body.unwrap_or_default())
        .map_err(|e| e.into_iter().map(|e| (e.field, e.code)).collect())
}

#[test]
fn a_calls_settings_override_its_clients_key_by_key() {
    let body = json!({"reference_id": "R", "payer_name": "O’Brien", "description": "D",
        "payer_identifier": "A".repeat(15), "amount_in_cents": 30_000_000})
    .to_string();
    let client = json!({ "limits": { "payer_identifier": 20 }, "normaliseText": true });
    // The client's limits and normaliseText apply; the call adds the amount.
    let sent = plan_create(
        client.clone(),
        json!({ "limits": { "amount_in_cents": 99_999_999 } }),
        &body,
    )
    .unwrap();
    assert!(sent.contains(r#""payer_name":"O'Brien""#), "{sent}");
    // Without the call's amount limit, the client's default amount limit refuses it.
    assert_eq!(
        plan_create(client.clone(), json!({}), &body).unwrap_err(),
        [("amount_in_cents".to_owned(), Code::OutOfRange)]
    );
    // The call turns normaliseText off and tightens payer_identifier.
    let errors = plan_create(
        client,
        json!({ "normaliseText": false, "limits": { "payer_identifier": 10, "amount_in_cents": 99_999_999 } }),
        &body,
    )
    .unwrap_err();
    assert_eq!(
        errors,
        [
            ("payer_name".to_owned(), Code::NonAscii),
            ("payer_identifier".to_owned(), Code::TooLong)
        ]
    );
    // Bad settings of the client and of the call are named.
    let errors = plan_create(
        json!({}),
        json!({ "limits": { "amount": 5 }, "normaliseText": 1 }),
        &body,
    )
    .unwrap_err();
    assert!(
        errors.contains(&("limits.amount".to_owned(), Code::UnknownField)),
        "{errors:?}"
    );
    assert!(
        errors.contains(&("normaliseText".to_owned(), Code::InvalidType)),
        "{errors:?}"
    );
    let o: client::Options = serde_json::from_value(as_js(
        json!({ "apiKey": "paysg_stag_0123456789abcdef", "limits": { "payer_identifier": 0 } }),
    ))
    .unwrap();
    let errors = client::options::check_client(&o).unwrap_err();
    assert_eq!(
        (errors[0].field.as_str(), errors[0].code),
        ("limits.payer_identifier", Code::OutOfRange)
    );
}
