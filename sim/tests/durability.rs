//! Acknowledged means durable, and no key is stranded: black-box tests of `paysg-sim --data`
//! under kill -9 and SIGTERM with keyed concurrent load, a full store, an unwritable or shared
//! data file, an old JSON state file, unreadable keys, and idle connections. Each is bounded in
//! time (a few seconds).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

#[allow(dead_code)] // shared with tests/behaviour, which uses all of it
mod common;

use common::*;
use reqwest::Method;
use serde_json::json;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A keyed create that may get no answer (the process is killed under it).
async fn try_create(api: &Api, reference: &str, key: &str) -> Option<Reply> {
    try_send(
        api.v1(Method::POST, "")
            .header("Idempotency-Key", key)
            .json(&minimal(reference, 1100)),
    )
    .await
    .ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_under_keyed_load_keeps_every_acknowledged_write_and_every_key_replays() {
    let data = DataFile::new("kill9");
    // key → the payment id acknowledged for it (None: sent, no answer)
    let sent: Arc<Mutex<HashMap<String, Option<String>>>> = Arc::default();
    for round in 0..4 {
        let mut sim = Sim::start(&["--data", data.arg()]);
        let api = sim.api();
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut clients = Vec::new();
        for c in 0..16 {
            let (api, sent, stop) = (api.fresh(), sent.clone(), stop.clone());
            clients.push(tokio::spawn(async move {
                let mut i = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let key = format!("r{round}-c{c}-{i}");
                    sent.lock().unwrap().insert(key.clone(), None);
                    match try_create(&api, &key, &key).await {
                        Some(r) if r.status == 201 => {
                            let id = r.json["id"].as_str().unwrap().to_owned();
                            sent.lock().unwrap().insert(key, Some(id));
                        }
                        Some(r) => panic!("{key}: {} {}", r.status, r.text),
                        None => break, // killed under it
                    }
                    i += 1;
                }
            }));
        }
        tokio::time::sleep(Duration::from_millis(400 + round * 150)).await;
        sim.signal("KILL", Duration::from_secs(5));
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for c in clients {
            c.await.unwrap();
        }
    }
    let sent = sent.lock().unwrap().clone();
    let acknowledged = sent.values().filter(|v| v.is_some()).count();
    assert!(
        acknowledged > 50,
        "only {acknowledged} creates were acknowledged"
    );
    assert!(
        sent.len() > acknowledged,
        "no request was cut off by a kill"
    );
    eprintln!(
        "kill -9 ×4 under 16 keyed clients: {acknowledged} creates acknowledged, {} cut off",
        sent.len() - acknowledged
    );

    let sim = Sim::start(&["--data", data.arg()]);
    let api = sim.api();
    for (key, id) in &sent {
        let r = try_create(&api, key, key).await.expect("an answer");
        assert_eq!(
            r.status, 201,
            "{key} after restart: {} {}",
            r.status, r.text
        );
        if let Some(id) = id {
            assert_eq!(
                r.json["id"].as_str(),
                Some(id.as_str()),
                "{key} replays its payment"
            );
            assert_eq!(r.header("idempotent-replayed"), Some("true"), "{key}");
        }
    }
    // Every key made exactly one payment, acknowledged or not.
    let state = api.state().await;
    let by_reference = state["payments_by_reference"].as_object().unwrap();
    assert_eq!(by_reference.len(), sent.len());
    assert!(
        by_reference.values().all(|n| n == 1),
        "a key made two payments"
    );
}

