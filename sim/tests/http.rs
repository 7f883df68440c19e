//! Black-box tests of `paysg-sim`: each test starts the real binary on a free port and talks HTTP
//! to it, checking the simulator's documented behaviour (docs/paysg-sim.md) and PaySG's
//! (shared/paysg-api.md).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use common::*;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::time::{Duration, Instant};

// =============================================================================================
// 1. Command line and process
// =============================================================================================

/// The flags a text names: every `--name` token (`--help` and `--version` aside).
fn flags_in(text: &str) -> std::collections::BTreeSet<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|w| w.starts_with("--") && w.len() > 2 && w.as_bytes()[2].is_ascii_lowercase())
        .filter(|w| !["--help", "--version"].contains(w))
        .map(str::to_owned)
        .collect()
}

#[test]
fn help_and_the_docs_name_the_same_flags() {
    let out = std::process::Command::new(BIN)
        .arg("--help")
        .output()
        .expect("run paysg-sim --help");
    assert!(out.status.success(), "--help exited with {}", out.status);
    let help = String::from_utf8_lossy(&out.stdout);
    // The flags --help lists, each at the start of its entry.
    let listed = flags_in(
        &help
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("--").map(|f| format!("--{f}")))
            .map(|l| l.split_whitespace().next().unwrap_or("").to_owned())
            .collect::<Vec<_>>()
            .join(" "),
    );
    let docs =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/paysg-sim.md"))
            .unwrap();
    let table: String = docs
        .lines()
        .skip_while(|l| !l.starts_with("## Flags"))
        .take_while(|l| !l.starts_with("## What"))
        .filter(|l| l.starts_with("| `--"))
        .map(|l| l.split('|').nth(1).unwrap_or(""))
        .collect();
    assert!(listed.len() >= 17, "{listed:?}");
    assert_eq!(
        listed,
        flags_in(&table),
        "--help and the flags table of docs/paysg-sim.md"
    );
}

#[tokio::test]
async fn port_zero_picks_a_port_and_binds_only_loopback() {
    let sim = Sim::start(&[]);
    assert_eq!(sim.host, "127.0.0.1", "the default host");
    assert_ne!(sim.port, 0, "the printed port must be the real one");
    sim.api().list("").await.expect(200);
    // Bound to 127.0.0.1, not to every address: another loopback address is refused.
    let other = std::net::SocketAddr::from(([127, 0, 0, 2], sim.port));
    assert!(
        std::net::TcpStream::connect_timeout(&other, Duration::from_secs(1)).is_err(),
        "127.0.0.2:{} accepted a connection: the simulator is not bound to 127.0.0.1 only",
        sim.port
    );
    // Two simulators on port 0 get different ports.
    let second = Sim::start(&[]);
    assert_ne!(sim.port, second.port);
}

#[tokio::test]
async fn host_and_public_url_flags() {
    let sim = Sim::start(&["--host", "127.0.0.2"]);
    assert_eq!(sim.host, "127.0.0.2");
    let payment = sim.api().create_ok(&minimal("host", 100)).await;
    let id = payment["id"].as_str().unwrap();
    assert_eq!(
        payment["payment_url"],
        json!(format!("http://127.0.0.2:{}/payments/{id}", sim.port)),
        "payment_url defaults to http://<host>:<port>"
    );

    let sim = Sim::start(&["--public-url", "https://pay.sim.example"]);
    let payment = sim.api().create_ok(&minimal("public", 100)).await;
    let id = payment["id"].as_str().unwrap();
    assert_eq!(
        payment["payment_url"],
        json!(format!("https://pay.sim.example/payments/{id}"))
    );
    assert_eq!(
        payment["payment_qr_code_url"],
        json!(format!(
            "https://pay.sim.example/v1/public/payments/{id}-qr.png"
        ))
    );
}

#[tokio::test]
async fn requests_are_logged_on_stderr_unless_quiet() {
    let loud = Sim::start_logging(&[]);
    let quiet = Sim::start(&[]);
    for sim in [&loud, &quiet] {
        sim.api().create_ok(&minimal("logged", 100)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        loud.stderr().contains("/v1/payment-services/"),
        "no request log on stderr without --quiet:\n{}",
        loud.stderr()
    );
    assert!(
        !quiet.stderr().contains("/v1/payment-services/"),
        "--quiet still logs requests:\n{}",
        quiet.stderr()
    );
}

#[tokio::test]
async fn sigterm_and_sigint_stop_it_cleanly() {
    for signal in ["TERM", "INT"] {
        let mut sim = Sim::start(&[]);
        sim.api().create_ok(&minimal("before-stop", 100)).await;
        let started = Instant::now();
        let status = sim.signal(signal, Duration::from_secs(5));
        assert!(
            status.success(),
            "SIG{signal} must stop it with success, got {status}\nstderr:\n{}",
            sim.stderr()
        );
        assert!(started.elapsed() < Duration::from_secs(5));
        // It no longer answers.
        let gone = try_send(client().get(format!("{}/sim/state", sim.url))).await;
        assert!(gone.is_err(), "still answering after SIG{signal}");
    }
}

#[tokio::test]
async fn data_file_keeps_state_across_a_restart() {
    let path = scratch_file("restart");
    let data = path.to_str().unwrap();

    let mut sim = Sim::start(&["--data", data]);
    let api = sim.api();
    let kept = api.create_ok(&minimal("kept-1", 1000)).await;
    let paid = api.create_ok(&minimal("kept-2", 2000)).await;
    let paid_id = paid["id"].as_str().unwrap().to_owned();
    api.pay_ok(&paid_id).await;
    api.refund(&paid_id, 500).await.expect(200);
    // Each change is in the file (SQLite) before it is answered.
    let on_disk = std::fs::read(&path).expect("the data file exists after a change");
    assert!(
        on_disk.starts_with(b"SQLite format 3\0"),
        "the data file is SQLite"
    );
    let wal = std::fs::read(format!("{data}-wal")).unwrap_or_default();
    let id = kept["id"].as_str().unwrap().as_bytes();
    assert!(
        [&on_disk, &wal]
            .iter()
            .any(|f| f.windows(id.len()).any(|w| w == id)),
        "the data file lacks the new payment"
    );
    let before: Vec<Value> = vec![
        api.get_ok(kept["id"].as_str().unwrap()).await,
        api.get_ok(&paid_id).await,
    ];
    let status = sim.signal("TERM", Duration::from_secs(5));
    assert!(status.success(), "SIGTERM exit status {status}");
    drop(sim);

    let sim = Sim::start(&["--data", data]);
    let api = sim.api();
    for old in &before {
        let now = api.get_ok(old["id"].as_str().unwrap()).await;
        // The links follow the new port; everything else is as it was.
        let strip = |p: &Value| {
            let mut p = p.clone();
            let map = p.as_object_mut().unwrap();
            map.remove("payment_url");
            map.remove("payment_qr_code_url");
            p
        };
        assert_eq!(
            strip(&now),
            strip(old),
            "a payment changed across the restart"
        );
    }
    assert_eq!(api.all_ids().await.len(), 2);
    drop(sim);
    for f in [
        data.to_owned(),
        format!("{data}-wal"),
        format!("{data}-shm"),
    ] {
        let _ = std::fs::remove_file(f);
    }
}

#[tokio::test]
async fn malformed_data_file_refuses_to_start_and_is_left_alone() {
    let path = scratch_file("malformed");
    let garbage = "{ \"payments\": [ this is not JSON";
    std::fs::write(&path, garbage).unwrap();
    match Sim::launch(&["--data", path.to_str().unwrap()]) {
        Launch::Running(_) => panic!("started with a malformed data file"),
        Launch::Exited { status, stderr, .. } => {
            assert!(!status.success(), "exit status {status} must be non-zero");
            assert!(!stderr.trim().is_empty(), "no explanation on stderr");
        }
    }
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        garbage,
        "the malformed data file was changed"
    );
    let _ = std::fs::remove_file(&path);
}

