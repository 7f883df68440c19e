//! Request building (the builder `buildCreatePaymentRequest` and `createPayment` share): base URL
//! from the key prefix, path encoding, headers, option errors.

use paysg::client::{self, plan::Body};
use paysg::json::Json;
use paysg::request::{self, ApiKey};

const BODY: &str = r#"{"reference_id":"PAYMENT_001","payer_name":"Andy Lau","description":"Test payment","amount_in_cents":1100}"#;
const PSID: &str = "payment_service_fe5b1b0b-065a-43b8-939d-03ab2b67ede9";

/// `buildCreatePaymentRequest(BODY, opts)`: the client's options, and the key as the call's.
fn build_from(
    body: &str,
    opts: serde_json::Value,
) -> Result<request::HttpRequest, Vec<(String, &'static str, String)>> {
    let key = opts.get("idempotencyKey").cloned().unwrap_or_default();
    let call =
        serde_json::json!({ "op": "create", "client": opts, "options": { "idempotencyKey": key } });
    let call: client::Call = serde_json::from_value(call).unwrap();
    let body = Json::parse(body).unwrap();
    client::plan(&call, Body::Json(&body), [9; 16], 0.0)
        .map(|p| p.request)
        .map_err(|e| {
            e.into_iter()
                .map(|e| (e.field, e.code.as_str(), e.message))
                .collect()
        })
}

fn build(
    opts: serde_json::Value,
) -> Result<request::HttpRequest, Vec<(String, &'static str, String)>> {
    build_from(BODY, opts)
}

fn header<'a>(r: &'a request::HttpRequest, name: &str) -> Option<&'a str> {
    r.headers
        .iter()
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.as_str())
}

#[test]
fn base_url_from_key_prefix() {
    let r =
        build(serde_json::json!({ "paymentServiceId": PSID, "apiKey": "paysg_stag_abc" })).unwrap();
    assert_eq!(r.method, "POST");
    assert_eq!(
        r.url,
        format!("https://api-staging.pay.gov.sg/v1/payment-services/{PSID}/payments")
    );
    let r =
        build(serde_json::json!({ "paymentServiceId": PSID, "apiKey": "paysg_live_abc" })).unwrap();
    assert_eq!(
        r.url,
        format!("https://api.pay.gov.sg/v1/payment-services/{PSID}/payments")
    );
    // The prefix check is case-sensitive, as in PaySG's own callers; another prefix is the key's
    // problem, and the message says baseUrl reaches another host.
    let e = build(serde_json::json!({ "paymentServiceId": PSID, "apiKey": "PAYSG_LIVE_abc" }))
        .unwrap_err();
    assert_eq!((e[0].0.as_str(), e[0].1), ("apiKey", "invalid_format"));
    assert!(e[0].2.contains("pass baseUrl"), "{}", e[0].2);
    let r = build(serde_json::json!({ "paymentServiceId": PSID, "apiKey": "test_key", "baseUrl": "http://127.0.0.1:8080/" }))
        .unwrap();
    assert_eq!(
        r.url,
        format!("http://127.0.0.1:8080/v1/payment-services/{PSID}/payments")
    );
    let r = build(serde_json::json!({ "paymentServiceId": PSID, "apiKey": "paysg_live_x", "baseUrl": "https://proxy.sg/paysg" }))
        .unwrap();
    assert_eq!(
        r.url,
        format!("https://proxy.sg/paysg/v1/payment-services/{PSID}/payments")
    );
}

