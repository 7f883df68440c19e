//! The client's core without I/O: each call becomes its request, each answer its next step —
//! retries and their delays, success and error decoding, cancel's look before a re-send, the
//! deadline, stalls — and the return URL. No network, no clock: time and randomness are
//! arguments.

use paysg::client::answer::Failure;
use paysg::client::plan::Body;
use paysg::client::retry::{retry_after_ms, retry_delay, retryable, Attempt};
use paysg::client::{self, ClientError, Context, Op, Received, Shape, Step};
use paysg::json::Json;
use paysg::request::ApiKey;
use paysg::scalar::Scalar;
use serde_json::json;

const KEY: &str = "paysg_stag_0123456789abcdef";
const PSID: &str = "payment_service_fe5b1b0b";
const BASE: &str =
    "https://api-staging.pay.gov.sg/v1/payment-services/payment_service_fe5b1b0b/payments";

/// Plans `call` (its `client` defaults to the key and service above); the body is `body`.
fn plan_with(
    call: serde_json::Value,
    body: Option<&str>,
) -> Result<client::Plan, Vec<(String, &'static str)>> {
    let mut c =
        json!({ "client": { "apiKey": KEY, "paymentServiceId": PSID }, "runtime": "node v20" });
    for (k, v) in call.as_object().unwrap() {
        c[k] = v.clone();
    }
    let call: client::Call = serde_json::from_value(c).unwrap();
    let parsed = body.map(|b| Json::parse(b).unwrap());
    let body = parsed.as_ref().map_or(Body::None, Body::Json);
    client::plan(&call, body, [7; 16], 1_000.0)
        .map_err(|e| e.into_iter().map(|e| (e.field, e.code.as_str())).collect())
}

fn plan(call: serde_json::Value) -> Result<client::Plan, Vec<(String, &'static str)>> {
    plan_with(call, None)
}

const PAYMENT: &str = r#"{"reference_id":"R","payer_name":"P","description":"D","amount_in_cents":5,"due_date":"2024-02-29"}"#;

fn key() -> ApiKey {
    ApiKey::new(KEY).unwrap()
}

fn status(s: u16) -> Received {
    Received {
        status: Some(s),
        ..Received::default()
    }
}

fn payment_shape(latest: &str) -> Shape {
    Shape {
        id: Scalar::Str("p1".into()),
        latest_status: Scalar::Str(latest.into()),
        ..Shape::default()
    }
}

fn ok(s: Shape) -> Received {
    Received {
        json: Some(s),
        ..status(200)
    }
}