#[tokio::test]
async fn sigterm_during_a_keyed_request_strands_no_key() {
    let data = DataFile::new("sigterm");
    // Killed while the request waits to execute: nothing is stored, and the key runs after.
    let mut sim = Sim::start(&["--data", data.arg()]);
    let slow = sim.api().with_header("x-paysg-sim-delay-ms", "3000");
    let pending = tokio::spawn(async move { try_create(&slow, "term-1", "term-key-1").await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let status = sim.signal("TERM", Duration::from_secs(5));
    assert!(status.success(), "SIGTERM exit status {status}");
    assert!(pending.await.unwrap().is_none_or(|r| r.status != 201));
    // Killed while the answer is held (a stall fault after executing): stored, and replayed.
    let mut sim = Sim::start(&["--data", data.arg(), "--stall-ms", "5000"]);
    let stalled = sim.api().with_header("x-paysg-sim-fault", "stall");
    let pending = tokio::spawn(async move { try_create(&stalled, "term-2", "term-key-2").await });
    tokio::time::sleep(Duration::from_millis(500)).await;
    sim.signal("TERM", Duration::from_secs(5));
    assert!(pending.await.unwrap().is_none(), "a stalled answer arrived");

    let sim = Sim::start(&["--data", data.arg()]);
    let api = sim.api();
    let first = try_create(&api, "term-1", "term-key-1").await.unwrap();
    assert_eq!(
        first.status, 201,
        "never 409 after a restart: {}",
        first.text
    );
    assert_eq!(first.header("idempotent-replayed"), None, "it ran now");
    let second = try_create(&api, "term-2", "term-key-2").await.unwrap();
    assert_eq!(second.status, 201, "{}", second.text);
    assert_eq!(
        second.header("idempotent-replayed"),
        Some("true"),
        "it ran before the kill"
    );
    let state = api.state().await;
    assert_eq!(
        state["payments_by_reference"],
        json!({ "term-1": 1, "term-2": 1 })
    );
}

#[tokio::test]
async fn a_full_store_answers_503_applies_nothing_and_keeps_reading() {
    let data = DataFile::new("full");
    let sim = Sim::start(&["--data", data.arg(), "--data-max-bytes", "131072"]);
    let api = sim.api();
    let (mut created, mut failed) = (Vec::new(), None);
    for i in 0..2000 {
        let key = format!("full-{i}");
        let r = try_create(&api, &format!("full-{i}"), &key).await.unwrap();
        match r.status {
            201 => created.push(r.json["id"].as_str().unwrap().to_owned()),
            503 => {
                assert_eq!(r.json["error"]["code"], "storage_unavailable", "{}", r.text);
                assert_eq!(r.header("retry-after"), Some("1"));
                failed = Some(key);
                break;
            }
            s => panic!("{s} {}", r.text),
        }
    }
    let failed = failed.expect("the store never filled up");
    assert!(created.len() > 5, "only {} creates fit", created.len());
    let deadline = Instant::now() + Duration::from_secs(3);
    while !sim.stderr().contains("cannot store a change") && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        sim.stderr().contains("cannot store a change"),
        "not reported: {}",
        sim.stderr()
    );
    // Reads keep working; the failed request left nothing, not even its key.
    assert_eq!(api.all_ids().await.len(), created.len());
    api.get(&created[0]).await.expect(200);
    let again = try_create(&api, &failed, &failed).await.unwrap();
    assert_eq!(
        again.status, 503,
        "the failed key is not stored: {}",
        again.text
    );
    drop(sim);
    // With room again, the same key runs once.
    let sim = Sim::start(&["--data", data.arg()]);
    let api = sim.api();
    let r = try_create(&api, &failed, &failed).await.unwrap();
    assert_eq!(
        (r.status, r.header("idempotent-replayed")),
        (201, None),
        "{}",
        r.text
    );
    assert_eq!(api.all_ids().await.len(), created.len() + 1);
}

#[test]
fn an_unwritable_or_shared_data_file_stops_it_at_start_with_one_line() {
    for path in ["/proc/paysg-sim-test.db", "/nonexistent-dir/paysg-sim.db"] {
        match Sim::launch(&["--data", path]) {
            Launch::Running(_) => panic!("started with --data {path}"),
            Launch::Exited { status, stderr, .. } => {
                assert!(!status.success());
                assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
                assert!(stderr.contains(path), "{stderr}");
            }
        }
    }
    let data = DataFile::new("shared");
    let _first = Sim::start(&["--data", data.arg()]);
    match Sim::launch(&["--data", data.arg()]) {
        Launch::Running(_) => panic!("a second simulator started on the same data file"),
        Launch::Exited { stderr, .. } => {
            assert!(stderr.contains("in use by another paysg-sim"), "{stderr}");
        }
    }
}

#[tokio::test]
async fn an_old_json_state_file_is_migrated_without_its_stranded_keys() {
    let data = DataFile::new("legacy");
    // Made with an older paysg-sim: a payment, a finished key and one left "in progress".
    let old = Sim::start(&[]);
    let api = old.api();
    let payment = api.create_ok(&minimal("legacy-1", 1100)).await;
    let keyed = api
        .create_with_key(&minimal("legacy-2", 1200), "done-key")
        .await;
    let record = |status: u16, body: &str| json!({ "Done": { "status": status, "body": body } });
    let scope = |key: &str| format!("{} create {SERVICE} {key}", sha256_hex(KEY));
    let legacy = json!({
        "payments": [],
        "idempotency": {
            scope("done-key"): { "fingerprint": sha256_hex(&minimal("legacy-2", 1200).to_string()), "created_ms": now_ms(), "state": record(201, &keyed.text) },
            scope("stuck-key"): { "fingerprint": "x", "created_ms": now_ms(), "state": "InProgress" },
        },
        "emails": [], "webhook_attempts": [], "faults": { "503": 2 },
    });
    let mut legacy = legacy;
    legacy["payments"] = json!([{ "payment": payment, "created_ms": now_ms(), "refunds": [] }]);
    std::fs::write(&data.0, legacy.to_string()).unwrap();
    drop(old);

    let sim = Sim::start_logging(&["--data", data.arg()]);
    let api = sim.api();
    let deadline = Instant::now() + Duration::from_secs(3);
    while !sim.stderr().contains("migrated 1 payments") && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        sim.stderr().contains("migrated 1 payments"),
        "{}",
        sim.stderr()
    );
    assert!(std::path::Path::new(&format!("{}.v1.json", data.arg())).exists());
    api.get(payment["id"].as_str().unwrap()).await.expect(200);
    let replay = api
        .create_with_key(&minimal("legacy-2", 1200), "done-key")
        .await;
    assert_eq!(
        replay.header("idempotent-replayed"),
        Some("true"),
        "{}",
        replay.text
    );
    let stuck = api
        .create_with_key(&minimal("legacy-3", 1300), "stuck-key")
        .await;
    assert_eq!(
        stuck.status, 201,
        "a key left in progress is not stranded: {}",
        stuck.text
    );
    assert_eq!(api.state().await["faults"]["503"], 2);
}