#[test]
fn headers_and_body() {
    let r = build(serde_json::json!({ "paymentServiceId": PSID, "apiKey": "paysg_stag_abc", "idempotencyKey": "af9be4e3-685d-4384-99c7-11774722d930" }))
        .unwrap();
    assert_eq!(header(&r, "x-api-key"), Some("paysg_stag_abc"));
    assert_eq!(header(&r, "content-type"), Some("application/json"));
    assert_eq!(
        header(&r, "idempotency-key"),
        Some("af9be4e3-685d-4384-99c7-11774722d930")
    );
    assert_eq!(
        r.body.as_deref(),
        Some(&*BODY.replace("}", r#","metadata":{}}"#))
    );
    let r =
        build(serde_json::json!({ "paymentServiceId": PSID, "apiKey": "paysg_stag_abc" })).unwrap();
    assert_eq!(
        header(&r, "idempotency-key"),
        Some("09090909-0909-4909-8909-090909090909"),
        "always a key: a V4 UUID of the random bytes when none was given"
    );
    let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    assert_eq!(json["headers"]["x-api-key"], "paysg_stag_abc");
    assert_eq!(json["body"].as_str(), r.body.as_deref());
}

#[test]
fn path_segments_are_percent_encoded() {
    assert_eq!(
        request::encode_path_segment("payment_service_a/b?c#d e%"),
        "payment_service_a%2Fb%3Fc%23d%20e%25"
    );
    assert_eq!(request::encode_path_segment("AZaz09-_.~"), "AZaz09-_.~");
    assert_eq!(request::encode_path_segment("é"), "%C3%A9");
    let r = build(
        serde_json::json!({ "paymentServiceId": "payment_service_../x", "apiKey": "paysg_stag_k" }),
    )
    .unwrap();
    assert!(
        r.url
            .ends_with("/v1/payment-services/payment_service_..%2Fx/payments"),
        "{}",
        r.url
    );
}

#[test]
fn api_key_problems_never_echo_the_key() {
    for key in [
        "paysg_stag_secret\n",
        " paysg_stag_secret",
        "paysg_stag_sec ret",
        "paysg_stag_sec\u{0}ret",
        "paysg_stag_sécret",
    ] {
        let e = build(serde_json::json!({ "paymentServiceId": PSID, "apiKey": key })).unwrap_err();
        assert_eq!(
            (e[0].0.as_str(), e[0].1),
            ("apiKey", "invalid_format"),
            "{key:?}"
        );
        assert!(e.iter().all(|(_, _, m)| !m.contains("secret")), "{e:?}");
    }
    assert_eq!(
        format!("{:?}", ApiKey::new("paysg_stag_secret").unwrap()),
        "ApiKey(<redacted>)"
    );
    let e = build(serde_json::json!({ "paymentServiceId": PSID, "apiKey": "" })).unwrap_err();
    assert_eq!((e[0].0.as_str(), e[0].1), ("apiKey", "empty"));
    let e = build(serde_json::json!({ "paymentServiceId": PSID, "apiKey": "paysg_live_" }))
        .unwrap_err();
    assert_eq!(
        (e[0].0.as_str(), e[0].1),
        ("apiKey", "invalid_format"),
        "a bare prefix"
    );
}

#[test]
fn option_problems() {
    let codes = |v: serde_json::Value| {
        build(v)
            .unwrap_err()
            .into_iter()
            .map(|(f, c, _)| (f, c))
            .collect::<Vec<_>>()
    };
    let e = |f: &str, c: &'static str| (f.to_owned(), c);
    assert_eq!(
        codes(serde_json::json!({})),
        [e("paymentServiceId", "required"), e("apiKey", "required")]
    );
    assert_eq!(
        codes(serde_json::json!({ "paymentServiceId": 5, "apiKey": true })),
        [
            e("paymentServiceId", "invalid_type"),
            e("apiKey", "invalid_type")
        ]
    );
    assert_eq!(
        codes(serde_json::json!({ "paymentServiceId": "svc_1", "apiKey": "paysg_stag_k" })),
        [e("paymentServiceId", "invalid_format")]
    );
    assert_eq!(
        codes(
            serde_json::json!({ "paymentServiceId": PSID, "apiKey": "paysg_stag_k", "baseUrl": "localhost:8080" })
        ),
        [e("baseUrl", "invalid_url")]
    );
    let ok_key = "k".repeat(255);
    assert!(build(serde_json::json!({ "paymentServiceId": PSID, "apiKey": "paysg_stag_k", "idempotencyKey": ok_key })).is_ok());
    assert_eq!(
        codes(
            serde_json::json!({ "paymentServiceId": PSID, "apiKey": "paysg_stag_k", "idempotencyKey": "k".repeat(256) })
        ),
        [e("idempotencyKey", "too_long")]
    );
    assert_eq!(
        codes(
            serde_json::json!({ "paymentServiceId": PSID, "apiKey": "paysg_stag_k", "idempotencyKey": "a b" })
        ),
        [e("idempotencyKey", "invalid_format")]
    );
    assert_eq!(
        codes(
            serde_json::json!({ "paymentServiceId": PSID, "apiKey": "paysg_stag_k", "idempotencyKey": "" })
        ),
        [e("idempotencyKey", "empty")]
    );
}

#[test]
fn body_and_option_problems_come_together() {
    let got = build_from("{}", serde_json::json!({})).unwrap_err();
    let fields: Vec<_> = got.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(
        fields,
        [
            "reference_id",
            "payer_name",
            "description",
            "amount_in_cents",
            "paymentServiceId",
            "apiKey"
        ]
    );
}
