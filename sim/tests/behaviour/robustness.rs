//! Robustness: concurrent clients, garbage input, retries under faults, the return-URL map.

use crate::common::*;
use reqwest::Method;
use serde_json::json;
use std::collections::HashSet;
use std::time::Duration;

#[tokio::test]
async fn concurrent_clients_get_distinct_payments() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let mut tasks = Vec::new();
    for i in 0..64 {
        let api = api.fresh();
        tasks.push(tokio::spawn(async move {
            let created = api.create_ok(&minimal(&format!("conc-{i}"), 100 + i)).await;
            // a read on the same connection while others write
            let again = api.get_ok(created["id"].as_str().unwrap()).await;
            assert_eq!(again, created);
            created["id"].as_str().unwrap().to_owned()
        }));
    }
    let mut ids = HashSet::new();
    for t in tasks {
        assert!(
            ids.insert(t.await.unwrap()),
            "a payment id was handed out twice"
        );
    }
    assert_eq!(ids.len(), 64);
    assert_eq!(api.state().await["payments"], 64);
    assert_eq!(api.all_ids().await.len(), 64);
}

#[tokio::test]
async fn garbage_requests_never_crash_it() {
    use rand::{Rng, SeedableRng};
    let sim = Sim::start(&[]);
    let api = sim.api();
    let mut rng = rand::rngs::StdRng::seed_from_u64(20261122);
    let methods = [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
    ];
    let suffixes = [
        "",
        "/x",
        "/x/cancel",
        "/x/refund",
        "/x/send-email",
        "/%ZZ",
        "/%C3%28",
        "/../..",
        "?limit=%00&after=%FF",
    ];
    let bodies: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"null".to_vec(),
        b"[]".to_vec(),
        b"{\"reference_id\":".to_vec(),
        "[".repeat(100_000).into_bytes(),
        b"{\"amount_in_cents\":1e400}".to_vec(),
        b"{\"metadata\":{\"a\":{\"b\":[1,2,{\"c\":null}]}}}".to_vec(),
        "{\"reference_id\":\"\u{0}\u{ffff}😀\"}".as_bytes().to_vec(),
        vec![0xff, 0xfe, 0x00, 0x80],
    ];
    let content_types = [
        "application/json",
        "text/plain",
        "application/json; charset=latin1",
        "",
        "application/problem+json",
    ];
    for i in 0..300 {
        let method = methods[rng.random_range(0..methods.len())].clone();
        let suffix = suffixes[rng.random_range(0..suffixes.len())];
        let mut body = bodies[rng.random_range(0..bodies.len())].clone();
        if rng.random_bool(0.3) {
            body = (0..rng.random_range(0..200))
                .map(|_| rng.random())
                .collect();
        }
        let mut rb = api.v1(method, suffix).body(body);
        let ct = content_types[rng.random_range(0..content_types.len())];
        if !ct.is_empty() {
            rb = rb.header("content-type", ct);
        }
        if rng.random_bool(0.3) {
            rb = rb.header("idempotency-key", "k".repeat(rng.random_range(0..300)));
        }
        if rng.random_bool(0.1) {
            rb = rb.header("x-paysg-sim-fault", "bogus;rate=x");
        }
        let reply = send(rb).await;
        assert!(
            (200..500).contains(&reply.status),
            "request {i}: a server error {} for garbage: {}",
            reply.status,
            reply.text
        );
        if reply.status >= 400 && reply.status != 405 {
            assert_error_body(&reply);
        }
    }
    // still healthy
    api.create_ok(&minimal("after-garbage", 100)).await;
}

#[tokio::test]
async fn retries_with_one_idempotency_key_create_exactly_once_under_faults() {
    let sim = Sim::start(&[
        "--fault",
        "500,503,429,drop,stall",
        "--fault-rate",
        "0.3",
        "--retry-after",
        "0",
        "--stall-ms",
        "400",
    ]);
    let api = sim.api();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let (mut faults_seen, mut logical) = (0, 0);
    for i in 0..60 {
        let key = format!("logical-{i}");
        let body = minimal(&format!("ref-{i}"), 100 + i);
        let mut done = false;
        for _attempt in 0..40 {
            let rb = client
                .post(api.payments_url(""))
                .header("x-api-key", KEY)
                .header("idempotency-key", &key)
                .json(&body);
            match try_send(rb).await {
                Ok(r) if r.status == 201 => {
                    done = true;
                    break;
                }
                Ok(r) => {
                    assert!(
                        matches!(r.status, 500 | 503 | 429 | 409),
                        "{}: {}",
                        r.status,
                        r.text
                    );
                    faults_seen += 1;
                }
                Err(_) => faults_seen += 1, // dropped or stalled past the client's deadline
            }
        }
        assert!(done, "logical create {i} never succeeded");
        logical += 1;
    }
    assert!(
        faults_seen > 10,
        "only {faults_seen} faults: the run did not exercise retries"
    );
    let state = api.state().await;
    assert_eq!(state["payments"], logical, "{state}");
    for i in 0..60 {
        assert_eq!(
            state["payments_by_reference"][format!("ref-{i}")],
            1,
            "{state}"
        );
    }
}

#[tokio::test]
async fn return_url_map_sends_payers_to_a_local_server() {
    let sim = Sim::start(&[
        "--return-url-map",
        "https://eservice.example=http://127.0.0.1:9999",
    ]);
    let api = sim.api();
    let p = api
        .create_ok(&with(
            &minimal("map", 100),
            "return_url",
            json!("https://eservice.example/back?x=1"),
        ))
        .await;
    let paid = api.pay_ok(p["id"].as_str().unwrap()).await;
    assert_eq!(
        paid["redirect_url"],
        format!(
            "http://127.0.0.1:9999/back?x=1&paysg_payment_id={}&paysg_payment_service_id={SERVICE}",
            p["id"].as_str().unwrap()
        )
    );
    let bad = Sim::launch(&["--return-url-map", "nothing"]);
    assert!(matches!(bad, Launch::Exited { .. }));
}