#[tokio::test]
async fn webhook_url_without_a_secret_refuses_to_start() {
    match Sim::launch(&["--webhook-url", "http://127.0.0.1:9/hooks"]) {
        Launch::Running(_) => panic!("started with --webhook-url but no --webhook-secret"),
        Launch::Exited { status, .. } => assert!(!status.success()),
    }
}

// =============================================================================================
// 2. Authentication and payment services
// =============================================================================================

#[tokio::test]
async fn api_keys_are_checked() {
    let sim = Sim::start(&[]);
    let api = sim.api();

    let missing = api.with_key(None).list("").await;
    assert_error(&missing, 401, "invalid_api_key");
    assert_eq!(missing.json["error"]["type"], "authentication_error");
    let missing = api.with_key(None).create(&minimal("no-key", 100)).await;
    assert_error(&missing, 401, "invalid_api_key");

    for bad in ["paysg_live_abc123", "sk_test_123", "PAYSG_STAG_upper", ""] {
        let reply = api.with_key(Some(bad)).list("").await;
        assert_error(&reply, 401, "invalid_api_key");
    }
    // Refused requests change nothing.
    assert!(api.all_ids().await.is_empty());

    for good in ["paysg_stag_x", "paysg_stag_1234", "paysg_stag_another-key"] {
        api.with_key(Some(good)).list("").await.expect(200);
    }
}

#[tokio::test]
async fn api_key_flag_restricts_the_keys() {
    let sim = Sim::start(&[
        "--api-key",
        "paysg_stag_only_this",
        "--api-key",
        "paysg_stag_or_this",
    ]);
    let api = sim.api();
    api.with_key(Some("paysg_stag_only_this"))
        .list("")
        .await
        .expect(200);
    api.with_key(Some("paysg_stag_or_this"))
        .create_ok(&minimal("k", 100))
        .await;
    for other in [KEY, "paysg_stag_only_this_not", "paysg_live_only_this"] {
        assert_error(
            &api.with_key(Some(other)).list("").await,
            401,
            "invalid_api_key",
        );
    }
}

#[tokio::test]
async fn service_id_needs_the_payment_service_prefix() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    for bad in [
        "fe5b1b0b-065a-43b8-939d-03ab2b67ede9",
        "service_123",
        "PAYMENT_SERVICE_x",
    ] {
        let svc = api.with_service(bad);
        assert_error(&svc.list("").await, 404, "payment_service_not_found");
        assert_eq!(
            svc.list("").await.json["error"]["type"],
            "not_found",
            "error.type of an unknown service"
        );
        assert_error(
            &svc.create(&minimal("x", 100)).await,
            404,
            "payment_service_not_found",
        );
    }
    assert!(api.all_ids().await.is_empty());
}

// =============================================================================================
// 3. Create
// =============================================================================================