#[tokio::test]
async fn an_idempotency_key_that_is_not_visible_ascii_or_too_long_is_refused() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let bad: Vec<Vec<u8>> = vec![
        "caf\u{e9}".as_bytes().to_vec(),
        b"caf\xe9".to_vec(),
        b"with space".to_vec(),
        b"tab\there".to_vec(),
        vec![b'k'; 256],
    ];
    for key in bad {
        let value = reqwest::header::HeaderValue::from_bytes(&key).unwrap();
        for _ in 0..2 {
            let r = send(
                api.v1(Method::POST, "")
                    .header("Idempotency-Key", value.clone())
                    .json(&minimal("bad-key", 100)),
            )
            .await;
            assert_eq!(
                (r.status, r.code()),
                (400, "invalid_idempotency_key"),
                "{key:?}"
            );
        }
    }
    assert_eq!(api.all_ids().await.len(), 0, "a refused key made a payment");
    let longest = "k".repeat(255);
    api.create_with_key(&minimal("ok-key", 100), &longest)
        .await
        .expect(201);
}

#[test]
fn idle_connections_do_not_lock_out_a_new_client() {
    // 300 idle connections against a 256-descriptor limit: idle ones are closed after the
    // header timeout, so a new client gets in within seconds.
    let mut child = std::process::Command::new("sh")
        .args([
            "-c",
            &format!("ulimit -n 256 && exec {BIN} --port 0 --quiet"),
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let addr = line
        .trim()
        .trim_start_matches("listening on http://")
        .to_owned();
    let idle: Vec<_> = (0..300)
        .filter_map(|_| std::net::TcpStream::connect(&addr).ok())
        .collect();
    let started = Instant::now();
    let answered = (|| {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(&addr).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(15))).ok()?;
        s.write_all(b"GET /sim/state HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
            .ok()?;
        let mut out = String::new();
        s.read_to_string(&mut out).ok()?;
        Some(out)
    })();
    let waited = started.elapsed();
    eprintln!(
        "{} idle connections; the new client waited {waited:?}",
        idle.len()
    );
    drop(idle);
    let _ = child.kill();
    let _ = child.wait();
    let answered = answered.expect("the new client got no answer");
    assert!(answered.starts_with("HTTP/1.1 200"), "{answered}");
    assert!(
        waited < Duration::from_secs(10),
        "the new client waited {waited:?}"
    );
}

fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(text.as_bytes()))
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}
