//! A hostile review's findings (issue 23, item 6), against the shell `PAYSG_SIM_SHELL` names
//! (the SQLite and JSON-migration cases on the native binary only, each saying why): cross-site
//! requests to the controls and the pay form, the clock moved to its end, a damaged data file, a
//! malformed chunked body, and a JSON file that is not an earlier paysg-sim's passed as `--data`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

#[allow(dead_code)] // shared with tests/http.rs, which uses all of it
mod common;

use common::*;
use reqwest::Method;
use serde_json::json;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

// ---------------------------------------------------------------------------------------------
// Cross-site requests
// ---------------------------------------------------------------------------------------------

/// A POST to a simulator path with these headers.
async fn post_with(api: &Api, path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut rb = api.sim(Method::POST, path);
    for (name, value) in headers {
        rb = rb.header(*name, *value);
    }
    send(rb).await
}

#[tokio::test]
async fn a_cross_site_post_to_the_controls_or_the_pay_form_is_refused() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let payment = api.create_ok(&minimal("csrf", 1100)).await;
    let id = payment["id"].as_str().unwrap();
    let evil = [("origin", "http://evil.example")];
    let cross = [("sec-fetch-site", "cross-site")];
    let null = [("origin", "null")];
    let other_port = format!("http://{}:{}", sim.host, sim.port.wrapping_add(1));
    let other = [("origin", other_port.as_str())];
    let form = [
        ("origin", "http://evil.example"),
        ("content-type", "application/x-www-form-urlencoded"),
    ];
    for (path, headers) in [
        ("/sim/reset", &evil[..]),
        ("/sim/reset", &cross[..]),
        ("/sim/reset", &null[..]),
        ("/sim/reset", &other[..]),
        ("/sim/clock", &evil[..]),
        (&format!("/payments/{id}/pay") as &str, &form[..]),
        (&format!("/payments/{id}/pay"), &cross[..]),
        (&format!("/sim/payments/{id}/pay"), &evil[..]),
        (&format!("/sim/payments/{id}/cancel"), &cross[..]),
    ] {
        let reply = post_with(&api, path, headers).await;
        assert_error(&reply, 403, "cross_site_request");
        let message = reply.json["error"]["message"].as_str().unwrap();
        let given = headers[0].1;
        assert!(message.contains(given), "{path}: {message}");
        assert!(message.contains(path), "{path}: {message}");
    }
    // Nothing changed: the payment is there, unpaid and not cancelled.
    assert_eq!(api.state().await["payments"], 1);
    let still = api.get_ok(id).await;
    assert_eq!(still["payment_status"], "unpaid", "{still}");
    assert_eq!(api.sim_json("/sim/clock").await["offset_ms"], 0);
    // Reading is not changing: a payer arriving from the e-service's site sees the page.
    let page = send(
        api.sim(Method::GET, &format!("/payments/{id}"))
            .header("sec-fetch-site", "cross-site"),
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.text);
}

#[tokio::test]
async fn the_pages_own_forms_the_sdk_and_curl_keep_working() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let payment = api.create_ok(&minimal("same-origin", 1100)).await;
    let id = payment["id"].as_str().unwrap();
    // The payment page's form, posted by a browser: its own origin, same-origin.
    let page_url = format!("{}/payments/{id}", sim.url);
    let page = api.get_url(&page_url).await;
    let (action, fields) = pay_form(&page.text, &page_url);
    let paid = send(
        client()
            .post(&action)
            .header("origin", &sim.url)
            .header("sec-fetch-site", "same-origin")
            .form(&fields),
    )
    .await;
    assert!(
        paid.status == 200 || paid.status == 303,
        "{} {}",
        paid.status,
        paid.text
    );
    assert_eq!(api.get_ok(id).await["payment_status"], "paid");
    // Its own origin reaches the control (an empty body is refused for what it is).
    let reply = post_with(&api, "/sim/clock", &[("origin", &sim.url)]).await;
    assert_eq!(
        reply.status, 400,
        "an empty body, not a refusal: {}",
        reply.text
    );
    // The SDK, tests and curl send neither header.
    api.create_ok(&minimal("again", 1100)).await;
    let reset = post_with(&api, "/sim/reset", &[]).await;
    assert_eq!(reset.status, 204, "{}", reset.text);
    let reset = post_with(
        &api,
        "/sim/reset",
        &[("origin", &sim.url), ("sec-fetch-site", "same-origin")],
    )
    .await;
    assert_eq!(reset.status, 204, "{}", reset.text);
    let reset = post_with(&api, "/sim/reset", &[("sec-fetch-site", "none")]).await;
    assert_eq!(
        reset.status, 204,
        "typed in the address bar or a bookmark: {}",
        reset.text
    );
}

#[tokio::test]
async fn the_public_url_is_the_simulators_own_origin_too() {
    // Behind a proxy that rewrites Host, the browser's origin is --public-url's.
    let sim = Sim::start(&["--public-url", "https://sim.example:8443/base"]);
    let api = sim.api();
    let reset = post_with(
        &api,
        "/sim/reset",
        &[("origin", "https://sim.example:8443")],
    )
    .await;
    assert_eq!(reset.status, 204, "{}", reset.text);
    let reset = post_with(&api, "/sim/reset", &[("origin", "https://sim.example")]).await;
    assert_error(&reset, 403, "cross_site_request");
}

