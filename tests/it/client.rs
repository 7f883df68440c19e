//! The client's domain: requests per endpoint, retry decisions, decoding, the return URL.

use paysg::client::{self, Attempt, Op};
use paysg::json::Json;
use serde_json::json;

const KEY: &str = "paysg_stag_0123456789abcdef";
const PSID: &str = "payment_service_fe5b1b0b";

fn plan(extra: serde_json::Value) -> Result<client::Plan, Vec<(String, &'static str)>> {
    let mut call = json!({ "apiKey": KEY, "paymentServiceId": PSID, "client": "node v20", "deadlineMs": 1_000_000.0 });
    for (k, v) in extra.as_object().unwrap() {
        call[k] = v.clone();
    }
    let text = call.to_string();
    client::plan(&Json::parse(&text).unwrap())
        .map_err(|e| e.into_iter().map(|e| (e.field, e.code.as_str())).collect())
}

fn header<'a>(p: &'a client::Plan, name: &str) -> Option<&'a str> {
    p.request
        .headers
        .iter()
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.as_str())
}

#[test]
fn each_operation_becomes_its_request() {
    let base =
        "https://api-staging.pay.gov.sg/v1/payment-services/payment_service_fe5b1b0b/payments";
    let body = json!({ "reference_id": "R", "payer_name": "P", "description": "D", "amount_in_cents": 5, "due_date": "2024-02-29" });
    let p = plan(json!({ "op": "create", "body": body, "idempotencyKey": "k-1" })).unwrap();
    assert_eq!((p.request.method, p.request.url.as_str()), ("POST", base));
    assert_eq!(
        p.request.body.as_deref(),
        Some(
            r#"{"reference_id":"R","payer_name":"P","description":"D","amount_in_cents":5,"due_date":"29-FEB-2024","metadata":{}}"#
        )
    );
    assert_eq!(header(&p, "idempotency-key"), Some("k-1"));
    assert_eq!(header(&p, "x-api-key"), Some(KEY));
    assert_eq!(header(&p, "content-type"), Some("application/json"));
    assert_eq!(
        header(&p, "x-paysg-client"),
        Some(format!("paysg-js/{} (node v20)", paysg::VERSION).as_str())
    );

    let p = plan(json!({ "op": "get", "paymentId": "a/b?c" })).unwrap();
    assert_eq!(
        (p.request.method, p.request.url.clone()),
        ("GET", format!("{base}/a%2Fb%3Fc"))
    );
    assert_eq!(header(&p, "content-type"), None);
    assert_eq!(
        header(&p, "idempotency-key"),
        None,
        "only creates and refunds carry a key"
    );

    let p = plan(json!({ "op": "list", "query": { "limit": 20, "after": "abc=" } })).unwrap();
    assert_eq!(p.request.url, format!("{base}?limit=20&after=abc%3D"));
    assert_eq!(plan(json!({ "op": "list" })).unwrap().request.url, base);

    for (op, path) in [("cancel", "cancel"), ("sendEmail", "send-email")] {
        let p = plan(json!({ "op": op, "paymentId": "p1", "idempotencyKey": "ignored" })).unwrap();
        assert_eq!(
            (p.request.method, p.request.url.clone()),
            ("POST", format!("{base}/p1/{path}"))
        );
        assert_eq!(p.request.body, None);
        assert_eq!(header(&p, "idempotency-key"), None);
    }
    let p = plan(json!({ "op": "refund", "paymentId": "p1", "idempotencyKey": "k", "body": { "refund_amount_in_cents": 300 } })).unwrap();
    assert_eq!(p.request.url, format!("{base}/p1/refund"));
    assert_eq!(
        p.request.body.as_deref(),
        Some(r#"{"refund_amount_in_cents":300}"#)
    );
}

#[test]
fn bad_calls_list_every_problem() {
    let e = plan(json!({ "op": "create", "body": { "amount_in_cents": 0 } })).unwrap_err();
    assert!(e.contains(&("idempotencyKey".into(), "required")), "{e:?}");
    assert!(e.contains(&("reference_id".into(), "required")), "{e:?}");
    assert!(
        e.contains(&("amount_in_cents".into(), "out_of_range")),
        "{e:?}"
    );
    assert_eq!(
        plan(json!({ "op": "get" })).unwrap_err(),
        vec![("paymentId".into(), "required")]
    );
    assert_eq!(
        plan(json!({ "op": "get", "paymentId": "" })).unwrap_err()[0].1,
        "invalid_format"
    );
    assert_eq!(
        plan(json!({ "op": "get", "paymentId": 5 })).unwrap_err()[0].1,
        "invalid_type"
    );
    assert_eq!(
        plan(json!({ "op": "list", "query": { "limit": 0 } })).unwrap_err()[0],
        ("limit".into(), "out_of_range")
    );
    assert_eq!(
        plan(json!({ "op": "list", "query": { "before": "a", "after": "b" } })).unwrap_err()[0].0,
        "before"
    );
    assert_eq!(plan(json!({ "op": "nope" })).unwrap_err()[0].0, "op");
    assert_eq!(
        plan(json!({ "op": "get", "paymentId": "x", "maxRetries": 11 })).unwrap_err()[0].0,
        "maxRetries"
    );
    let e = plan(json!({ "op": "get", "paymentId": "x", "apiKey": "paysg_stag_with space" }))
        .unwrap_err();
    assert_eq!(e[0].0, "apiKey");
}

#[test]
fn only_safe_attempts_are_retried() {
    use Op::*;
    let status = |s| Attempt::Status {
        status: s,
        retry_after: None,
    };
    for op in [Create, Get, List, Cancel, Refund, SendEmail] {
        assert!(client::retryable(op, status(429)), "{op:?} 429");
        for s in [400, 401, 402, 403, 404, 405, 413, 415, 422] {
            assert!(!client::retryable(op, status(s)), "{op:?} {s}");
        }
        let repeatable = op != SendEmail;
        assert_eq!(client::retryable(op, status(500)), repeatable, "{op:?} 500");
        assert_eq!(client::retryable(op, status(503)), repeatable, "{op:?} 503");
        assert_eq!(
            client::retryable(op, Attempt::Network),
            repeatable,
            "{op:?} network"
        );
        assert_eq!(
            client::retryable(op, status(409)),
            op.idempotent(),
            "{op:?} 409"
        );
    }
}

#[test]
fn backoff_doubles_with_jitter_honours_retry_after_and_the_deadline() {
    let mut p = plan(json!({ "op": "get", "paymentId": "x", "maxRetries": 10 })).unwrap();
    let net = Attempt::Network;
    assert_eq!(client::retry_delay(&p, 0, net, 0.0, 0.0), Some(250));
    assert_eq!(client::retry_delay(&p, 0, net, 0.0, 1.0), Some(500));
    assert_eq!(client::retry_delay(&p, 1, net, 0.0, 1.0), Some(1000));
    assert_eq!(client::retry_delay(&p, 3, net, 0.0, 1.0), Some(4000));
    assert_eq!(
        client::retry_delay(&p, 9, net, 0.0, 1.0),
        Some(8000),
        "capped"
    );
    assert_eq!(
        client::retry_delay(&p, 10, net, 0.0, 1.0),
        None,
        "maxRetries reached"
    );
    let ra = |v| Attempt::Status {
        status: 429,
        retry_after: Some(v),
    };
    assert_eq!(client::retry_delay(&p, 0, ra("2"), 0.0, 0.5), Some(2000));
    assert_eq!(client::retry_delay(&p, 0, ra("0.25"), 0.0, 0.5), Some(250));
    assert_eq!(
        client::retry_delay(&p, 0, ra("Wed, 21 Oct 2015 07:28:00 GMT"), 0.0, 1.0),
        Some(500),
        "dates: computed backoff"
    );
    assert_eq!(
        client::retry_delay(&p, 0, ra("61"), 0.0, 0.5),
        None,
        "over a minute: report instead"
    );
    p.deadline_ms = 1000.0;
    assert_eq!(
        client::retry_delay(&p, 0, ra("2"), 0.0, 0.5),
        None,
        "past the deadline"
    );
    assert_eq!(client::retry_delay(&p, 0, net, 600.0, 1.0), None);
    assert_eq!(client::retry_delay(&p, 0, net, 500.0, 1.0), Some(500));
    let s = plan(json!({ "op": "sendEmail", "paymentId": "x" })).unwrap();
    assert_eq!(client::retry_delay(&s, 0, Attempt::Network, 0.0, 0.5), None);
    assert_eq!(client::retry_after_ms("-1"), None);
    assert_eq!(client::retry_after_ms(" 3 "), Some(3000));
}

#[test]
fn errors_are_decoded_and_scrubbed() {
    let p = plan(json!({ "op": "create", "idempotencyKey": "k", "body": { "reference_id": "R", "payer_name": "P", "description": "D", "amount_in_cents": 5 } })).unwrap();
    let body = format!(
        r#"{{"error":{{"type":"invalid_request_error","code":"validation_failed","message":"bad key {KEY}","data":{{"errors":[]}}}}}}"#
    );
    let e = client::decode_error(&p, 400, &body);
    assert_eq!(
        (e.r#type.as_str(), e.code.as_str()),
        ("invalid_request_error", "validation_failed")
    );
    assert_eq!(e.message, "bad key <api key>");
    assert!(e.has_data && !e.retryable);
    let e = client::decode_error(&p, 502, "<html>");
    assert_eq!(
        (e.r#type.as_str(), e.code.as_str(), e.retryable),
        ("api_error", "http_502", true)
    );
    assert_eq!(
        e.message,
        "PaySG answered 502 with a body that is not PaySG's error format"
    );
    assert_eq!(
        client::decode_error(&p, 409, "").message,
        "PaySG answered 409 with an empty body"
    );
    assert!(
        client::decode_error(&p, 409, "").retryable,
        "409 on a create: a concurrent request with the key"
    );
    let e = client::decode_error(
        &p,
        404,
        r#"{"error":{"type":"not_found","code":"x","message":"m","data":null}}"#,
    );
    assert!(!e.has_data);
}

#[test]
fn return_urls_are_read_strictly() {
    let ok = client::parse_return_url("https://a.sg/back?x=1&paysg_payment_id=Zb%2Dz&paysg_payment_service_id=payment_service_1#top").unwrap();
    assert_eq!(ok, ("Zb-z".into(), "payment_service_1".into()));
    assert!(
        client::parse_return_url(
            "/back?paysg_payment_id=a&paysg_payment_service_id=payment_service_1"
        )
        .is_ok(),
        "a path and query"
    );
    let codes = |u: &str| -> Vec<(String, &'static str)> {
        client::parse_return_url(u)
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code.as_str()))
            .collect()
    };
    assert_eq!(
        codes("https://a.sg/back"),
        vec![
            ("paysg_payment_id".into(), "required"),
            ("paysg_payment_service_id".into(), "required")
        ]
    );
    assert_eq!(
        codes("https://a.sg/?paysg_payment_id=&paysg_payment_service_id=svc")[..],
        [
            ("paysg_payment_id".into(), "invalid_format"),
            ("paysg_payment_service_id".into(), "invalid_format")
        ]
    );
    assert_eq!(
        codes("https://a.sg/?paysg_payment_id=a%ZZ&paysg_payment_service_id=payment_service_1")[0]
            .1,
        "required"
    );
    assert_eq!(
        codes("https://a.sg/?paysg_payment_id=a%20b&paysg_payment_service_id=payment_service_1")[0]
            .1,
        "invalid_format"
    );
}

#[test]
fn client_options_are_checked_once() {
    let opts = |v: serde_json::Value| client::check_options(&Json::parse(&v.to_string()).unwrap());
    assert_eq!(
        opts(json!({ "apiKey": KEY })).unwrap(),
        r#"{"baseUrl":"https://api-staging.pay.gov.sg","timeoutMs":30000,"maxRetries":2}"#
    );
    assert_eq!(
        opts(json!({ "apiKey": "paysg_live_x", "timeoutMs": 5, "maxRetries": 0, "baseUrl": "http://127.0.0.1:1/" })).unwrap(),
        r#"{"baseUrl":"http://127.0.0.1:1","timeoutMs":5,"maxRetries":0}"#
    );
    let e = opts(
        json!({ "apiKey": "k y", "timeoutMs": 0, "maxRetries": "2", "paymentServiceId": "x" }),
    )
    .unwrap_err();
    let fields: Vec<_> = e.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        ["paymentServiceId", "apiKey", "timeoutMs", "maxRetries"]
    );
    assert!(e.iter().all(|e| !e.message.contains("k y")));
}
