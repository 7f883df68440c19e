//! A webhook receiver, and the `PaySG-Signature` recipe.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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
