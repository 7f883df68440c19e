//! Section 8, webhooks.

use crate::common::*;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::time::{Duration, Instant};

const SECRET: &str = "whsec_integration";

#[test]
fn signature_recipe_matches_the_known_answer() {
    // paysg-api.md §15.5.
    let body = r#"{"id":"evt_752ced1f-00ce-4905-8c46-367371dd78e6","type":"payment.succeeded","object":"event","created_at":"2023-10-02T16:17:08.210+08:00","payment_service_id":"payment_service_fd724c82-786b-43ba-b7d7-1eecab0388e1","data":{"object":{"id":"wLAnFWQLYyYNKBimc2ZkA","payment_status":"paid","amount_in_cents":1234}}}"#;
    let header =
        "t=1696234628210, v1=551f01f810fd70585a74b914b49402a7a6c5967db87fff361bd70eccbaf7c44d";
    let (t, v1) = parse_signature_header(header);
    assert_eq!(t, "1696234628210");
    assert_eq!(signature("test_webhook_secret", &t, body.as_bytes()), v1);
    assert_ne!(signature("another_secret", &t, body.as_bytes()), v1);
    assert_ne!(
        signature("test_webhook_secret", "1696234628211", body.as_bytes()),
        v1
    );
}

/// Checks one delivery: headers, signature and event body; returns the event.
fn check_delivery(hit: &Hit, payment: &Value) -> Value {
    assert!(
        hit.header("content-type").starts_with("application/json"),
        "content-type {}",
        hit.header("content-type")
    );
    let header = hit.header("paysg-signature");
    assert!(
        header.starts_with("t=") && header.contains(", v1="),
        "PaySG-Signature {header:?} is not `t=…, v1=…`"
    );
    let (t, v1) = parse_signature_header(header);
    assert_eq!(
        v1,
        signature(SECRET, &t, &hit.body),
        "the signature does not match HMAC-SHA256(secret, t.body)"
    );
    let raw = std::str::from_utf8(&hit.body).expect("a UTF-8 body");
    assert!(
        !raw.contains('\n') && !raw.contains("\": ") && !raw.contains(", \""),
        "the body is not compact JSON: {raw}"
    );

    let event = hit.json();
    let id = event["id"].as_str().expect("event id");
    assert!(
        id.strip_prefix("evt_").is_some_and(is_uuid),
        "event id {id} is not evt_<uuid>"
    );
    assert_eq!(event["object"], "event");
    assert_eq!(event["type"], "payment.succeeded");
    assert_eq!(event["payment_service_id"], SERVICE);
    assert_timestamp(&event["created_at"], "event created_at");
    let object = &event["data"]["object"];
    assert_payment_shape(object);
    assert_eq!(object, payment, "data.object must be the paid payment");
    assert!(object["amount_in_cents"].is_u64());
    let keys = object.as_object().unwrap().keys();
    for key in keys {
        assert!(
            key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
            "data.object key {key} is not snake_case"
        );
    }
    event
}

#[tokio::test]
async fn each_webhook_endpoint_gets_one_signed_event() {
    let one = Receiver::start(&[]).await;
    let two = Receiver::start(&[]).await;
    let sim = Sim::start(&[
        "--webhook-url",
        &one.url,
        "--webhook-url",
        &two.url,
        "--webhook-secret",
        SECRET,
        "--webhook-backoff-ms",
        "20",
    ]);
    let api = sim.api();
    let payment = api.create_ok(&minimal("hook", 4321)).await;
    let id = payment["id"].as_str().unwrap();
    // Creating, cancelling or refunding sends nothing; only payment.succeeded exists.
    api.cancel(
        api.create_ok(&minimal("hook-cancel", 1)).await["id"]
            .as_str()
            .unwrap(),
    )
    .await
    .expect(200);
    let before = now_ms();
    api.pay_ok(id).await;
    let paid = api.get_ok(id).await;

    let mut event_ids = Vec::new();
    for receiver in [&one, &two] {
        let hits = receiver.wait_for(1, Duration::from_secs(5)).await;
        assert_eq!(hits.len(), 1, "a receiver got {} deliveries", hits.len());
        let event = check_delivery(&hits[0], &paid);
        let (t, _) = parse_signature_header(hits[0].header("paysg-signature"));
        assert_eq!(t.len(), 13, "t {t} must be in milliseconds by default");
        let t: i64 = t.parse().unwrap();
        assert!(
            (before - 5_000..=now_ms() + 5_000).contains(&t),
            "t {t} is not now"
        );
        event_ids.push(event["id"].clone());
    }
    assert_eq!(
        event_ids[0], event_ids[1],
        "one event, sent to both endpoints"
    );

    api.refund(id, 100).await.expect(200);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(one.hits().len(), 1, "a second delivery arrived");
    assert_eq!(two.hits().len(), 1, "a second delivery arrived");

    let log = api.sim_json("/sim/webhooks.json").await;
    for receiver in [&one, &two] {
        assert_eq!(attempt_statuses(&log, &receiver.url), vec![Some(200)]);
    }
    let page = send(api.sim(Method::GET, "/sim/webhooks")).await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains(&one.url) || page.text.contains("/hooks/paysg"));
}