#[tokio::test]
async fn create_returns_the_full_payment_object() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let started_ms = now_ms();
    let payment = api.create_ok(&minimal("INV-0001", 1234)).await;
    assert_payment_shape(&payment);

    let id = payment["id"].as_str().unwrap();
    assert_eq!(id.len(), 21, "payment ids are 21 characters: {id}");
    assert!(
        id.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'),
        "payment id {id} is not URL-safe"
    );
    assert_eq!(payment["payment_service_id"], SERVICE);
    assert_eq!(payment["reference_id"], "INV-0001");
    assert_eq!(payment["payer_name"], "Tan Ah Kow");
    assert_eq!(payment["description"], "Season parking, March");
    assert_eq!(payment["amount_in_cents"], json!(1234));
    assert!(
        payment["amount_in_cents"].is_u64(),
        "amount must be an integer"
    );
    assert_eq!(
        statuses(&payment),
        ("unpaid", "unpaid", "not_refunded", "unsent")
    );
    assert_eq!(
        payment["metadata"],
        json!({}),
        "metadata is {{}} when absent"
    );
    for field in [
        "payer_address",
        "payer_identifier",
        "payer_email",
        "due_date",
        "return_url",
        "payout_id",
        "payment_sent_timestamp",
        "payment_succeeded_timestamp",
        "payment_cancelled_timestamp",
        "payment_fully_refunded_timestamp",
        "paid_out_timestamp",
    ] {
        assert_eq!(
            payment[field],
            Value::Null,
            "{field} must be null on a new payment"
        );
    }
    // Set at creation, as real captures show.
    assert!(
        payment["stripe_payment_intent_id"]
            .as_str()
            .is_some_and(|s| s.starts_with("pi_sim_")),
        "{}",
        payment["stripe_payment_intent_id"]
    );
    let creator = payment["creator_id"].as_str().expect("creator_id string");
    assert!(
        creator.strip_prefix("user_").is_some_and(is_uuid),
        "creator_id {creator} is not user_<uuid>"
    );
    assert_timestamp(&payment["created_at"], "created_at");
    assert_timestamp(&payment["updated_at"], "updated_at");
    let created = iso_to_ms(payment["created_at"].as_str().unwrap());
    assert!(
        (started_ms - 5_000..=now_ms() + 5_000).contains(&created),
        "created_at {} is not now",
        payment["created_at"]
    );
    assert_eq!(
        payment["payment_url"],
        json!(format!("{}/payments/{id}", sim.url))
    );
    let qr = payment["payment_qr_code_url"]
        .as_str()
        .expect("payment_qr_code_url must be a string");
    assert_eq!(qr, format!("{}/v1/public/payments/{id}-qr.png", sim.url));

    // The QR code is a PNG, served without a key.
    let png = client().get(qr).send().await.unwrap();
    assert_eq!(png.status(), 200);
    assert_eq!(png.headers()["content-type"].to_str().unwrap(), "image/png");
    let bytes = png.bytes().await.unwrap();
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "the QR code is not a PNG"
    );

    // Same key, same creator; another key, another creator.
    let again = api.create_ok(&minimal("INV-0002", 1)).await;
    assert_eq!(again["creator_id"], payment["creator_id"]);
    assert_ne!(again["id"], payment["id"]);
    let other = api
        .with_key(Some("paysg_stag_someone_else"))
        .create_ok(&minimal("INV-0003", 1))
        .await;
    assert_ne!(other["creator_id"], payment["creator_id"]);
}

#[tokio::test]
async fn create_echoes_every_optional_field() {
    let sim = Sim::start(&[]);
    let body = json!({
        "reference_id": "INV-42",
        "payer_name": "Lim Bee Hoon",
        "payer_address": "1 Orchard Road, Singapore 238801",
        "payer_identifier": "S1234567D",
        "payer_email": "bee.hoon@example.gov.sg",
        "description": "Renewal fee",
        "amount_in_cents": 20_000_000,
        "due_date": "31-DEC-2023",
        "metadata": { "branch": "north", "case": "C-9" },
        "return_url": "https://agency.example.gov.sg/paid?order=42",
    });
    let payment = sim.api().create_ok(&body).await;
    assert_payment_shape(&payment);
    for (field, value) in body.as_object().unwrap() {
        assert_eq!(&payment[field], value, "{field} is not echoed");
    }
}

#[tokio::test]
async fn validation_lists_every_problem() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let reply = api
        .create(&json!({
            "payer_name": "Tan Ah Kow",
            "description": "Season parking",
            "amount_in_cents": 0,
            "payer_email": "not-an-email",
        }))
        .await;
    assert_error(&reply, 400, "validation_failed");
    assert_eq!(reply.json["error"]["type"], "invalid_request_error");
    let errors = reply.json["error"]["data"]["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no error.data.errors array: {}", reply.text));
    assert_eq!(errors.len(), 3, "three problems expected: {}", reply.text);
    let mut found: Vec<(&str, &str)> = errors
        .iter()
        .map(|e| {
            assert!(
                e["message"].as_str().is_some_and(|m| !m.is_empty()),
                "an entry without a message: {e}"
            );
            (
                e["field"].as_str().expect("field"),
                e["code"].as_str().expect("code"),
            )
        })
        .collect();
    found.sort_unstable();
    assert_eq!(
        found,
        vec![
            ("amount_in_cents", "out_of_range"),
            ("payer_email", "invalid_email"),
            ("reference_id", "required"),
        ]
    );
    assert!(
        api.all_ids().await.is_empty(),
        "an invalid create stored a payment"
    );

    // Unknown fields are refused; a body that is not an object is a validation failure too.
    let reply = api
        .create(&with(&minimal("r", 100), "amount", json!(100)))
        .await;
    assert_error(&reply, 400, "validation_failed");
    assert_eq!(reply.json["error"]["data"]["errors"][0]["field"], "amount");
    assert_eq!(
        reply.json["error"]["data"]["errors"][0]["code"],
        "unknown_field"
    );
    assert_error(&api.create(&json!([1, 2])).await, 400, "validation_failed");
}