// ---------------------------------------------------------------------------------------------
// The clock at its end
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_clock_stops_at_its_limit_and_a_refund_there_still_works() {
    let sim = Sim::start_logging(&[]);
    let api = sim.api();
    let advance = |ms: i64| {
        send(
            api.sim(Method::POST, "/sim/clock")
                .json(&json!({ "advance_ms": ms })),
        )
    };
    let too_far = advance(i64::MAX).await;
    assert_error(&too_far, 400, "invalid_clock");
    let message = too_far.json["error"]["message"].as_str().unwrap();
    assert!(
        message.contains(&i64::MAX.to_string()),
        "names the value: {message}"
    );
    assert!(
        message.contains("31536000000000"),
        "names the limit: {message}"
    );
    // Up to the limit, in two steps; then one more ms is refused.
    advance(31_536_000_000_000 - 5).await.expect(200);
    advance(5).await.expect(200);
    assert_error(&advance(1).await, 400, "invalid_clock");
    assert_eq!(
        api.sim_json("/sim/clock").await["offset_ms"],
        31_536_000_000_000_i64
    );
    // Everything that adds to times works there.
    let key = "at-the-end";
    let created = api.create_with_key(&minimal("late", 1100), key).await;
    created.expect(201);
    let replay = api.create_with_key(&minimal("late", 1100), key).await;
    assert_eq!(
        replay.header("idempotent-replayed"),
        Some("true"),
        "{}",
        replay.text
    );
    let id = created.json["id"].as_str().unwrap();
    api.pay_ok(id).await;
    let refund = api.refund_with_key(id, 100, "refund-at-the-end").await;
    refund.expect(200);
    api.refund(id, 100).await.expect(200);
    assert!(!sim.stderr().contains("panicked"), "{}", sim.stderr());
}

// ---------------------------------------------------------------------------------------------
// The data file
// ---------------------------------------------------------------------------------------------

/// A data file and its companions, removed when dropped.
struct Data(PathBuf);

impl Data {
    fn new(name: &str) -> Data {
        let d = Data(scratch_file(name));
        d.clean();
        d
    }
    fn arg(&self) -> &str {
        self.0.to_str().unwrap()
    }
    fn with_suffix(&self, suffix: &str) -> PathBuf {
        PathBuf::from(format!("{}{suffix}", self.arg()))
    }
    fn clean(&self) {
        for suffix in ["", "-wal", "-shm", ".v1.json"] {
            let _ = std::fs::remove_file(self.with_suffix(suffix));
        }
    }
}

impl Drop for Data {
    fn drop(&mut self) {
        self.clean();
    }
}

/// Fills the first 100 bytes of the `payments` table's root page (its b-tree header) with 0xFF,
/// after checkpointing the WAL into the file.
fn damage_payments_page(path: &Path) {
    use std::os::unix::fs::FileExt;
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    let sql = "SELECT (rootpage - 1) * (SELECT page_size FROM pragma_page_size())
               FROM sqlite_master WHERE name = 'payments'";
    let at: i64 = conn.query_row(sql, [], |r| r.get(0)).unwrap();
    drop(conn);
    let file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    file.write_all_at(&[0xFF; 100], u64::try_from(at).unwrap())
        .unwrap();
    file.sync_all().unwrap();
}

#[tokio::test]
async fn a_damaged_data_file_stops_the_start_and_says_what_to_do() {
    if skip_unless(
        Shell::Native,
        "it damages a SQLite page; npm's --data is a JSON journal",
    ) {
        return;
    }
    let data = Data::new("damaged");
    {
        let mut sim = Sim::start(&["--data", data.arg()]);
        let api = sim.api();
        for i in 0..5 {
            api.create_ok(&minimal(&format!("damaged-{i}"), 1100)).await;
        }
        sim.signal("TERM", Duration::from_secs(10));
    }
    damage_payments_page(&data.0);
    match Sim::launch(&["--data", data.arg()]) {
        Launch::Exited { status, stderr, .. } => {
            assert!(!status.success());
            assert!(stderr.contains(data.arg()), "names the file: {stderr}");
            assert!(stderr.contains("damaged"), "says what is wrong: {stderr}");
            assert!(stderr.contains("backup"), "says what to do: {stderr}");
        }
        Launch::Running(sim) => {
            let listed = sim.api().list("").await;
            panic!(
                "started on a damaged data file; a list then answered {}: {}",
                listed.status, listed.text
            );
        }
    }
}