#[test]
fn each_operation_becomes_its_request() {
    let p = plan_with(
        json!({ "op": "create", "options": { "idempotencyKey": "k-1" } }),
        Some(PAYMENT),
    )
    .unwrap();
    let r = &p.request;
    assert_eq!((r.method, r.url.as_str()), ("POST", BASE));
    assert_eq!(
        r.body.as_deref(),
        Some(
            r#"{"reference_id":"R","payer_name":"P","description":"D","amount_in_cents":5,"due_date":"29-FEB-2024","metadata":{}}"#
        )
    );
    assert_eq!(r.header("idempotency-key"), Some("k-1"));
    assert_eq!(r.header("x-api-key"), Some(KEY));
    assert_eq!(r.header("content-type"), Some("application/json"));
    let client = format!("paysg-js/{} (node v20)", paysg::VERSION);
    assert_eq!(r.header("x-paysg-client"), Some(client.as_str()));
    assert_eq!(p.context.idempotency_key.as_deref(), Some("k-1"));
    assert_eq!(
        (p.context.deadline_ms, p.context.timeout_ms),
        (31_000.0, 30_000)
    );
    assert_eq!(
        (p.context.max_retries, p.context.attempt_timeout_ms),
        (2, 10_000)
    );

    // No key given: a V4 UUID from the random bytes, the same one in the context.
    let p = plan_with(json!({ "op": "create" }), Some(PAYMENT)).unwrap();
    let k = p.context.idempotency_key.clone().unwrap();
    assert_eq!(k, "07070707-0707-4707-8707-070707070707");
    assert_eq!(p.request.header("idempotency-key"), Some(k.as_str()));

    let p = plan(json!({ "op": "get", "paymentId": "a/b?c" })).unwrap();
    assert_eq!(
        (p.request.method, p.request.url.clone()),
        ("GET", format!("{BASE}/a%2Fb%3Fc"))
    );
    assert_eq!(p.request.header("content-type"), None);
    assert_eq!(
        p.request.header("idempotency-key"),
        None,
        "only creates and refunds carry a key"
    );
    assert_eq!(p.context.idempotency_key, None);

    let p = plan(json!({ "op": "list", "query": { "limit": 20, "after": "abc=" } })).unwrap();
    assert_eq!(p.request.url, format!("{BASE}?limit=20&after=abc%3D"));
    assert_eq!(plan(json!({ "op": "list" })).unwrap().request.url, BASE);

    for (op, path) in [("cancel", "cancel"), ("sendEmail", "send-email")] {
        let p = plan(
            json!({ "op": op, "paymentId": "p1", "options": { "idempotencyKey": "ignored" } }),
        )
        .unwrap();
        assert_eq!(
            (p.request.method, p.request.url.clone()),
            ("POST", format!("{BASE}/p1/{path}"))
        );
        assert_eq!(p.request.body, None);
        assert_eq!(p.request.header("idempotency-key"), None);
    }
    let p = plan(json!({ "op": "cancel", "paymentId": "p1" })).unwrap();
    assert_eq!(
        p.context.payment_url.as_deref(),
        Some(format!("{BASE}/p1").as_str())
    );
    let p = plan_with(
        json!({ "op": "refund", "paymentId": "p1", "options": { "idempotencyKey": "k" } }),
        Some(r#"{"refund_amount_in_cents":300}"#),
    )
    .unwrap();
    assert_eq!(p.request.url, format!("{BASE}/p1/refund"));
    assert_eq!(
        p.request.body.as_deref(),
        Some(r#"{"refund_amount_in_cents":300}"#)
    );
}

#[test]
fn a_calls_options_override_the_clients_under_the_same_rules() {
    let p = plan(json!({ "op": "get", "paymentId": "x",
        "client": { "apiKey": KEY, "paymentServiceId": PSID, "timeoutMs": 5000, "maxRetries": 4, "attemptTimeoutMs": 700 },
        "options": { "timeoutMs": 900, "paymentServiceId": "payment_service_other" } })).unwrap();
    assert_eq!(
        (
            p.context.timeout_ms,
            p.context.max_retries,
            p.context.attempt_timeout_ms
        ),
        (900, 4, 700)
    );
    assert!(p.request.url.contains("/payment_service_other/"));
    for (opt, value, code) in [
        ("timeoutMs", json!(3e9), "out_of_range"),
        ("timeoutMs", json!(0), "out_of_range"),
        ("timeoutMs", json!(1.5), "out_of_range"),
        ("attemptTimeoutMs", json!(600_001), "out_of_range"),
        ("maxRetries", json!(11), "out_of_range"),
        ("maxRetries", json!("2"), "invalid_type"),
    ] {
        let e =
            plan(json!({ "op": "get", "paymentId": "x", "options": { opt: value } })).unwrap_err();
        assert_eq!(e, vec![(opt.to_owned(), code)], "{opt} {value}");
    }
    assert!(
        plan(json!({ "op": "get", "paymentId": "x", "options": { "timeoutMs": 600_000 } })).is_ok()
    );
    let e = plan(json!({ "op": "get", "paymentId": "x", "options": { "type": "string" } }))
        .unwrap_err();
    assert_eq!(e, vec![("".to_owned(), "invalid_type")]);
}

#[test]
fn bad_calls_list_every_problem() {
    let e = plan_with(
        json!({ "op": "create", "options": { "idempotencyKey": "" } }),
        Some(r#"{"amount_in_cents":0}"#),
    )
    .unwrap_err();
    for want in [
        ("reference_id", "required"),
        ("amount_in_cents", "out_of_range"),
        ("idempotencyKey", "empty"),
    ] {
        assert!(e.contains(&(want.0.into(), want.1)), "{e:?}");
    }
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
    let hostile = plan(json!({ "op": "get", "paymentId": { "\u{0}type": "object" } })).unwrap_err();
    assert_eq!(hostile, vec![("paymentId".into(), "invalid_type")]);
    assert_eq!(
        plan(json!({ "op": "list", "query": { "limit": 0 } })).unwrap_err()[0],
        ("limit".into(), "out_of_range")
    );
    assert_eq!(
        plan(json!({ "op": "list", "query": { "before": "a", "after": "b" } })).unwrap_err()[0].0,
        "before"
    );
    let e = plan(json!({ "op": "get", "paymentId": "x", "client": { "apiKey": "paysg_stag_with space", "paymentServiceId": PSID } })).unwrap_err();
    assert_eq!(e[0].0, "apiKey");
    let e = plan(json!({ "op": "get", "paymentId": "x", "client": { "apiKey": "other_key", "paymentServiceId": PSID } })).unwrap_err();
    assert_eq!(
        e,
        vec![("apiKey".into(), "invalid_format")],
        "an unknown prefix is the key's problem"
    );
    let call: client::Call = serde_json::from_value(
        json!({ "op": "create", "client": { "apiKey": KEY, "paymentServiceId": PSID } }),
    )
    .unwrap();
    let e = client::plan(
        &call,
        Body::Unreadable("Converting circular structure to JSON"),
        [0; 16],
        0.0,
    )
    .unwrap_err();
    assert_eq!(
        (e[0].field.as_str(), e[0].code.as_str()),
        ("", "invalid_type")
    );
    assert!(e[0].message.contains("circular"), "{}", e[0].message);
    assert!(
        serde_json::from_value::<client::Call>(json!({ "op": "nope" })).is_err(),
        "the JS layer names the op"
    );
}

#[test]
fn only_safe_attempts_are_retried() {
    use Op::*;
    let status = |s| Attempt::Status {
        status: s,
        retry_after: None,
    };
    for op in [Create, Get, List, Cancel, Refund, SendEmail] {
        assert!(retryable(op, status(429)), "{op:?} 429");
        for s in [400, 401, 402, 403, 404, 405, 413, 415, 422] {
            assert!(!retryable(op, status(s)), "{op:?} {s}");
        }
        let repeatable = op != SendEmail;
        assert_eq!(retryable(op, status(500)), repeatable, "{op:?} 500");
        assert_eq!(retryable(op, status(503)), repeatable, "{op:?} 503");
        assert_eq!(
            retryable(op, Attempt::Network),
            repeatable,
            "{op:?} network"
        );
        assert_eq!(
            retryable(op, Attempt::Stalled),
            repeatable,
            "{op:?} stalled"
        );
        assert_eq!(retryable(op, status(409)), op.idempotent(), "{op:?} 409");
    }
}

#[test]
fn backoff_doubles_with_jitter_honours_retry_after_and_the_deadline() {
    let net = Attempt::Network;
    let delay = |retries, attempt, now, deadline, random| {
        retry_delay(Op::Get, retries, 10, attempt, now, deadline, random)
    };
    let far = 1e12;
    assert_eq!(delay(0, net, 0.0, far, 0.0), Some(250));
    assert_eq!(delay(0, net, 0.0, far, 1.0), Some(500));
    assert_eq!(delay(1, net, 0.0, far, 1.0), Some(1000));
    assert_eq!(delay(3, net, 0.0, far, 1.0), Some(4000));
    assert_eq!(delay(9, net, 0.0, far, 1.0), Some(8000), "capped");
    assert_eq!(delay(10, net, 0.0, far, 1.0), None, "maxRetries reached");
    assert_eq!(
        delay(0, net, 0.0, far, f64::NAN),
        Some(250),
        "no jitter from a bad random"
    );
    let ra = |v| Attempt::Status {
        status: 429,
        retry_after: Some(v),
    };
    assert_eq!(delay(0, ra("2"), 0.0, far, 0.5), Some(2000));
    assert_eq!(delay(0, ra("0.25"), 0.0, far, 0.5), Some(250));
    assert_eq!(
        delay(0, ra("Wed, 21 Oct 2015 07:28:00 GMT"), 0.0, far, 1.0),
        Some(500),
        "dates: computed backoff"
    );
    assert_eq!(
        delay(0, ra("61"), 0.0, far, 0.5),
        None,
        "over a minute: report instead"
    );
    assert_eq!(
        delay(0, ra("2"), 0.0, 1000.0, 0.5),
        None,
        "past the deadline"
    );
    assert_eq!(delay(0, net, 600.0, 1000.0, 1.0), None);
    assert_eq!(delay(0, net, 500.0, 1000.0, 1.0), Some(500));
    assert_eq!(retry_delay(Op::SendEmail, 0, 10, net, 0.0, far, 0.5), None);
    assert_eq!(retry_after_ms("-1"), None);
    assert_eq!(retry_after_ms(" 3 "), Some(3000));
    for (given, ms) in [
        ("0", Some(0)),
        ("1.5", Some(1500)),
        ("0.0004", Some(0)),
        ("0.0005", Some(1)),
        (".25", Some(250)),
        ("2.", Some(2000)),
        ("007", Some(7000)),
        ("99999999999999999999", Some(1_000_000_000_000)),
        ("", None),
        (".", None),
        ("1e3", None),
        ("+1", None),
        ("inf", None),
        ("NaN", None),
        ("1.2.3", None),
        ("١", None),
    ] {
        assert_eq!(retry_after_ms(given), ms, "{given:?}");
    }
}

/// The context of a create planned at t = 1000 ms (deadline 31,000 ms).
fn create() -> Context {
    plan_with(
        json!({ "op": "create", "options": { "idempotencyKey": "k-1" } }),
        Some(PAYMENT),
    )
    .unwrap()
    .context
}

#[test]
fn answers_become_steps() {
    let ctx = create();
    assert_eq!(
        client::answer(&ctx, &ok(payment_shape("unpaid")), &key(), 1_100.0, 0.5),
        Step::Done { body: true }
    );
    // a 2xx that is not a payment, or not JSON
    for got in [ok(Shape::default()), status(201)] {
        let Step::Fail {
            error: ClientError::InvalidResponse {
                status, attempts, ..
            },
        } = client::answer(&ctx, &got, &key(), 1_100.0, 0.5)
        else {
            panic!("not an invalid response")
        };
        assert_eq!((status, attempts), (got.status.unwrap(), 1));
    }
    // 503: sent again after the backoff, the context counting the attempt
    let Step::Send {
        after_ms,
        request,
        context,
    } = client::answer(&ctx, &status(503), &key(), 1_100.0, 0.0)
    else {
        panic!("not retried")
    };
    assert_eq!(
        (after_ms, request, context.attempts, context.retries),
        (250, None, 2, 1)
    );
    // ...until retries run out: PaySG's error, with the attempts and the key to retry with
    let last = Context {
        attempts: 3,
        retries: 2,
        ..ctx.clone()
    };
    let Step::Fail {
        error: ClientError::Api(e),
    } = client::answer(&last, &status(503), &key(), 1_100.0, 0.0)
    else {
        panic!("not an API error")
    };
    assert_eq!(
        (e.status, e.code.as_str(), e.attempts, e.retryable),
        (503, "http_503", 3, true)
    );
    assert_eq!(e.idempotency_key.as_deref(), Some("k-1"));
    // a network failure after the last retry names the host, the attempts and the cause
    let net = Received {
        failure: Some(Failure::Network),
        cause: Some("fetch failed: connect ECONNREFUSED 127.0.0.1:9".into()),
        ..Received::default()
    };
    let Step::Fail {
        error: ClientError::Connection {
            message, attempts, ..
        },
    } = client::answer(&last, &net, &key(), 1_100.0, 0.0)
    else {
        panic!("not a connection error")
    };
    assert_eq!(attempts, 3);
    assert_eq!(message, "could not reach api-staging.pay.gov.sg (3 attempts): fetch failed: connect ECONNREFUSED 127.0.0.1:9");
    // the deadline: a timeout at once, whatever else
    let deadline = Received {
        failure: Some(Failure::Deadline),
        ..Received::default()
    };
    let Step::Fail {
        error:
            ClientError::Timeout {
                timeout_ms,
                attempts,
                idempotency_key,
                message,
            },
    } = client::answer(&ctx, &deadline, &key(), 31_000.0, 0.0)
    else {
        panic!("not a timeout")
    };
    assert_eq!(
        (timeout_ms, attempts, idempotency_key.as_deref()),
        (30_000, 1, Some("k-1"))
    );
    assert!(message.contains("timeoutMs = 30000"), "{message}");
    // a stalled attempt is retried; the last one is a timeout naming attemptTimeoutMs
    let stalled = Received {
        failure: Some(Failure::Stalled),
        ..Received::default()
    };
    assert!(matches!(
        client::answer(&ctx, &stalled, &key(), 11_000.0, 0.0),
        Step::Send { .. }
    ));
    let Step::Fail {
        error:
            ClientError::Timeout {
                timeout_ms,
                attempts,
                ..
            },
    } = client::answer(&last, &stalled, &key(), 1_100.0, 0.0)
    else {
        panic!("not a timeout")
    };
    assert_eq!((timeout_ms, attempts), (10_000, 3));
}

#[test]
fn lists_and_emails_are_checked_for_what_they_return() {
    let list = plan(json!({ "op": "list" })).unwrap().context;
    let page = Shape {
        data: Scalar::Other("array"),
        page_info: Scalar::Other("object"),
        ..Shape::default()
    };
    assert_eq!(
        client::answer(&list, &ok(page), &key(), 1_100.0, 0.0),
        Step::Done { body: true }
    );
    assert!(matches!(
        client::answer(&list, &ok(payment_shape("paid")), &key(), 1_100.0, 0.0),
        Step::Fail {
            error: ClientError::InvalidResponse { .. }
        }
    ));
    let email = plan(json!({ "op": "sendEmail", "paymentId": "p1" }))
        .unwrap()
        .context;
    assert_eq!(
        client::answer(&email, &status(204), &key(), 1_100.0, 0.0),
        Step::Done { body: false }
    );
    // an email may have gone on a 500: never sent again; a 429 was refused before anything
    assert!(matches!(
        client::answer(&email, &status(500), &key(), 1_100.0, 0.0),
        Step::Fail { .. }
    ));
    assert!(matches!(
        client::answer(&email, &status(429), &key(), 1_100.0, 0.0),
        Step::Send { .. }
    ));
}

#[test]
fn a_cancel_that_may_have_gone_through_is_looked_at_before_it_is_sent_again() {
    let planned = plan(json!({ "op": "cancel", "paymentId": "p1" })).unwrap();
    let (first, ctx) = (planned.request, planned.context);
    // a dropped answer: look first
    let net = Received {
        failure: Some(Failure::Network),
        ..Received::default()
    };
    let Step::Send {
        request: Some(look),
        context,
        ..
    } = client::answer(&ctx, &net, &key(), 1_100.0, 0.0)
    else {
        panic!("no look")
    };
    assert_eq!(
        (look.method, look.url.as_str()),
        ("GET", format!("{BASE}/p1").as_str())
    );
    assert_eq!(look.header("x-api-key"), Some(KEY));
    assert!(context.checking);
    // cancelled already: that is the result
    assert_eq!(
        client::answer(
            &context,
            &ok(payment_shape("cancelled")),
            &key(),
            1_200.0,
            0.0
        ),
        Step::Done { body: true }
    );
    // still unpaid: send the cancel again, at once: the cancel itself, not the look
    let Step::Send {
        after_ms: 0,
        request: Some(cancel),
        context: again,
    } = client::answer(&context, &ok(payment_shape("unpaid")), &key(), 1_200.0, 0.0)
    else {
        panic!("not sent again")
    };
    assert_eq!(cancel, first);
    assert!(!again.checking);
    assert_eq!(again.attempts, 3);
    // a 429 was refused before anything happened: no look
    let Step::Send { request, .. } = client::answer(&ctx, &status(429), &key(), 1_100.0, 0.0)
    else {
        panic!("not retried")
    };
    assert_eq!(request, None);
}

#[test]
fn errors_are_decoded_once_and_scrubbed() {
    let ctx = create();
    let got = |s: u16, text: &str| Received {
        text: Some(text.to_owned()),
        request_id: Some(format!("req-{KEY}")),
        ..status(s)
    };
    let body = format!(
        r#"{{"error":{{"type":"invalid_request_error","code":"validation_failed","message":"bad key {KEY}","data":{{"echo":"{KEY}","n":[1,2]}}}}}}"#
    );
    let Step::Fail {
        error: ClientError::Api(e),
    } = client::answer(&ctx, &got(400, &body), &key(), 1_100.0, 0.0)
    else {
        panic!()
    };
    assert_eq!(
        (e.r#type.as_deref(), e.code.as_str()),
        (Some("invalid_request_error"), "validation_failed")
    );
    assert_eq!(e.message, "bad key <api key>");
    assert_eq!(e.request_id.as_deref(), Some("req-<api key>"));
    assert_eq!(
        serde_json::to_string(&e.data).unwrap(),
        r#"{"echo":"<api key>","n":[1,2]}"#
    );
    assert!(!e.retryable);
    let shown = serde_json::to_string(&ClientError::Api(e)).unwrap();
    assert!(!shown.contains(KEY), "{shown}");
    let last = Context { retries: 2, ..ctx };
    let Step::Fail {
        error: ClientError::Api(e),
    } = client::answer(&last, &got(502, "<html>"), &key(), 1_100.0, 0.0)
    else {
        panic!()
    };
    assert_eq!(
        (e.r#type, e.code.as_str(), e.retryable),
        (None, "http_502", true)
    );
    assert_eq!(
        e.message,
        "PaySG answered 502 with a body that is not PaySG's error format"
    );
    let Step::Fail {
        error: ClientError::Api(e),
    } = client::answer(&last, &got(409, ""), &key(), 1_100.0, 0.0)
    else {
        panic!()
    };
    assert_eq!(e.message, "PaySG answered 409 with an empty body");
    assert!(
        e.retryable,
        "409 on a create: a concurrent request with the key"
    );
}

#[test]
fn every_error_kind_has_a_class() {
    let kinds: Vec<_> = ClientError::CLASSES.iter().map(|(k, _)| *k).collect();
    assert_eq!(
        kinds,
        [
            "validation",
            "api",
            "connection",
            "timeout",
            "invalid_response",
            "list_cap_reached",
            "payment_service_mismatch",
            "payment_mismatch",
            "payment_refunded"
        ]
    );
    // listAllPayments' page errors: one kind each, whatever variant carries them.
    let e = ClientError::InvalidPages {
        message: "m".into(),
    };
    assert_eq!((e.kind(), e.class()), ("invalid_response", "PaySGError"));
    assert_eq!(
        serde_json::to_value(&e).unwrap()["kind"],
        "invalid_response"
    );
    let e = ClientError::ListCapReached {
        message: "m".into(),
    };
    assert_eq!((e.kind(), e.class()), ("list_cap_reached", "PaySGError"));
    assert_eq!(
        serde_json::to_value(&e).unwrap()["kind"],
        "list_cap_reached"
    );
    let e = ClientError::Validation { errors: vec![] };
    assert_eq!(
        (e.kind(), e.class()),
        ("validation", "PaySGValidationError")
    );
    assert_eq!(serde_json::to_value(&e).unwrap()["kind"], "validation");
}

#[test]
fn client_options_are_checked_once() {
    let check = |v: serde_json::Value| client::check_client(&serde_json::from_value(v).unwrap());
    let (_, s) = check(json!({ "apiKey": KEY })).unwrap();
    assert_eq!(
        serde_json::to_value(&s).unwrap(),
        json!({ "paymentServiceId": null, "baseUrl": "https://api-staging.pay.gov.sg", "timeoutMs": 30000, "attemptTimeoutMs": 10000, "maxRetries": 2 })
    );
    let (_, s) = check(json!({ "apiKey": "paysg_stag_x", "timeoutMs": 5, "maxRetries": 0, "baseUrl": "http://127.0.0.1:1/" })).unwrap();
    assert_eq!(
        (s.base_url.as_str(), s.timeout_ms, s.max_retries),
        ("http://127.0.0.1:1", 5, 0)
    );
    let e = check(
        json!({ "apiKey": "k y", "timeoutMs": 0, "maxRetries": "2", "paymentServiceId": "x" }),
    )
    .unwrap_err();
    let fields: Vec<_> = e.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        ["paymentServiceId", "apiKey", "timeoutMs", "maxRetries"]
    );
    assert!(e.iter().all(|e| !e.message.contains("k y")));
    for bad in [
        json!({ "apiKey": "paysg_stag_" }),
        json!({ "apiKey": "paysg_stag_ключ" }),
        json!({ "apiKey": "paysg_stag_x", "timeoutMs": 3e9 }),
    ] {
        assert!(check(bad.clone()).is_err(), "{bad}");
    }
    let e = check(json!({ "type": "string" })).unwrap_err();
    assert!(
        e[0].message.contains("must be an object, got string"),
        "{}",
        e[0].message
    );
}

#[test]
fn an_operation_has_one_name_for_js_and_serde() {
    for op in Op::ALL {
        assert_eq!(
            serde_json::to_string(&op).unwrap(),
            format!("\"{}\"", op.name())
        );
        assert_eq!(Op::from_name(op.name()), Some(op));
    }
    assert_eq!(Op::from_name("Create"), None);
    assert_eq!(Op::from_name(""), None);
}

#[test]
fn events_describe_the_attempt_in_flight_without_query_or_body() {
    use paysg::client::event::Sent;
    // a create: its public name, the path, attempt 1, the key sent
    let ctx = create();
    let sent = Sent::of(&ctx);
    assert_eq!(
        (
            sent.operation,
            sent.method,
            sent.attempt,
            sent.idempotency_key
        ),
        ("createPayment", "POST", 1, Some("k-1"))
    );
    assert!(!BASE.contains('?'));
    assert!(BASE.ends_with(sent.path), "{} / {}", BASE, sent.path);
    assert!(sent.path.starts_with("/v1/payment-services/"));
    // a 503: the next attempt is number 2, with the same key
    let Step::Send { context, .. } = client::answer(&ctx, &status(503), &key(), 1_100.0, 0.0)
    else {
        panic!("not retried")
    };
    assert_eq!(
        (
            Sent::of(&context).attempt,
            Sent::of(&context).idempotency_key
        ),
        (2, Some("k-1"))
    );
    // a list: no query in the path, no key
    let list =
        plan(json!({ "op": "list", "query": { "limit": 5, "after": "cursor-secret" } })).unwrap();
    assert!(list.request.url.contains("after=cursor-secret"));
    let sent = Sent::of(&list.context);
    assert_eq!(
        (sent.operation, sent.method, sent.idempotency_key),
        ("listPayments", "GET", None)
    );
    assert!(!sent.path.contains('?') && !sent.path.contains("cursor"));
    // a cancel's look is a GET of the payment; the cancel sent again is a POST …/cancel
    let cancel = plan(json!({ "op": "cancel", "paymentId": "p1" }))
        .unwrap()
        .context;
    assert!(Sent::of(&cancel).path.ends_with("/payments/p1/cancel"));
    let net = Received {
        failure: Some(Failure::Network),
        ..Received::default()
    };
    let Step::Send { context: look, .. } = client::answer(&cancel, &net, &key(), 1_100.0, 0.0)
    else {
        panic!("no look")
    };
    let sent = Sent::of(&look);
    assert_eq!(
        (sent.operation, sent.method, sent.attempt),
        ("cancelPayment", "GET", 2)
    );
    assert!(sent.path.ends_with("/payments/p1"));
    // every operation has its public method's name
    for (op, name) in [
        (Op::Create, "createPayment"),
        (Op::Get, "getPayment"),
        (Op::List, "listPayments"),
        (Op::Cancel, "cancelPayment"),
        (Op::Refund, "refundPayment"),
        (Op::SendEmail, "sendPaymentEmail"),
    ] {
        assert_eq!(op.public_name(), name);
    }
}