/// The fields named by the `validation_failed` errors of a reply.
fn error_fields(reply: &Reply) -> Vec<String> {
    reply.json["error"]["data"]["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["field"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn validation_limits_on_both_sides() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let base = json!({
        "reference_id": "LIM-1",
        "payer_name": "Tan Ah Kow",
        "payer_identifier": "S1234567D",
        "payer_email": "ah.kow@example.gov.sg",
        "description": "Limits",
        "amount_in_cents": 100,
    });
    api.create_ok(&base).await;
    let s = |n: usize| "x".repeat(n);
    let entries = |n: usize| {
        Value::Object(
            (0..n)
                .map(|i| (format!("key{i}"), json!("value")))
                .collect(),
        )
    };
    // (field, value, the field an error must name or None when accepted)
    let cases: Vec<(&str, Value, Option<&str>)> = vec![
        ("reference_id", json!(s(255)), None),
        ("reference_id", json!(s(256)), Some("reference_id")),
        ("reference_id", json!("   "), Some("reference_id")),
        ("payer_name", json!(s(255)), None),
        ("payer_name", json!(s(256)), Some("payer_name")),
        ("description", json!(s(500)), None),
        ("description", json!(s(501)), Some("description")),
        ("payer_identifier", json!(s(10)), None),
        ("payer_identifier", json!(s(11)), Some("payer_identifier")),
        ("payer_email", json!("a@b"), Some("payer_email")),
        ("amount_in_cents", json!(1), None),
        ("amount_in_cents", json!(0), Some("amount_in_cents")),
        ("amount_in_cents", json!(-1), Some("amount_in_cents")),
        ("amount_in_cents", json!(20_000_000), None),
        (
            "amount_in_cents",
            json!(20_000_001),
            Some("amount_in_cents"),
        ),
        ("payer_name", json!("Tan Ah Kow"), None),
        ("payer_name", json!("Tan Ah Kow’s"), Some("payer_name")),
        ("payer_address", json!("Blk 1 ＃01"), Some("payer_address")),
        ("description", json!("Café ’"), None),
        ("amount_in_cents", json!(12.5), Some("amount_in_cents")),
        ("amount_in_cents", json!("100"), Some("amount_in_cents")),
        ("metadata", entries(10), None),
        ("metadata", entries(11), Some("metadata")),
        ("metadata", json!({ s(40): "v" }), None),
        ("metadata", json!({ s(41): "v" }), Some("metadata")),
        ("metadata", json!({ "k": s(255) }), None),
        ("metadata", json!({ "k": s(256) }), Some("metadata")),
        ("metadata", json!({ "k": 1 }), Some("metadata")),
        ("metadata", json!("k=v"), Some("metadata")),
        (
            "return_url",
            json!("https://agency.example.gov.sg/done"),
            None,
        ),
        (
            "return_url",
            json!("http://agency.example.gov.sg/done"),
            Some("return_url"),
        ),
        ("return_url", json!("not a url"), Some("return_url")),
        ("due_date", json!("31-DEC-2023"), None),
        ("due_date", json!("2023-12-31"), Some("due_date")),
        ("due_date", json!("29-FEB-2023"), Some("due_date")),
        ("due_date", json!("29-FEB-2024"), None),
        ("due_date", json!("31-APR-2024"), Some("due_date")),
    ];
    let mut accepted = 1;
    for (field, value, rejected) in cases {
        let shown: String = value.to_string().chars().take(60).collect();
        let reply = api.create(&with(&base, field, value)).await;
        match rejected {
            None => {
                assert_eq!(
                    reply.status, 201,
                    "{field} = {shown} must be accepted, got {}",
                    reply.text
                );
                accepted += 1;
            }
            Some(named) => {
                assert_error(&reply, 400, "validation_failed");
                let fields = error_fields(&reply);
                assert!(
                    fields.len() == 1 && fields[0].starts_with(named),
                    "{field} = {shown} must give one error on {named}, got {}",
                    reply.text
                );
            }
        }
    }
    assert_eq!(
        api.all_ids().await.len(),
        accepted,
        "only valid bodies create payments"
    );
}

#[tokio::test]
async fn malformed_bodies_are_refused_without_crashing() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let raw = |content_type: &str, body: Vec<u8>| {
        api.v1(Method::POST, "")
            .header("content-type", content_type)
            .body(body)
    };

    for body in ["{\"reference_id\": ", "not json", "", "{\"a\":1}}"] {
        let reply = send(raw("application/json", body.into())).await;
        assert_error(&reply, 400, "invalid_json");
    }
    let valid = minimal("ct", 100).to_string();
    let reply = send(raw("text/plain", valid.clone().into())).await;
    assert_error(&reply, 415, "unsupported_media_type");
    let reply = send(raw("application/x-www-form-urlencoded", b"a=b".to_vec())).await;
    assert_error(&reply, 415, "unsupported_media_type");
    send(raw("application/json; charset=utf-8", valid.clone().into()))
        .await
        .expect(201);

    // Exactly 1 MiB (valid JSON padded with spaces) passes; one byte more is too large.
    const MIB: usize = 1024 * 1024;
    let padded = |len: usize| {
        let mut body = valid.clone().into_bytes();
        body.resize(len, b' ');
        body
    };
    send(raw("application/json", padded(MIB))).await.expect(201);
    let reply = send(raw("application/json", padded(MIB + 1))).await;
    assert_error(&reply, 413, "body_too_large");
    // The simulator may close the connection after refusing a body it did not read: send this
    // one on a pool of its own (a_too_large_body_leaves_no_dead_connection covers the closing).
    let big = api
        .fresh()
        .v1(Method::POST, "")
        .header("content-type", "application/json")
        .body(padded(3 * MIB));
    assert_error(&send(big).await, 413, "body_too_large");

    // Odd paths and methods do not bring it down either.
    let odd = send(api.v1(Method::DELETE, "/whatever")).await;
    assert!(
        odd.status >= 400 && odd.status < 500,
        "DELETE: {}",
        odd.status
    );
    let odd = send(api.v1(Method::GET, "/%ff%fe")).await;
    assert!(
        odd.status >= 400 && odd.status < 500,
        "bad id: {}",
        odd.status
    );

    // Still answering, and only the valid creates were stored.
    assert_eq!(api.all_ids().await.len(), 2);
    api.create_ok(&minimal("after", 100)).await;
}

/// Reads one HTTP/1.1 response (head and `content-length` body) from a raw stream.
fn read_response(stream: &mut std::net::TcpStream) -> std::io::Result<(String, String)> {
    use std::io::Read;
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map_or(0, |v| v.trim().parse().unwrap_or(0));
            if data.len() >= end + 4 + length {
                let body = String::from_utf8_lossy(&data[end + 4..end + 4 + length]).into_owned();
                return Ok((head, body));
            }
        }
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        data.extend_from_slice(&buf[..n]);
    }
}