#[test]
fn a_json_file_that_is_not_an_old_state_file_is_refused_and_left_alone() {
    if skip_unless(
        Shell::Native,
        "only the native binary migrates an older paysg-sim's JSON state file (to SQLite)",
    ) {
        return;
    }
    for (n, text) in [
        r#"{"payments": []}"#,
        r#"{"payments": [], "name": "my fixtures", "idempotency": {}, "emails": [], "webhook_attempts": [], "faults": {}}"#,
    ]
    .into_iter()
    .enumerate()
    {
        let data = Data::new(&format!("not-legacy-{n}"));
        std::fs::write(&data.0, text).unwrap();
        match Sim::launch(&["--data", data.arg()]) {
            Launch::Exited { status, stderr, .. } => {
                assert!(!status.success());
                assert!(stderr.contains(data.arg()), "names the file: {stderr}");
                assert!(stderr.contains("not an earlier paysg-sim's"), "{stderr}");
            }
            Launch::Running(sim) => {
                drop(sim);
                panic!(
                    "started on {text}; the file now holds {} bytes of SQLite, and {} exists",
                    std::fs::metadata(&data.0).map_or(0, |m| m.len()),
                    data.with_suffix(".v1.json").display()
                );
            }
        }
        assert_eq!(std::fs::read_to_string(&data.0).unwrap(), text, "left as it was");
        assert!(!data.with_suffix(".v1.json").exists());
    }
}

#[test]
fn an_old_state_file_never_replaces_an_earlier_backup() {
    if skip_unless(
        Shell::Native,
        "only the native binary migrates an older paysg-sim's JSON state file (to SQLite)",
    ) {
        return;
    }
    let data = Data::new("legacy-backup");
    let old = r#"{"payments": [], "idempotency": {}, "emails": [], "webhook_attempts": [], "faults": {}}"#;
    std::fs::write(&data.0, old).unwrap();
    let backup = data.with_suffix(".v1.json");
    std::fs::write(&backup, "an earlier backup").unwrap();
    match Sim::launch(&["--data", data.arg()]) {
        Launch::Exited { status, stderr, .. } => {
            assert!(!status.success());
            assert!(stderr.contains(backup.to_str().unwrap()), "{stderr}");
        }
        Launch::Running(_) => panic!("started, replacing {}", backup.display()),
    }
    assert_eq!(std::fs::read_to_string(&data.0).unwrap(), old);
    assert_eq!(
        std::fs::read_to_string(&backup).unwrap(),
        "an earlier backup"
    );
    // Without the earlier backup, it is migrated and says so.
    std::fs::remove_file(&backup).unwrap();
    let sim = Sim::start_logging(&["--data", data.arg()]);
    let deadline = std::time::Instant::now() + Duration::from_secs(3);
    while !sim.stderr().contains("migrated") && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        sim.stderr().contains(backup.to_str().unwrap()),
        "{}",
        sim.stderr()
    );
    assert_eq!(std::fs::read_to_string(&backup).unwrap(), old);
}

// ---------------------------------------------------------------------------------------------
// Malformed bodies
// ---------------------------------------------------------------------------------------------

/// Sends raw bytes and reads until the server closes or 5 s pass: the response's head (lower
/// case) and the rest.
fn raw(port: u16, request: &[u8]) -> (String, String) {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let _ = stream.write_all(request);
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    while let Ok(n) = stream.read(&mut buf) {
        if n == 0 {
            break;
        }
        data.extend_from_slice(&buf[..n]);
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map_or(0, |v| v.trim().parse().unwrap_or(0));
            if data.len() >= end + 4 + length {
                let body = String::from_utf8_lossy(&data[end + 4..end + 4 + length]);
                return (head, body.into_owned());
            }
        }
    }
    (String::from_utf8_lossy(&data).into_owned(), String::new())
}

#[test]
fn a_malformed_chunked_body_is_a_bad_request_not_too_large() {
    if skip_unless_any(
        SERVERS,
        "chunked framing is a server's; the in-process simulator gets its body whole",
    ) {
        return;
    }
    let sim = Sim::start(&[]);
    for (path, chunks) in [
        (
            format!("/v1/payment-services/{SERVICE}/payments"),
            "zz\r\n{}\r\n0\r\n\r\n",
        ),
        (
            format!("/v1/payment-services/{SERVICE}/payments"),
            "2\r\n{}XX0\r\n\r\n",
        ),
        ("/sim/reset".to_owned(), "-1\r\n\r\n"),
    ] {
        let request = format!(
            "POST {path} HTTP/1.1\r\nhost: 127.0.0.1\r\nx-api-key: {KEY}\r\n\
             content-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n{chunks}"
        );
        let (head, body) = raw(sim.port, request.as_bytes());
        assert!(
            head.starts_with("http/1.1 400"),
            "{chunks:?}: {head}\n{body}"
        );
        assert!(body.contains("malformed_body"), "{chunks:?}: {body}");
    }
    // A well-formed chunked body is read as before.
    let body = minimal("chunked", 1100).to_string();
    let request = format!(
        "POST /v1/payment-services/{SERVICE}/payments HTTP/1.1\r\nhost: 127.0.0.1\r\n\
         x-api-key: {KEY}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\
         connection: close\r\n\r\n{:x}\r\n{body}\r\n0\r\n\r\n",
        body.len()
    );
    let (head, answer) = raw(sim.port, request.as_bytes());
    assert!(head.starts_with("http/1.1 201"), "{head}\n{answer}");
}
