//! No webhook lost across a restart: deliveries pending at a kill -9 resume when the
//! simulator starts again, each attempt number once; an older data file gets the deliveries
//! table. Black-box tests of `paysg-sim --data`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

#[allow(dead_code)] // shared with tests/behaviour, which uses all of it
mod common;

use common::*;
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A webhook endpoint at `127.0.0.1:<port>/hooks` answering 200, with the event ids it got.
async fn receive_on(port: u16) -> Arc<Mutex<Vec<String>>> {
    let got: Arc<Mutex<Vec<String>>> = Arc::default();
    let inbox = got.clone();
    let hook = move |body: axum::body::Bytes| {
        let inbox = inbox.clone();
        async move {
            let event: serde_json::Value = serde_json::from_slice(&body).unwrap();
            inbox
                .lock()
                .unwrap()
                .push(event["id"].as_str().unwrap().to_owned());
            axum::http::StatusCode::OK
        }
    };
    let app = axum::Router::new().route("/hooks", axum::routing::post(hook));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    got
}

/// `(event id, attempt)` of every attempt the simulator stored.
async fn attempts_made(api: &Api) -> Vec<(String, u64, bool)> {
    let log = api.sim_json("/sim/webhooks.json").await;
    log["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let id = a["event_id"].as_str().unwrap().to_owned();
            (id, a["attempt"].as_u64().unwrap(), a["delivered"] == true)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_with_deliveries_pending_resumes_them_after_restart() {
    let data = DataFile::new("outbox");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port(); // free, and nothing listens there until the receiver starts
    let url = format!("http://127.0.0.1:{port}/hooks");
    let args = [
        "--data",
        data.arg(),
        "--webhook-url",
        &url,
        "--webhook-secret",
        "s3cret",
        "--webhook-backoff-ms",
        "200",
        "--webhook-max-attempts",
        "8",
    ];
    let mut sim = Sim::start(&args);
    let api = sim.api();
    let mut events = 0;
    for i in 0..6 {
        let p = api.create_ok(&minimal(&format!("outbox-{i}"), 100)).await;
        api.pay_ok(p["id"].as_str().unwrap()).await;
        events += 1;
    }
    // Let some attempts fail (the receiver is down), then kill it with deliveries pending.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = attempts_made(&api).await;
    assert!(
        !before.is_empty() && before.iter().all(|a| !a.2),
        "{before:?}"
    );
    assert_eq!(api.state().await["webhooks_pending"], json!(events));
    sim.signal("KILL", Duration::from_secs(5));

    let got = receive_on(port).await;
    let sim = Sim::start(&args);
    let api = sim.api();
    let deadline = Instant::now() + Duration::from_secs(15);
    while got.lock().unwrap().len() < events && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Each event arrives once, and each attempt number was made once per event.
    let mut ids = got.lock().unwrap().clone();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), events, "{:?}", got.lock().unwrap());
    assert_eq!(got.lock().unwrap().len(), events);
    let after = attempts_made(&api).await;
    for id in &ids {
        let numbers: Vec<u64> = after.iter().filter(|a| &a.0 == id).map(|a| a.1).collect();
        let expected: Vec<u64> = (1..=numbers.len() as u64).collect();
        assert_eq!(numbers, expected, "{id}: attempts {after:?}");
        assert!(after.iter().any(|a| &a.0 == id && a.2), "{id} delivered");
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while api.state().await["webhooks_pending"] != json!(0) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(api.state().await["webhooks_pending"], json!(0));
    eprintln!(
        "outbox: {events} events, {} attempts before the kill, {} in all",
        before.len(),
        after.len()
    );
}

#[tokio::test]
async fn a_format_2_data_file_is_opened_and_gets_the_deliveries_table() {
    let data = DataFile::new("format2");
    let sim = Sim::start(&["--data", data.arg()]);
    sim.api().create_ok(&minimal("format-2", 100)).await;
    drop(sim);
    {
        let db = rusqlite::Connection::open(data.arg()).unwrap();
        db.execute_batch(
            "DROP TABLE deliveries; UPDATE meta SET value = '2' WHERE key = 'format';",
        )
        .unwrap();
    }
    let receiver = Receiver::start(&[]).await;
    let sim = Sim::start(&[
        "--data",
        data.arg(),
        "--webhook-url",
        &receiver.url,
        "--webhook-secret",
        "s3cret",
    ]);
    let api = sim.api();
    let p = api.create_ok(&minimal("format-3", 100)).await;
    api.pay_ok(p["id"].as_str().unwrap()).await;
    assert_eq!(receiver.wait_for(1, Duration::from_secs(5)).await.len(), 1);
    assert_eq!(api.state().await["payments"], json!(2));
    drop(sim);
    let db = rusqlite::Connection::open(data.arg()).unwrap();
    let format: String = db
        .query_row("SELECT value FROM meta WHERE key = 'format'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(format, "3");
}