#[test]
fn a_too_large_body_leaves_no_dead_connection() {
    use std::io::Write;
    let sim = Sim::start(&[]);
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", sim.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut body = minimal("big", 100).to_string();
    body.push_str(&" ".repeat(3 * 1024 * 1024 - body.len()));
    let request = format!(
        "POST /v1/payment-services/{SERVICE}/payments HTTP/1.1\r\nhost: 127.0.0.1\r\n\
         x-api-key: {KEY}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    // The server may stop reading before the end: a failed write is fine, the answer is not.
    let _ = stream.write_all(request.as_bytes());
    let (head, answer) = read_response(&mut stream).expect("an answer to a too-large body");
    assert!(head.starts_with("http/1.1 413"), "{head}");
    assert!(answer.contains("body_too_large"), "{answer}");
    if head.lines().any(|l| l.trim() == "connection: close") {
        return; // Clients know not to reuse the connection.
    }
    // Kept alive: then the connection must still work.
    let next = format!(
        "GET /v1/payment-services/{SERVICE}/payments HTTP/1.1\r\nhost: 127.0.0.1\r\nx-api-key: {KEY}\r\n\r\n"
    );
    let reused = stream
        .write_all(next.as_bytes())
        .and_then(|()| read_response(&mut stream));
    match reused {
        Ok((head, _)) => assert!(head.starts_with("http/1.1 200"), "{head}"),
        Err(e) => panic!(
            "the 413 answer did not say `connection: close`, yet the connection was closed: \
             the next request on it failed ({e}); a keep-alive client would see a broken request"
        ),
    }
}

// =============================================================================================
// 4. Retrieve and list
// =============================================================================================

#[tokio::test]
async fn retrieve_returns_the_payment_or_404() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let payment = api.create_ok(&minimal("get-me", 500)).await;
    let id = payment["id"].as_str().unwrap();
    assert_eq!(
        api.get_ok(id).await,
        payment,
        "GET differs from the create answer"
    );

    assert_error(
        &api.get("ZZZZZZZZZZZZZZZZZZZZZ").await,
        404,
        "payment_not_found",
    );
    // Payments belong to their service.
    let other = api.with_service("payment_service_00000000-0000-4000-8000-000000000000");
    assert_error(&other.get(id).await, 404, "payment_not_found");
    assert!(other.all_ids().await.is_empty());
}

#[tokio::test]
async fn list_pages_forward_and_back() {
    let sim = Sim::start(&[]);
    let api = sim.api();

    // Empty.
    let empty = api.list("").await.expect(200).clone();
    assert_eq!(
        empty,
        json!({
            "data": [],
            "page_info": {
                "has_next_page": false,
                "has_previous_page": false,
                "start_cursor": null,
                "end_cursor": null,
            }
        })
    );

    let mut created = Vec::new();
    for i in 0..25 {
        created.push(
            api.create_ok(&minimal(&format!("LIST-{i:02}"), 100 + i))
                .await,
        );
    }
    // Newest created_at first, ties by id descending.
    created.sort_by(|a, b| {
        let key = |p: &Value| {
            (
                p["created_at"].as_str().unwrap().to_owned(),
                p["id"].as_str().unwrap().to_owned(),
            )
        };
        key(b).cmp(&key(a))
    });
    let expected: Vec<String> = created
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();

    // Default limit 10; pages hold full payment objects.
    let first = api.list("").await.expect(200).clone();
    assert_eq!(ids_of(&first), expected[..10]);
    assert_payment_shape(&first["data"][0]);
    assert_eq!(first["data"][0], created[0]);

    // Forward with `after` = end_cursor.
    let mut pages = Vec::new();
    let mut query = "limit=10".to_owned();
    loop {
        let page = api.list(&query).await.expect(200).clone();
        let info = &page["page_info"];
        for field in ["has_next_page", "has_previous_page"] {
            assert!(info[field].is_boolean(), "page_info.{field}: {info}");
        }
        for field in ["start_cursor", "end_cursor"] {
            assert!(info[field].is_string(), "page_info.{field}: {info}");
        }
        assert_eq!(
            info["has_previous_page"],
            json!(!pages.is_empty()),
            "has_previous_page on page {}",
            pages.len() + 1
        );
        let next = info["has_next_page"] == json!(true);
        let end = info["end_cursor"].as_str().unwrap().to_owned();
        pages.push(page);
        assert!(pages.len() <= 3, "more than 3 pages of 10 for 25 payments");
        if !next {
            break;
        }
        query = format!("limit=10&after={end}");
    }
    let sizes: Vec<usize> = pages.iter().map(|p| ids_of(p).len()).collect();
    assert_eq!(sizes, [10, 10, 5]);
    let walked: Vec<String> = pages.iter().flat_map(ids_of).collect();
    assert_eq!(
        walked, expected,
        "forward walk: every id once, newest first"
    );
    let unique: HashSet<&String> = walked.iter().collect();
    assert_eq!(unique.len(), 25);

    // Back with `before` = start_cursor.
    let mut page = pages[2].clone();
    for back in [1, 0] {
        let start = page["page_info"]["start_cursor"]
            .as_str()
            .unwrap()
            .to_owned();
        page = api
            .list(&format!("limit=10&before={start}"))
            .await
            .expect(200)
            .clone();
        assert_eq!(
            ids_of(&page),
            ids_of(&pages[back]),
            "back to page {}",
            back + 1
        );
        assert_eq!(page["page_info"]["has_next_page"], json!(true));
        assert_eq!(page["page_info"]["has_previous_page"], json!(back > 0));
    }

    // limit bounds.
    assert_eq!(ids_of(api.list("limit=1").await.expect(200)), expected[..1]);
    let all = api.list("limit=100").await.expect(200).clone();
    assert_eq!(ids_of(&all), expected);
    assert_eq!(all["page_info"]["has_next_page"], json!(false));
    for bad in ["limit=0", "limit=101", "limit=x", "limit=-1", "limit=1.5"] {
        assert_error(&api.list(bad).await, 400, "invalid_limit");
    }
    // Cursors.
    let cursor = pages[1]["page_info"]["end_cursor"].as_str().unwrap();
    assert_error(
        &api.list(&format!("before={cursor}&after={cursor}")).await,
        400,
        "conflicting_cursors",
    );
    for bad in [
        "after=!!!",
        "after=bm90LWEtY3Vyc29y",
        "before=%7B%7D",
        "after=",
    ] {
        assert_error(&api.list(bad).await, 400, "invalid_cursor");
    }
}

// =============================================================================================
// 5. Cancel, refund, send-email
// =============================================================================================

