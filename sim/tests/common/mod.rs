//! Helpers for the black-box tests: a simulator process per test, a small PaySG client, a webhook
//! receiver, the `PaySG-Signature` recipe, and assertions on PaySG's shapes.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use hmac::{Hmac, Mac};
use reqwest::{Method, RequestBuilder};
use serde_json::{json, Value};
use sha2::Sha256;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The simulator binary built by Cargo for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_paysg-sim");
/// A staging key, accepted by default.
pub const KEY: &str = "paysg_stag_integration_tests";
/// A payment service id with PaySG's prefix.
pub const SERVICE: &str = "payment_service_fe5b1b0b-065a-43b8-939d-03ab2b67ede9";
/// The line prefix the simulator prints on stdout once it accepts connections.
const LISTENING: &str = "listening on http://";

// ---------------------------------------------------------------------------------------------
// The simulator process
// ---------------------------------------------------------------------------------------------

/// A running simulator, killed when dropped.
pub struct Sim {
    child: Child,
    /// `http://<host>:<port>` as printed on the `listening on` line.
    pub url: String,
    /// The host part of the `listening on` line.
    pub host: String,
    /// The port it listens on.
    pub port: u16,
    stderr: Arc<Mutex<String>>,
}

/// What became of a launch: a running simulator, or a process that exited before listening.
pub enum Launch {
    /// It printed the `listening on` line.
    Running(Sim),
    /// It exited first.
    Exited {
        /// Its exit status.
        status: ExitStatus,
        /// Everything it wrote to stdout.
        stdout: String,
        /// Everything it wrote to stderr.
        stderr: String,
    },
}

impl Sim {
    /// Starts `paysg-sim --port 0 --quiet <args>` and waits for its `listening on` line.
    pub fn start(args: &[&str]) -> Sim {
        match Sim::launch(args) {
            Launch::Running(sim) => sim,
            Launch::Exited {
                status,
                stdout,
                stderr,
            } => panic!(
                "paysg-sim {args:?} exited before listening ({status})\nstdout:\n{stdout}\nstderr:\n{stderr}"
            ),
        }
    }

    /// Starts `paysg-sim --port 0 <args>` without `--quiet`, and waits for its `listening on` line.
    pub fn start_logging(args: &[&str]) -> Sim {
        match Sim::launch_with(args, false) {
            Launch::Running(sim) => sim,
            Launch::Exited { status, stderr, .. } => {
                panic!("paysg-sim {args:?} exited before listening ({status})\n{stderr}")
            }
        }
    }

    /// Starts `paysg-sim --port 0 --quiet <args>` and reports whether it came up.
    pub fn launch(args: &[&str]) -> Launch {
        Sim::launch_with(args, true)
    }

