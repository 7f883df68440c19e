//! Section 6, idempotency.

use crate::common::*;
use reqwest::Method;
use serde_json::json;
use std::time::{Duration, Instant};

#[tokio::test]
async fn idempotent_create_replays_exactly() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let body = minimal("idem", 1500);
    let first = api.create_with_key(&body, "key-1").await;
    first.expect(201);
    assert_ne!(first.header("idempotent-replayed"), Some("true"));
    let second = api.create_with_key(&body, "key-1").await;
    assert_eq!(second.status, 201);
    assert_eq!(second.text, first.text, "a replay must be byte-identical");
    assert_eq!(second.header("idempotent-replayed"), Some("true"));

    assert_eq!(
        api.all_ids().await,
        vec![first.json["id"].as_str().unwrap()]
    );
    assert_eq!(payment_count(&api.state().await), 1);

    // The same key with another body.
    let reused = api
        .create_with_key(&with(&body, "amount_in_cents", json!(1501)), "key-1")
        .await;
    assert_error(&reused, 400, "idempotency_key_reused");
    // Another key creates another payment.
    api.create_with_key(&body, "key-2").await.expect(201);
    // Keys are scoped to the API key.
    let elsewhere = api
        .with_key(Some("paysg_stag_other_caller"))
        .create_with_key(&body, "key-1")
        .await;
    elsewhere.expect(201);
    assert_ne!(elsewhere.json["id"], first.json["id"]);
    assert_eq!(payment_count(&api.state().await), 3);
}

#[tokio::test]
async fn idempotency_key_length_limit() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let long = "k".repeat(256);
    assert_error(
        &api.create_with_key(&minimal("long", 100), &long).await,
        400,
        "invalid_idempotency_key",
    );
    assert!(api.all_ids().await.is_empty());
    let fits = "k".repeat(255);
    let created = api.create_with_key(&minimal("long", 100), &fits).await;
    created.expect(201);
    let again = api.create_with_key(&minimal("long", 100), &fits).await;
    assert_eq!(again.text, created.text);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(api.all_ids().await.len(), 1);
}

#[tokio::test]
async fn a_validation_failure_stores_no_key() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let bad = minimal("fix-me", 0);
    assert_error(
        &api.create_with_key(&bad, "retry-me").await,
        400,
        "validation_failed",
    );
    let fixed = api
        .create_with_key(&with(&bad, "amount_in_cents", json!(100)), "retry-me")
        .await;
    fixed.expect(201);
    assert_ne!(fixed.header("idempotent-replayed"), Some("true"));
    assert_eq!(api.all_ids().await.len(), 1);
}

#[tokio::test]
async fn concurrent_requests_with_one_key_conflict() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let body = minimal("slow", 700);
    let slow = {
        let api = api.clone();
        let body = body.clone();
        tokio::spawn(async move {
            let started = Instant::now();
            let reply = send(
                api.v1(Method::POST, "")
                    .header("Idempotency-Key", "shared")
                    .header("x-paysg-sim-delay-ms", "1000")
                    .json(&body),
            )
            .await;
            (reply, started.elapsed())
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let clash = api.create_with_key(&body, "shared").await;
    assert_error(&clash, 409, "idempotency_key_in_use");

    let (first, took) = slow.await.unwrap();
    first.expect(201);
    assert!(
        took >= Duration::from_millis(1000),
        "x-paysg-sim-delay-ms: 1000 took only {took:?}"
    );
    // The conflict stored nothing: the key now replays the first answer.
    let replay = api.create_with_key(&body, "shared").await;
    assert_eq!(replay.text, first.text);
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));
    assert_eq!(api.all_ids().await.len(), 1);
}

#[tokio::test]
async fn idempotency_and_faults() {
    let sim = Sim::start(&["--stall-ms", "200"]);
    let api = sim.api();
    let body = minimal("faulted", 100);
    // A 500 fault fails before executing: nothing is stored under the key.
    let failed = send(
        api.v1(Method::POST, "")
            .header("Idempotency-Key", "after-500")
            .header("x-paysg-sim-fault", "500")
            .json(&body),
    )
    .await;
    assert_error(&failed, 500, "simulated_fault");
    let retried = api.create_with_key(&body, "after-500").await;
    retried.expect(201);
    assert_ne!(retried.header("idempotent-replayed"), Some("true"));

    // A stall executes: the stored answer is replayed.
    let stalled = send(
        api.v1(Method::POST, "")
            .header("Idempotency-Key", "after-stall")
            .header("x-paysg-sim-fault", "stall")
            .json(&body),
    )
    .await;
    stalled.expect(201);
    let replay = api.create_with_key(&body, "after-stall").await;
    assert_eq!(replay.text, stalled.text);
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));
    assert_eq!(api.all_ids().await.len(), 2);
}

#[tokio::test]
async fn idempotent_refunds_refund_once() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let payment = api.create_ok(&minimal("refund-once", 1000)).await;
    let id = payment["id"].as_str().unwrap();

    // A failure is stored and replayed too, even after the state changed.
    let early = api.refund_with_key(id, 300, "refund-early").await;
    assert_error(&early, 402, "payment_not_paid");
    api.pay_ok(id).await;
    let replayed = api.refund_with_key(id, 300, "refund-early").await;
    assert_eq!(replayed.status, 402);
    assert_eq!(replayed.text, early.text);
    assert_eq!(replayed.header("idempotent-replayed"), Some("true"));

    let first = api.refund_with_key(id, 300, "refund-1").await;
    first.expect(200);
    let second = api.refund_with_key(id, 300, "refund-1").await;
    assert_eq!(second.status, 200);
    assert_eq!(second.text, first.text);
    assert_eq!(second.header("idempotent-replayed"), Some("true"));
    assert_error(
        &api.refund_with_key(id, 400, "refund-1").await,
        400,
        "idempotency_key_reused",
    );
    // Only 300 was refunded: 700 remain.
    assert_error(&api.refund(id, 701).await, 402, "refund_exceeds_remaining");
    let full = api.refund(id, 700).await.expect(200).clone();
    assert_eq!(full["refund_status"], "fully_refunded");

    // Keys are scoped to the endpoint: a create key does not clash with a refund key.
    api.create_with_key(&minimal("scoped", 100), "refund-1")
        .await
        .expect(201);
}

#[tokio::test]
async fn a_dropped_create_replays_the_stored_answer() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let body = minimal("dropped", 900);
    let lost = try_send(
        api.v1(Method::POST, "")
            .header("Idempotency-Key", "after-drop")
            .header("x-paysg-sim-fault", "drop")
            .timeout(Duration::from_secs(5))
            .json(&body),
    )
    .await;
    assert!(lost.is_err(), "a drop fault answered: {lost:?}");
    let stored = api.all_ids().await;
    assert_eq!(stored.len(), 1, "the dropped create was applied");

    let replay = api.create_with_key(&body, "after-drop").await;
    assert_eq!(replay.status, 201, "{}", replay.text);
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));
    assert_eq!(replay.json["id"], json!(stored[0]));
    assert_eq!(api.all_ids().await.len(), 1);
}