#[tokio::test]
async fn cancel_only_unpaid_payments() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let payment = api.create_ok(&minimal("cancel", 1000)).await;
    let id = payment["id"].as_str().unwrap();

    let cancelled = api.cancel(id).await.expect(200).clone();
    assert_payment_shape(&cancelled);
    assert_eq!(cancelled["latest_status"], "cancelled");
    assert_eq!(cancelled["payment_status"], "unpaid");
    assert_timestamp(
        &cancelled["payment_cancelled_timestamp"],
        "payment_cancelled_timestamp",
    );
    assert_eq!(api.get_ok(id).await, cancelled);

    assert_error(&api.cancel(id).await, 402, "payment_already_cancelled");
    // A cancelled payment cannot be paid, by script or on its page.
    assert_error(&api.pay(id).await, 402, "payment_cancelled");
    let page = api.get_url(payment["payment_url"].as_str().unwrap()).await;
    assert_eq!(page.status, 200);
    if page.text.to_ascii_lowercase().contains("<form") {
        let (action, fields) = pay_form(&page.text, payment["payment_url"].as_str().unwrap());
        let reply = send(client().post(action).form(&fields)).await;
        assert!(
            reply.status >= 400,
            "paying a cancelled payment on its page gave {}",
            reply.status
        );
    }
    let after = api.get_ok(id).await;
    assert_eq!(statuses(&after).0, "unpaid");
    assert_eq!(after["latest_status"], "cancelled");

    // A paid payment cannot be cancelled.
    let paid = api.create_ok(&minimal("paid", 1000)).await;
    let paid_id = paid["id"].as_str().unwrap();
    api.pay_ok(paid_id).await;
    assert_error(&api.cancel(paid_id).await, 402, "payment_not_cancellable");
    assert_eq!(api.get_ok(paid_id).await["latest_status"], "paid");

    assert_error(
        &api.cancel("ZZZZZZZZZZZZZZZZZZZZZ").await,
        404,
        "payment_not_found",
    );
}

#[tokio::test]
async fn refunds_partial_then_full() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let payment = api.create_ok(&minimal("refund", 1000)).await;
    let id = payment["id"].as_str().unwrap();

    assert_error(&api.refund(id, 100).await, 402, "payment_not_paid");
    api.pay_ok(id).await;
    // Nor can a cancelled one be refunded.
    let cancelled = api.create_ok(&minimal("refund-cancelled", 1000)).await;
    let cancelled_id = cancelled["id"].as_str().unwrap();
    api.cancel(cancelled_id).await.expect(200);
    assert_error(
        &api.refund(cancelled_id, 100).await,
        402,
        "payment_not_paid",
    );

    let partial = api.refund(id, 300).await.expect(200).clone();
    assert_payment_shape(&partial);
    assert_eq!(partial["refund_status"], "partially_refunded");
    assert_eq!(partial["payment_status"], "paid");
    assert_eq!(partial["payment_fully_refunded_timestamp"], Value::Null);

    assert_error(&api.refund(id, 800).await, 402, "refund_exceeds_remaining");
    assert_eq!(api.get_ok(id).await["refund_status"], "partially_refunded");

    let full = api.refund(id, 700).await.expect(200).clone();
    assert_eq!(full["refund_status"], "fully_refunded");
    assert_timestamp(
        &full["payment_fully_refunded_timestamp"],
        "payment_fully_refunded_timestamp",
    );
    assert_eq!(api.get_ok(id).await, full);
    assert_error(&api.refund(id, 1).await, 402, "payment_fully_refunded");

    // One refund of the whole amount.
    let other = api.create_ok(&minimal("refund-all", 250)).await;
    let other_id = other["id"].as_str().unwrap();
    api.pay_ok(other_id).await;
    assert_error(
        &api.refund(other_id, 251).await,
        402,
        "refund_exceeds_remaining",
    );
    let all = api.refund(other_id, 250).await.expect(200).clone();
    assert_eq!(all["refund_status"], "fully_refunded");

    assert_error(
        &api.refund("ZZZZZZZZZZZZZZZZZZZZZ", 1).await,
        404,
        "payment_not_found",
    );
}

#[tokio::test]
async fn refund_bodies_are_validated() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let payment = api.create_ok(&minimal("refund-bad", 1000)).await;
    let id = payment["id"].as_str().unwrap();
    api.pay_ok(id).await;
    for body in [
        json!({ "refund_amount_in_cents": 0 }),
        json!({ "refund_amount_in_cents": -5 }),
        json!({ "refund_amount_in_cents": 1.5 }),
        json!({ "refund_amount_in_cents": "100" }),
        json!({ "refund_amount_in_cents": null }),
        json!({}),
        json!([100]),
    ] {
        let reply = api.refund_body(id, &body).await;
        assert_eq!(reply.status, 400, "refund body {body}: {}", reply.text);
        assert_error_body(&reply);
    }
    let not_json = send(
        api.v1(Method::POST, &format!("/{id}/refund"))
            .header("content-type", "application/json")
            .body("{refund"),
    )
    .await;
    assert_error(&not_json, 400, "invalid_json");
    // Nothing was refunded.
    let now = api.get_ok(id).await;
    assert_eq!(now["refund_status"], "not_refunded");
    api.refund(id, 1000).await.expect(200);
}