    fn launch_with(args: &[&str], quiet: bool) -> Launch {
        let mut child = Command::new(BIN)
            .args(["--port", "0"])
            .args(quiet.then_some("--quiet"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn paysg-sim");
        let stderr = Arc::new(Mutex::new(String::new()));
        {
            let mut pipe = child.stderr.take().expect("stderr piped");
            let sink = Arc::clone(&stderr);
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = pipe.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    sink.lock()
                        .unwrap()
                        .push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            });
        }
        // Stdout is read on a thread for the whole life of the process, so that the simulator
        // never writes into a closed pipe.
        let (tx, rx) = mpsc::channel::<String>();
        let pipe = child.stdout.take().expect("stdout piped");
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines() {
                let Ok(line) = line else { break };
                let _ = tx.send(line);
            }
        });
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut stdout = String::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    stdout.push_str(&line);
                    stdout.push('\n');
                    if let Some(rest) = line.trim().strip_prefix(LISTENING) {
                        let (host, port) = rest.rsplit_once(':').expect("host:port");
                        let port = port.trim_end_matches('/').parse().expect("a port number");
                        return Launch::Running(Sim {
                            child,
                            url: format!("http://{host}:{port}"),
                            host: host.to_owned(),
                            port,
                            stderr,
                        });
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let status = wait_timeout(&mut child, Duration::from_secs(10))
                        .expect("paysg-sim closed stdout but did not exit");
                    // Give the stderr thread a moment to drain the pipe.
                    std::thread::sleep(Duration::from_millis(50));
                    let stderr = stderr.lock().unwrap().clone();
                    return Launch::Exited {
                        status,
                        stdout,
                        stderr,
                    };
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!(
                        "paysg-sim {args:?} printed no `{LISTENING}…` line within 20 s\nstdout:\n{stdout}\nstderr:\n{}",
                        stderr.lock().unwrap()
                    );
                }
            }
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What it wrote to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Sends a signal (`TERM`, `INT`) with `kill` and waits up to `within` for the exit status.
    pub fn signal(&mut self, signal: &str, within: Duration) -> ExitStatus {
        let sent = Command::new("kill")
            .args([format!("-{signal}"), self.pid().to_string()])
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill -{signal} failed");
        wait_timeout(&mut self.child, within).unwrap_or_else(|| {
            panic!(
                "paysg-sim did not exit within {within:?} of SIG{signal}\nstderr:\n{}",
                self.stderr()
            )
        })
    }

    /// A client with the default staging key and payment service.
    pub fn api(&self) -> Api {
        Api {
            http: client(),
            base: self.url.clone(),
            key: Some(KEY.to_owned()),
            service: SERVICE.to_owned(),
            headers: Vec::new(),
        }
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// Waits for a child to exit, up to `within`.
pub fn wait_timeout(child: &mut Child, within: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + within;
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return Some(status);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A path for a data file in Cargo's scratch directory for integration tests, removed if present.
pub fn scratch_file(name: &str) -> std::path::PathBuf {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("paysg-sim-{name}-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

// ---------------------------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------------------------

/// An HTTP client that does not follow redirects (the tests look at them).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("reqwest client")
}

/// A reply, read in full.
#[derive(Debug, Clone)]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// The response headers.
    pub headers: reqwest::header::HeaderMap,
    /// The raw body.
    pub text: String,
    /// The body parsed as JSON, or `Null` when it is not JSON.
    pub json: Value,
}

impl Reply {
    /// A header as text, if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts the status and returns the JSON body.
    #[track_caller]
    pub fn expect(&self, status: u16) -> &Value {
        assert_eq!(
            self.status, status,
            "expected HTTP {status}, got {} with body {}",
            self.status, self.text
        );
        &self.json
    }

    /// `error.code` of a PaySG error body.
    pub fn code(&self) -> &str {
        self.json["error"]["code"].as_str().unwrap_or("")
    }
}

/// A small PaySG client bound to one simulator, API key and payment service.
#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    /// The simulator's base URL.
    pub base: String,
    key: Option<String>,
    service: String,
    headers: Vec<(String, String)>,
}

impl Api {
    /// The same client with another API key (`None`: no `x-api-key` header).
    pub fn with_key(&self, key: Option<&str>) -> Api {
        Api {
            key: key.map(str::to_owned),
            ..self.clone()
        }
    }

    /// The same client on another payment service id.
    pub fn with_service(&self, service: &str) -> Api {
        Api {
            service: service.to_owned(),
            ..self.clone()
        }
    }

    /// The same client on a connection pool of its own.
    pub fn fresh(&self) -> Api {
        Api {
            http: client(),
            ..self.clone()
        }
    }

    /// The same client, sending this header on every request.
    pub fn with_header(&self, name: &str, value: &str) -> Api {
        let mut api = self.clone();
        api.headers.push((name.to_owned(), value.to_owned()));
        api
    }

    /// `{base}/v1/payment-services/{service}/payments{suffix}`.
    pub fn payments_url(&self, suffix: &str) -> String {
        format!(
            "{}/v1/payment-services/{}/payments{suffix}",
            self.base, self.service
        )
    }

    /// A request to the payments API, with the key and the default headers.
    pub fn v1(&self, method: Method, suffix: &str) -> RequestBuilder {
        let mut rb = self.http.request(method, self.payments_url(suffix));
        if let Some(key) = &self.key {
            rb = rb.header("x-api-key", key);
        }
        for (name, value) in &self.headers {
            rb = rb.header(name, value);
        }
        rb
    }

    /// A request to a simulator path (`/sim/…`, pages), without the API key.
    pub fn sim(&self, method: Method, path: &str) -> RequestBuilder {
        self.http.request(method, format!("{}{path}", self.base))
    }

    /// A plain GET of an absolute URL.
    pub async fn get_url(&self, url: &str) -> Reply {
        send(self.http.get(url)).await
    }

    /// `POST …/payments`.
    pub async fn create(&self, body: &Value) -> Reply {
        send(self.v1(Method::POST, "").json(body)).await
    }

    /// `POST …/payments` with an `Idempotency-Key`.
    pub async fn create_with_key(&self, body: &Value, key: &str) -> Reply {
        send(
            self.v1(Method::POST, "")
                .header("Idempotency-Key", key)
                .json(body),
        )
        .await
    }

    /// `POST …/payments`, asserting 201; returns the payment.
    pub async fn create_ok(&self, body: &Value) -> Value {
        let reply = self.create(body).await;
        assert_eq!(
            reply.status, 201,
            "create: expected 201, got {} with {}\nrequest body: {body}",
            reply.status, reply.text
        );
        reply.json
    }

    /// `GET …/payments/{id}`.
    pub async fn get(&self, id: &str) -> Reply {
        send(self.v1(Method::GET, &format!("/{id}"))).await
    }

    /// `GET …/payments/{id}`, asserting 200.
    pub async fn get_ok(&self, id: &str) -> Value {
        self.get(id).await.expect(200).clone()
    }

    /// `GET …/payments?{query}`.
    pub async fn list(&self, query: &str) -> Reply {
        let suffix = if query.is_empty() {
            String::new()
        } else {
            format!("?{query}")
        };
        send(self.v1(Method::GET, &suffix)).await
    }

    /// Every payment id of the service, walking the list forward 100 at a time.
    pub async fn all_ids(&self) -> Vec<String> {
        let mut ids = Vec::new();
        let mut query = "limit=100".to_owned();
        loop {
            let page = self.list(&query).await.expect(200).clone();
            ids.extend(ids_of(&page));
            if page["page_info"]["has_next_page"] != json!(true) {
                return ids;
            }
            let cursor = page["page_info"]["end_cursor"]
                .as_str()
                .expect("end_cursor");
            query = format!("limit=100&after={cursor}");
        }
    }

    /// `POST …/payments/{id}/cancel`.
    pub async fn cancel(&self, id: &str) -> Reply {
        send(self.v1(Method::POST, &format!("/{id}/cancel"))).await
    }

    /// `POST …/payments/{id}/refund` with `{ refund_amount_in_cents }`.
    pub async fn refund(&self, id: &str, cents: u64) -> Reply {
        self.refund_body(id, &json!({ "refund_amount_in_cents": cents }))
            .await
    }

    /// `POST …/payments/{id}/refund` with any body.
    pub async fn refund_body(&self, id: &str, body: &Value) -> Reply {
        send(self.v1(Method::POST, &format!("/{id}/refund")).json(body)).await
    }

    /// `POST …/payments/{id}/refund` with an `Idempotency-Key`.
    pub async fn refund_with_key(&self, id: &str, cents: u64, key: &str) -> Reply {
        send(
            self.v1(Method::POST, &format!("/{id}/refund"))
                .header("Idempotency-Key", key)
                .json(&json!({ "refund_amount_in_cents": cents })),
        )
        .await
    }

    /// `POST …/payments/{id}/send-email` (with `{}`, as Plumber sends).
    pub async fn send_email(&self, id: &str) -> Reply {
        send(
            self.v1(Method::POST, &format!("/{id}/send-email"))
                .json(&json!({})),
        )
        .await
    }

    /// `POST /sim/payments/{id}/pay`: pays as a script would.
    pub async fn pay(&self, id: &str) -> Reply {
        send(self.sim(Method::POST, &format!("/sim/payments/{id}/pay"))).await
    }

    /// Pays, asserting 200.
    pub async fn pay_ok(&self, id: &str) -> Value {
        self.pay(id).await.expect(200).clone()
    }

    /// `GET {path}` on the simulator, asserting 200 and a JSON body.
    pub async fn sim_json(&self, path: &str) -> Value {
        let reply = send(self.sim(Method::GET, path)).await;
        reply.expect(200);
        assert!(
            !reply.json.is_null(),
            "GET {path}: not JSON: {}",
            reply.text
        );
        reply.json
    }

    /// `GET /sim/state`.
    pub async fn state(&self) -> Value {
        self.sim_json("/sim/state").await
    }
}

/// Sends a request and reads the whole reply; panics on a transport error.
pub async fn send(rb: RequestBuilder) -> Reply {
    try_send(rb)
        .await
        .unwrap_or_else(|e| panic!("request failed: {e:?}"))
}

/// Sends a request and reads the whole reply.
pub async fn try_send(rb: RequestBuilder) -> Result<Reply, reqwest::Error> {
    let response = rb.send().await?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await?;
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Ok(Reply {
        status,
        headers,
        text,
        json,
    })
}

// ---------------------------------------------------------------------------------------------
// Bodies and assertions
// ---------------------------------------------------------------------------------------------

/// A create body with only the required fields.
pub fn minimal(reference: &str, cents: u64) -> Value {
    json!({
        "reference_id": reference,
        "payer_name": "Tan Ah Kow",
        "description": "Season parking, March",
        "amount_in_cents": cents,
    })
}

/// `body` with `field` set to `value` (or removed when `value` is `Null`).
pub fn with(body: &Value, field: &str, value: Value) -> Value {
    let mut body = body.clone();
    let map = body.as_object_mut().expect("an object body");
    if value.is_null() {
        map.remove(field);
    } else {
        map.insert(field.to_owned(), value);
    }
    body
}

/// The ids of a list page's `data`, in order.
pub fn ids_of(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .unwrap_or_else(|| panic!("no data array in {page}"))
        .iter()
        .map(|p| p["id"].as_str().expect("payment id").to_owned())
        .collect()
}

/// Asserts a PaySG error: the status, `{ error: { type, code, message } }` with non-empty strings,
/// and the code.
#[track_caller]
pub fn assert_error(reply: &Reply, status: u16, code: &str) {
    assert_eq!(
        reply.status, status,
        "expected HTTP {status} {code}, got {} with body {}",
        reply.status, reply.text
    );
    assert_error_body(reply);
    assert_eq!(
        reply.code(),
        code,
        "wrong error code in {} (HTTP {})",
        reply.text,
        reply.status
    );
}

/// Asserts that the body is PaySG's error shape.
#[track_caller]
pub fn assert_error_body(reply: &Reply) {
    let error = &reply.json["error"];
    assert!(
        error.is_object(),
        "not a PaySG error body (HTTP {}): {}",
        reply.status,
        reply.text
    );
    for part in ["type", "code", "message"] {
        let text = error[part].as_str().unwrap_or("");
        assert!(
            !text.is_empty(),
            "error.{part} is missing or empty in {}",
            reply.text
        );
    }
    for part in ["type", "code"] {
        let text = error[part].as_str().unwrap_or("");
        assert!(
            text.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "error.{part} {text:?} is not snake_case"
        );
    }
}

/// Asserts `value` is a timestamp like `2023-08-03T17:36:52.634+08:00`.
#[track_caller]
pub fn assert_timestamp(value: &Value, what: &str) {
    let s = value
        .as_str()
        .unwrap_or_else(|| panic!("{what} is not a string: {value}"));
    let shape = "dddd-dd-ddTdd:dd:dd.ddd+08:00";
    let ok = s.len() == shape.len()
        && s.bytes().zip(shape.bytes()).all(|(c, p)| match p {
            b'd' => c.is_ascii_digit(),
            _ => c == p,
        });
    assert!(
        ok,
        "{what} {s:?} is not ISO-8601 with milliseconds and +08:00"
    );
}

/// Whether `s` is a lower-case hyphenated UUID.
pub fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Every field of PaySG's payment object (paysg-api.md §5).
pub const PAYMENT_FIELDS: [&str; 28] = [
    "id",
    "payment_service_id",
    "reference_id",
    "payer_name",
    "payer_address",
    "payer_identifier",
    "payer_email",
    "description",
    "amount_in_cents",
    "due_date",
    "metadata",
    "return_url",
    "payment_url",
    "payment_qr_code_url",
    "payment_status",
    "latest_status",
    "refund_status",
    "email_delivery_status",
    "stripe_payment_intent_id",
    "payout_id",
    "creator_id",
    "created_at",
    "updated_at",
    "payment_sent_timestamp",
    "payment_succeeded_timestamp",
    "payment_cancelled_timestamp",
    "payment_fully_refunded_timestamp",
    "paid_out_timestamp",
];

/// Asserts that `payment` carries every §5 field.
#[track_caller]
pub fn assert_payment_shape(payment: &Value) {
    let map = payment
        .as_object()
        .unwrap_or_else(|| panic!("a payment must be an object: {payment}"));
    let missing: Vec<&str> = PAYMENT_FIELDS
        .iter()
        .copied()
        .filter(|f| !map.contains_key(*f))
        .collect();
    assert!(missing.is_empty(), "payment lacks {missing:?}: {payment}");
}

/// The statuses `(payment_status, latest_status, refund_status, email_delivery_status)`.
pub fn statuses(payment: &Value) -> (&str, &str, &str, &str) {
    let s = |f: &str| payment[f].as_str().unwrap_or("<not a string>");
    (
        s("payment_status"),
        s("latest_status"),
        s("refund_status"),
        s("email_delivery_status"),
    )
}

// ---------------------------------------------------------------------------------------------
// Webhooks
// ---------------------------------------------------------------------------------------------

/// One request a receiver got.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Its headers.
    pub headers: HeaderMap,
    /// Its raw body.
    pub body: Bytes,
    /// When it arrived.
    pub at: Instant,
}