#[tokio::test]
async fn failed_deliveries_are_retried() {
    let flaky = Receiver::start(&[500, 500]).await;
    let sim = Sim::start(&[
        "--webhook-url",
        &flaky.url,
        "--webhook-secret",
        SECRET,
        "--webhook-backoff-ms",
        "100",
    ]);
    let api = sim.api();
    let payment = api.create_ok(&minimal("retry", 999)).await;
    let id = payment["id"].as_str().unwrap();
    api.pay_ok(id).await;
    let paid = api.get_ok(id).await;

    let hits = flaky.wait_for(3, Duration::from_secs(5)).await;
    assert_eq!(hits.len(), 3, "500, 500, then 200: three attempts");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(flaky.hits().len(), 3, "attempts went on after a 200");
    let events: HashSet<String> = hits
        .iter()
        .map(|h| check_delivery(h, &paid)["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(events.len(), 1, "retries must carry the same event id");
    // The first retry waits --webhook-backoff-ms, the next one twice that.
    let gaps = [hits[1].at - hits[0].at, hits[2].at - hits[1].at];
    assert!(
        gaps[0] >= Duration::from_millis(100) && gaps[1] >= Duration::from_millis(200),
        "backoff of 100 ms doubling: gaps were {gaps:?}"
    );

    let statuses = wait_for_attempts(&api, &flaky.url, 3).await;
    assert_eq!(statuses, vec![Some(500), Some(500), Some(200)]);
    assert_eq!(api.state().await["webhooks_pending"], json!(0));
}

#[tokio::test]
async fn webhook_max_attempts_caps_the_retries() {
    let down = Receiver::start(&[500; 10]).await;
    // A port nobody listens on.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/hooks", listener.local_addr().unwrap())
    };
    let sim = Sim::start(&[
        "--webhook-url",
        &down.url,
        "--webhook-url",
        &closed,
        "--webhook-secret",
        SECRET,
        "--webhook-backoff-ms",
        "10",
        "--webhook-max-attempts",
        "2",
    ]);
    let api = sim.api();
    let payment = api.create_ok(&minimal("cap", 100)).await;
    api.pay_ok(payment["id"].as_str().unwrap()).await;
    down.wait_for(2, Duration::from_secs(5)).await;
    wait_for_attempts(&api, &closed, 2).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(down.hits().len(), 2, "--webhook-max-attempts 2");
    let log = api.sim_json("/sim/webhooks.json").await;
    assert_eq!(
        attempt_statuses(&log, &down.url),
        vec![Some(500), Some(500)]
    );
    assert_eq!(
        attempt_statuses(&log, &closed),
        vec![None, None],
        "an unreachable endpoint is retried too"
    );
    assert_eq!(api.state().await["webhooks_pending"], json!(0));
}

#[tokio::test]
async fn signature_time_unit_seconds_or_milliseconds() {
    for (unit, digits) in [("s", 10), ("ms", 13)] {
        let receiver = Receiver::start(&[]).await;
        let sim = Sim::start(&[
            "--webhook-url",
            &receiver.url,
            "--webhook-secret",
            SECRET,
            "--signature-time-unit",
            unit,
        ]);
        let api = sim.api();
        let payment = api.create_ok(&minimal("unit", 100)).await;
        let id = payment["id"].as_str().unwrap();
        api.pay_ok(id).await;
        let hits = receiver.wait_for(1, Duration::from_secs(5)).await;
        assert_eq!(hits.len(), 1);
        let (t, v1) = parse_signature_header(hits[0].header("paysg-signature"));
        assert_eq!(t.len(), digits, "--signature-time-unit {unit}: t = {t}");
        assert!(t.bytes().all(|b| b.is_ascii_digit()));
        assert_eq!(v1, signature(SECRET, &t, &hits[0].body));
    }
}

/// Waits until `/sim/webhooks.json` lists `n` attempts to `url`, and returns them.
async fn wait_for_attempts(api: &Api, url: &str, n: usize) -> Vec<Option<u64>> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let log = api.sim_json("/sim/webhooks.json").await;
        let statuses = attempt_statuses(&log, url);
        if statuses.len() >= n || Instant::now() >= deadline {
            return statuses;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