#[tokio::test]
async fn send_email_records_it() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let body = with(
        &minimal("mail", 4200),
        "payer_email",
        json!("ah.kow@example.gov.sg"),
    );
    let payment = api.create_ok(&body).await;
    let id = payment["id"].as_str().unwrap();

    let reply = api.send_email(id).await;
    assert_eq!(reply.status, 204, "send-email: {}", reply.text);
    assert!(reply.text.is_empty(), "204 with a body: {:?}", reply.text);

    let now = api.get_ok(id).await;
    assert_eq!(now["email_delivery_status"], "sent");
    assert_timestamp(&now["payment_sent_timestamp"], "payment_sent_timestamp");
    assert_eq!(now["payment_status"], "unpaid");

    let emails = api.sim_json("/sim/emails.json").await;
    let emails_text = emails.to_string();
    assert!(
        emails_text.contains(id) && emails_text.contains("ah.kow@example.gov.sg"),
        "/sim/emails.json lacks the email: {emails_text}"
    );
    let page = send(api.sim(Method::GET, "/sim/emails")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.text.contains("ah.kow@example.gov.sg"),
        "/sim/emails lacks the address"
    );

    // No payer_email.
    let silent = api.create_ok(&minimal("no-mail", 100)).await;
    let silent_id = silent["id"].as_str().unwrap();
    assert_error(&api.send_email(silent_id).await, 400, "payer_email_missing");
    assert_eq!(
        api.get_ok(silent_id).await["email_delivery_status"],
        "unsent"
    );

    // Only unpaid, uncancelled payments.
    let paid = api
        .create_ok(&with(&body, "reference_id", json!("mail-paid")))
        .await;
    let paid_id = paid["id"].as_str().unwrap();
    api.pay_ok(paid_id).await;
    assert_error(&api.send_email(paid_id).await, 402, "payment_not_unpaid");
    let gone = api
        .create_ok(&with(&body, "reference_id", json!("mail-cancelled")))
        .await;
    let gone_id = gone["id"].as_str().unwrap();
    api.cancel(gone_id).await.expect(200);
    assert_error(&api.send_email(gone_id).await, 402, "payment_not_unpaid");
    assert_error(
        &api.send_email("ZZZZZZZZZZZZZZZZZZZZZ").await,
        404,
        "payment_not_found",
    );
}

// =============================================================================================
// 6. Idempotency
// =============================================================================================

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

// =============================================================================================
// 7. The payer's side
// =============================================================================================

#[tokio::test]
async fn payment_page_shows_the_payment_and_escapes_html() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let payment = api
        .create_ok(&json!({
            "reference_id": "INV-<42>",
            "payer_name": "Tan & Sons",
            "description": "<script>alert(\"pwned\")</script> Parking",
            "amount_in_cents": 1100,
            "return_url": "https://agency.example.gov.sg/paid?order=42",
        }))
        .await;
    let url = payment["payment_url"].as_str().unwrap();
    let page = api.get_url(url).await;
    assert_eq!(page.status, 200);
    assert!(
        page.header("content-type")
            .is_some_and(|c| c.starts_with("text/html")),
        "content-type {:?}",
        page.header("content-type")
    );
    let html = &page.text;
    for shown in [
        "S$11.00",
        "Tan &amp; Sons",
        "INV-&lt;42&gt;",
        "&lt;script&gt;",
        "Parking",
    ] {
        assert!(
            html.contains(shown),
            "the page does not show {shown:?}:\n{html}"
        );
    }
    assert!(
        !html.contains("<script>alert("),
        "the description is not escaped:\n{html}"
    );
    assert!(
        !html.contains("Tan & Sons"),
        "the payer name is not escaped"
    );

    assert_eq!(
        api.get_url(&format!("{}/payments/ZZZZZZZZZZZZZZZZZZZZZ", sim.url))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn paying_on_the_page_redirects_to_return_url() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let payment = api
        .create_ok(&with(
            &minimal("redirect", 1100),
            "return_url",
            json!("https://agency.example.gov.sg/paid?order=42"),
        ))
        .await;
    let id = payment["id"].as_str().unwrap();
    let url = payment["payment_url"].as_str().unwrap();
    let page = api.get_url(url).await;
    let (action, fields) = pay_form(&page.text, url);

    let paid = send(client().post(&action).form(&fields)).await;
    assert_eq!(paid.status, 303, "paying on the page: {}", paid.text);
    let location = reqwest::Url::parse(paid.header("location").expect("a Location header"))
        .expect("an absolute Location");
    assert_eq!(location.scheme(), "https");
    assert_eq!(location.host_str(), Some("agency.example.gov.sg"));
    assert_eq!(location.path(), "/paid");
    let query: Vec<(String, String)> = location.query_pairs().into_owned().collect();
    assert_eq!(
        query,
        vec![
            ("order".to_owned(), "42".to_owned()),
            ("paysg_payment_id".to_owned(), id.to_owned()),
            ("paysg_payment_service_id".to_owned(), SERVICE.to_owned()),
        ],
        "the redirect keeps the query and adds the two ids"
    );

    let now = api.get_ok(id).await;
    assert_eq!(now["payment_status"], "paid");
    assert_eq!(now["latest_status"], "paid");
    assert_timestamp(
        &now["payment_succeeded_timestamp"],
        "payment_succeeded_timestamp",
    );
    assert!(
        now["stripe_payment_intent_id"]
            .as_str()
            .is_some_and(|s| s.starts_with("pi_sim_")),
        "stripe_payment_intent_id: {}",
        now["stripe_payment_intent_id"]
    );
    assert_eq!(now["payout_id"], Value::Null);
    assert_eq!(now["paid_out_timestamp"], Value::Null);

    // Paying again on the page fails and changes nothing.
    let again = send(client().post(&action).form(&fields)).await;
    assert!(
        (400..500).contains(&again.status),
        "paying twice on the page gave {}",
        again.status
    );
    assert_eq!(api.get_ok(id).await, now);
}

#[tokio::test]
async fn paying_without_return_url_shows_a_receipt() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let payment = api.create_ok(&minimal("receipt", 2550)).await;
    let id = payment["id"].as_str().unwrap();
    let url = payment["payment_url"].as_str().unwrap();
    let page = api.get_url(url).await;
    let (action, fields) = pay_form(&page.text, url);
    let mut reply = send(client().post(&action).form(&fields)).await;
    if reply.status == 303 {
        // A receipt on the simulator itself is fine too.
        let location = reqwest::Url::parse(url)
            .unwrap()
            .join(reply.header("location").unwrap())
            .unwrap();
        assert!(
            location.as_str().starts_with(&sim.url),
            "without return_url it must not leave the simulator: {location}"
        );
        reply = api.get_url(location.as_str()).await;
    }
    assert_eq!(reply.status, 200, "receipt: {}", reply.text);
    assert!(reply
        .header("content-type")
        .is_some_and(|c| c.starts_with("text/html")));
    assert!(
        reply.text.contains("S$25.50"),
        "the receipt lacks the amount"
    );
    assert_eq!(api.get_ok(id).await["payment_status"], "paid");
}