impl Hit {
    /// A header as text.
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("webhook without a {name} header: {:?}", self.headers))
    }

    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON webhook body")
    }
}

struct Inbox {
    hits: Mutex<Vec<Hit>>,
    answers: Vec<u16>,
}

/// A webhook endpoint on 127.0.0.1 that records every POST and answers with the given statuses in
/// turn (200 once they run out).
pub struct Receiver {
    /// Its URL.
    pub url: String,
    inbox: Arc<Inbox>,
}

impl Receiver {
    /// Starts a receiver answering `answers` in turn, then 200.
    pub async fn start(answers: &[u16]) -> Receiver {
        async fn hook(
            State(inbox): State<Arc<Inbox>>,
            headers: HeaderMap,
            body: Bytes,
        ) -> StatusCode {
            let mut hits = inbox.hits.lock().unwrap();
            let answer = inbox.answers.get(hits.len()).copied().unwrap_or(200);
            hits.push(Hit {
                headers,
                body,
                at: Instant::now(),
            });
            StatusCode::from_u16(answer).expect("a status code")
        }
        let inbox = Arc::new(Inbox {
            hits: Mutex::new(Vec::new()),
            answers: answers.to_vec(),
        });
        let app = axum::Router::new()
            .route("/hooks/paysg", axum::routing::post(hook))
            .with_state(Arc::clone(&inbox));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the receiver");
        let addr = listener.local_addr().expect("receiver address");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver {
            url: format!("http://{addr}/hooks/paysg"),
            inbox,
        }
    }

