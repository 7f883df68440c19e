//! Section 9, faults.

use crate::common::*;
use reqwest::Method;
use std::collections::HashSet;
use std::time::{Duration, Instant};

#[tokio::test]
async fn fault_503_with_retry_after_creates_nothing() {
    let sim = Sim::start(&["--fault", "503", "--retry-after", "2"]);
    let api = sim.api();
    let reply = api.create(&minimal("unavailable", 100)).await;
    assert_error(&reply, 503, "simulated_unavailable");
    assert_eq!(reply.json["error"]["type"], "api_error");
    assert_eq!(reply.header("retry-after"), Some("2"));
    // With the fault turned off for one request, nothing is there.
    let clean = api.with_header("x-paysg-sim-fault", "none");
    assert!(
        clean.all_ids().await.is_empty(),
        "a 503 fault created a payment"
    );
    assert_eq!(payment_count(&api.state().await), 0);
    assert_eq!(fault_count(&api.state().await), 1);
    // Simulator pages are not faulted.
    send(api.sim(Method::GET, "/sim/emails.json"))
        .await
        .expect(200);
}

#[tokio::test]
async fn faults_by_header() {
    let sim = Sim::start(&["--retry-after", "0"]);
    let api = sim.api();

    let reply = send(
        api.v1(Method::POST, "")
            .header("x-paysg-sim-fault", "429")
            .json(&minimal("rate", 100)),
    )
    .await;
    assert_error(&reply, 429, "simulated_rate_limit");
    assert_eq!(reply.json["error"]["type"], "rate_limit_error");
    assert_eq!(reply.header("retry-after"), Some("0"));

    let reply = send(
        api.v1(Method::POST, "")
            .header("x-paysg-sim-fault", "500")
            .json(&minimal("boom", 100)),
    )
    .await;
    assert_error(&reply, 500, "simulated_fault");
    assert_eq!(reply.json["error"]["type"], "api_error");

    // A rate of 0 never faults; 1 always does.
    let reply = send(
        api.v1(Method::POST, "")
            .header("x-paysg-sim-fault", "500;rate=0")
            .json(&minimal("never", 100)),
    )
    .await;
    reply.expect(201);
    let reply = send(
        api.v1(Method::GET, "")
            .header("x-paysg-sim-fault", "503;rate=1"),
    )
    .await;
    assert_error(&reply, 503, "simulated_unavailable");
    assert_eq!(reply.header("retry-after"), Some("0"));

    assert_eq!(
        api.all_ids().await.len(),
        1,
        "only the unfaulted create stored a payment"
    );
    assert_eq!(fault_count(&api.state().await), 3);
}

#[tokio::test]
async fn retry_after_defaults_to_one_second() {
    let sim = Sim::start(&["--fault", "429"]);
    let reply = sim.api().list("").await;
    assert_error(&reply, 429, "simulated_rate_limit");
    assert_eq!(reply.header("retry-after"), Some("1"));
}

#[tokio::test]
async fn stall_holds_the_answer_after_applying_it() {
    let sim = Sim::start(&["--stall-ms", "3000"]);
    let api = sim.api();
    let stalled = try_send(
        api.v1(Method::POST, "")
            .header("x-paysg-sim-fault", "stall")
            .timeout(Duration::from_millis(500))
            .json(&minimal("stalled", 100)),
    )
    .await;
    match stalled {
        Err(e) => assert!(e.is_timeout(), "expected a client timeout, got {e:?}"),
        Ok(reply) => panic!("a 3 s stall answered within 500 ms: {}", reply.status),
    }
    let ids = api.all_ids().await;
    assert_eq!(ids.len(), 1, "the stalled create was not applied");
    assert_eq!(api.get_ok(&ids[0]).await["reference_id"], "stalled");

    // A short stall ends with the normal answer.
    let sim = Sim::start(&["--stall-ms", "300", "--fault", "stall"]);
    let started = Instant::now();
    let reply = sim.api().create(&minimal("short", 100)).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "a 300 ms stall took {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn drop_closes_the_connection_after_applying_it() {
    let sim = Sim::start(&["--fault", "drop"]);
    let api = sim.api();
    let dropped = try_send(
        api.v1(Method::POST, "")
            .timeout(Duration::from_secs(5))
            .json(&minimal("dropped", 100)),
    )
    .await;
    match dropped {
        Err(e) => assert!(
            !e.is_timeout(),
            "drop must close the connection, not hang: {e:?}"
        ),
        Ok(reply) => panic!("a drop fault answered {}", reply.status),
    }
    let clean = api.with_header("x-paysg-sim-fault", "none");
    let ids = clean.all_ids().await;
    assert_eq!(ids.len(), 1, "the dropped create was not applied");
    assert_eq!(clean.get_ok(&ids[0]).await["reference_id"], "dropped");
}

#[tokio::test]
async fn header_none_overrides_the_fault_flag() {
    let sim = Sim::start(&["--fault", "500"]);
    let api = sim.api();
    assert_error(
        &api.create(&minimal("faulted", 100)).await,
        500,
        "simulated_fault",
    );
    let clean = api.with_header("x-paysg-sim-fault", "none");
    clean.create_ok(&minimal("clean", 100)).await;
    assert_eq!(clean.all_ids().await.len(), 1);
    // A header with other kinds replaces the flag's kinds.
    let reply = send(api.v1(Method::GET, "").header("x-paysg-sim-fault", "429")).await;
    assert_error(&reply, 429, "simulated_rate_limit");
}

#[tokio::test]
async fn several_fault_kinds_are_mixed() {
    let sim = Sim::start(&["--fault", "500,503", "--retry-after", "0"]);
    let api = sim.api();
    let mut seen = HashSet::new();
    for _ in 0..30 {
        let reply = api.list("").await;
        match reply.status {
            500 => assert_eq!(reply.code(), "simulated_fault"),
            503 => assert_eq!(reply.code(), "simulated_unavailable"),
            other => panic!("--fault 500,503 gave {other}: {}", reply.text),
        }
        seen.insert(reply.status);
    }
    assert_eq!(
        seen.len(),
        2,
        "only {seen:?} in 30 requests with --fault 500,503"
    );
    assert_eq!(fault_count(&api.state().await), 30);
}

#[tokio::test]
async fn fault_rate_applies_to_a_fraction() {
    let sim = Sim::start(&["--fault", "500", "--fault-rate", "0.3"]);
    let api = sim.api();
    let mut faults = 0;
    let mut created = 0;
    for i in 0..200 {
        let reply = api.create(&minimal(&format!("rate-{i}"), 100)).await;
        match reply.status {
            201 => created += 1,
            500 => {
                assert_eq!(reply.code(), "simulated_fault");
                faults += 1;
            }
            other => panic!("unexpected {other}: {}", reply.text),
        }
    }
    assert!(
        (30..=90).contains(&faults),
        "--fault-rate 0.3 gave {faults} faults in 200 requests"
    );
    let state = api.state().await;
    assert_eq!(payment_count(&state), created, "{state}");
    assert_eq!(fault_count(&state), faults, "{state}");
}