#[tokio::test]
async fn scripts_pay_through_sim_pay() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let payment = api
        .create_ok(&with(
            &minimal("script", 300),
            "return_url",
            json!("https://agency.example.gov.sg/back"),
        ))
        .await;
    let id = payment["id"].as_str().unwrap();
    let reply = api.pay(id).await;
    let body = reply.expect(200);
    let redirect = reqwest::Url::parse(body["redirect_url"].as_str().expect("redirect_url"))
        .expect("an absolute redirect_url");
    assert_eq!(redirect.path(), "/back");
    let query: Vec<(String, String)> = redirect.query_pairs().into_owned().collect();
    assert_eq!(
        query,
        vec![
            ("paysg_payment_id".to_owned(), id.to_owned()),
            ("paysg_payment_service_id".to_owned(), SERVICE.to_owned()),
        ]
    );
    let paid = api.get_ok(id).await;
    assert_eq!(
        (
            paid["payment_status"].as_str(),
            paid["latest_status"].as_str()
        ),
        (Some("paid"), Some("paid"))
    );
    assert_timestamp(
        &paid["payment_succeeded_timestamp"],
        "payment_succeeded_timestamp",
    );

    assert_error(&api.pay(id).await, 409, "payment_already_paid");
    assert_eq!(
        api.get_ok(id).await,
        paid,
        "paying twice changed the payment"
    );

    let plain = api.create_ok(&minimal("script-plain", 300)).await;
    let reply = api.pay(plain["id"].as_str().unwrap()).await;
    assert_eq!(reply.expect(200), &json!({ "redirect_url": null }));

    assert_eq!(api.pay("ZZZZZZZZZZZZZZZZZZZZZ").await.status, 404);
}

// =============================================================================================
// 8. Webhooks
// =============================================================================================

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

// =============================================================================================
// 9. Faults
// =============================================================================================

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

// =============================================================================================
// 10. Reset and the simulator's pages
// =============================================================================================

#[tokio::test]
async fn reset_forgets_everything() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let mut ids = Vec::new();
    for i in 0..3 {
        let body = with(
            &minimal(&format!("reset-{i}"), 100),
            "payer_email",
            json!("a@example.com"),
        );
        ids.push(
            api.create_ok(&body).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    api.send_email(&ids[0]).await.expect(204);
    api.create_with_key(&minimal("keyed", 100), "before-reset")
        .await
        .expect(201);
    ids.push(api.all_ids().await[0].clone());
    let index = send(api.sim(Method::GET, "/")).await;
    assert_eq!(index.status, 200);
    assert!(
        ids.iter().all(|id| index.text.contains(id.as_str())),
        "/ lacks a payment"
    );
    assert_eq!(payment_count(&api.state().await), 4);

    let reset = send(api.sim(Method::POST, "/sim/reset")).await;
    assert!(
        (200..300).contains(&reset.status),
        "reset: {}",
        reset.status
    );
    assert!(api.all_ids().await.is_empty());
    assert_eq!(payment_count(&api.state().await), 0);
    assert_error(&api.get(&ids[0]).await, 404, "payment_not_found");
    let emails = api.sim_json("/sim/emails.json").await;
    assert!(
        !emails.to_string().contains(&ids[0]),
        "emails survived the reset"
    );
    // Idempotency keys are forgotten too: the key takes another body now.
    let reused = api
        .create_with_key(&minimal("other-body", 200), "before-reset")
        .await;
    reused.expect(201);
    assert_ne!(reused.header("idempotent-replayed"), Some("true"));
    assert_eq!(api.all_ids().await.len(), 1);
}

// =============================================================================================
// Helpers reading the simulator's own JSON
// =============================================================================================

/// The payment count of `/sim/state`.
fn payment_count(state: &Value) -> usize {
    let n = state["payments"]
        .as_u64()
        .or_else(|| state["payment_count"].as_u64())
        .unwrap_or_else(|| panic!("no payment count in /sim/state: {state}"));
    usize::try_from(n).unwrap()
}

/// The number of faults injected, from `/sim/state`.
fn fault_count(state: &Value) -> usize {
    let faults = &state["faults"];
    let n = faults.as_u64().unwrap_or_else(|| {
        faults
            .as_object()
            .unwrap_or_else(|| panic!("no fault count in /sim/state: {state}"))
            .values()
            .filter_map(Value::as_u64)
            .sum()
    });
    usize::try_from(n).unwrap()
}

/// The HTTP statuses (`None`: no answer) of the attempts to `url` listed by
/// `/sim/webhooks.json`, in order.
fn attempt_statuses(log: &Value, url: &str) -> Vec<Option<u64>> {
    log["attempts"]
        .as_array()
        .unwrap_or_else(|| panic!("/sim/webhooks.json has no attempts list: {log}"))
        .iter()
        .filter(|a| a["url"] == url)
        .map(|a| {
            assert!(
                a["event_id"]
                    .as_str()
                    .is_some_and(|e| e.starts_with("evt_")),
                "an attempt without its event id: {a}"
            );
            a["status"].as_u64()
        })
        .collect()
}

/// Milliseconds since the Unix epoch.
fn now_ms() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    i64::try_from(since.as_millis()).unwrap()
}

/// Reads `2023-08-03T17:36:52.634+08:00` as milliseconds since the Unix epoch.
fn iso_to_ms(s: &str) -> i64 {
    let num = |range: std::ops::Range<usize>| -> i64 { s[range].parse().unwrap() };
    let (y, m, d) = (num(0..4), num(5..7), num(8..10));
    // Days from civil (Howard Hinnant).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let local = days * 86_400_000
        + num(11..13) * 3_600_000
        + num(14..16) * 60_000
        + num(17..19) * 1000
        + num(20..23);
    local - 8 * 3_600_000
}

// =============================================================================================
// Robustness: concurrent clients, garbage input, retries under faults
// =============================================================================================

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