    /// What it got so far.
    pub fn hits(&self) -> Vec<Hit> {
        self.inbox.hits.lock().unwrap().clone()
    }

    /// Waits until it got at least `n` requests (up to `within`) and returns them all.
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Hit> {
        let deadline = Instant::now() + within;
        loop {
            let hits = self.hits();
            if hits.len() >= n || Instant::now() >= deadline {
                return hits;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// `PaySG-Signature`'s `v1`: hex HMAC-SHA256 keyed with the secret over `"<t>.<raw body>"`
/// (paysg-api.md §15.5).
pub fn signature(secret: &str, t: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(t.as_bytes());
    mac.update(b".");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// Splits `t=<t>, v1=<v1>` (on commas, each part trimmed) into `(t, v1)`.
pub fn parse_signature_header(header: &str) -> (String, String) {
    let mut t = None;
    let mut v1 = None;
    for part in header.split(',').map(str::trim) {
        if let Some(v) = part.strip_prefix("t=") {
            t = Some(v.to_owned());
        } else if let Some(v) = part.strip_prefix("v1=") {
            v1 = Some(v.to_owned());
        }
    }
    (
        t.unwrap_or_else(|| panic!("no t= in PaySG-Signature {header:?}")),
        v1.unwrap_or_else(|| panic!("no v1= in PaySG-Signature {header:?}")),
    )
}

// ---------------------------------------------------------------------------------------------
// The payment page
// ---------------------------------------------------------------------------------------------

/// The page's POST form: its absolute action URL and its named fields.
pub fn pay_form(html: &str, page_url: &str) -> (String, Vec<(String, String)>) {
    let lower = html.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find("<form").map(|i| i + from) {
        let tag_end = lower[at..]
            .find('>')
            .map(|i| i + at)
            .expect("a closed <form> tag");
        let tag = &html[at..=tag_end];
        let end = lower[tag_end..]
            .find("</form")
            .map_or(html.len(), |i| i + tag_end);
        from = end;
        if attr(tag, "method").is_some_and(|m| m.eq_ignore_ascii_case("post")) {
            let action = attr(tag, "action").unwrap_or_default();
            let action = reqwest::Url::parse(page_url)
                .and_then(|base| base.join(&action))
                .expect("a form action URL")
                .to_string();
            let mut fields = Vec::new();
            let inner = &html[tag_end..end];
            let inner_lower = &lower[tag_end..end];
            for element in ["<input", "<button"] {
                let mut i = 0;
                while let Some(pos) = inner_lower[i..].find(element).map(|p| p + i) {
                    let close = inner_lower[pos..]
                        .find('>')
                        .map_or(inner.len(), |c| c + pos);
                    let tag = &inner[pos..close.min(inner.len())];
                    if let Some(name) = attr(tag, "name") {
                        fields.push((name, attr(tag, "value").unwrap_or_default()));
                    }
                    i = close.min(inner.len());
                }
            }
            return (action, fields);
        }
    }
    panic!("no <form method=\"post\"> on the payment page:\n{html}");
}

/// An attribute of an HTML start tag, entity-decoded.
fn attr(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find(name).map(|i| i + from) {
        from = at + name.len();
        let before_ok = at > 0 && lower.as_bytes()[at - 1].is_ascii_whitespace();
        let rest = lower[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let value_start = tag.len() - rest.len() + 1;
        let value = tag[value_start..].trim_start();
        let raw = match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or(""),
            _ => value
                .split(|c: char| c.is_ascii_whitespace() || c == '>')
                .next()
                .unwrap_or(""),
        };
        return Some(
            raw.replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&#x27;", "'")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&"),
        );
    }
    None
}
