//! `paysg-sim`: a local PaySG for the SDK's tests, its demo and users' own test suites.
//!
//! A real HTTP server (axum on tokio) with PaySG's endpoints and semantics, the payer's payment
//! page, idempotency, signed webhooks and faults on demand. See `docs/paysg-sim.md` for what it
//! does and the choices made where PaySG's documentation is silent.

pub mod api;
pub mod faults;
pub mod pages;
pub mod store;
pub mod util;
pub mod webhooks;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::extract::Request;
use axum::routing::{any, get, post};
use axum::Router;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tower::ServiceExt as _;

use faults::FaultPlan;
use store::Store;

/// How the simulator runs (the command-line flags).
#[derive(Debug, Clone)]
pub struct Config {
    /// Base of `payment_url` and `payment_qr_code_url` (no trailing slash).
    pub public_url: String,
    /// When non-empty, the only API keys accepted.
    pub api_keys: Vec<String>,
    /// Webhook endpoints.
    pub webhook_urls: Vec<String>,
    /// Webhook signing secret (never logged).
    pub webhook_secret: Option<String>,
    /// Attempts per event and endpoint.
    pub webhook_max_attempts: u32,
    /// First retry delay.
    pub webhook_backoff: Duration,
    /// `t` of `PaySG-Signature` in seconds instead of milliseconds.
    pub signature_in_seconds: bool,
    /// Faults for every API request (a header can override them).
    pub faults: FaultPlan,
    /// `Retry-After` of injected 429/503.
    pub retry_after_secs: u64,
    /// How long a `stall` fault holds the response.
    pub stall: Duration,
    /// Where state is kept, if anywhere.
    pub data: Option<PathBuf>,
    /// `(from, to)` prefixes: a payer whose `return_url` starts with `from` is sent to `to`
    /// instead (local development without TLS).
    pub return_url_map: Vec<(String, String)>,
    /// Log requests and webhook attempts on stderr.
    pub log: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            public_url: String::new(),
            api_keys: Vec::new(),
            webhook_urls: Vec::new(),
            webhook_secret: None,
            webhook_max_attempts: 6,
            webhook_backoff: Duration::from_millis(500),
            signature_in_seconds: false,
            faults: FaultPlan::none(),
            retry_after_secs: 1,
            stall: Duration::from_secs(30),
            data: None,
            return_url_map: Vec::new(),
            log: true,
        }
    }
}

/// State shared by every request.
pub struct App {
    /// The configuration.
    pub config: Config,
    store: Mutex<Store>,
    /// HTTP client for webhooks.
    pub http: reqwest::Client,
}

/// The shared state handle.
pub type Shared = Arc<App>;

impl App {
    /// Builds the state, loading `config.data` when given.
    ///
    /// # Errors
    ///
    /// When the data file cannot be read or is not a simulator file.
    pub fn new(config: Config) -> Result<Shared, String> {
        let store = match &config.data {
            Some(path) => Store::load(path)?,
            None => Store::default(),
        };
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| format!("cannot build the webhook client: {e}"))?;
        Ok(Arc::new(App {
            config,
            store: Mutex::new(store),
            http,
        }))
    }

    /// Locks the store (a panic elsewhere never makes it unusable).
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Saves the store after a change, when `--data` was given. Failures are logged, not fatal.
    pub fn persist(&self, store: &Store) {
        if let Some(path) = &self.config.data {
            if let Err(e) = store.save(path) {
                eprintln!("paysg-sim: {e}");
            }
        }
    }

    /// Writes a log line on stderr unless `--quiet`.
    pub fn log(&self, line: impl FnOnce() -> String) {
        if self.config.log {
            eprintln!("paysg-sim: {}", line());
        }
    }
}

/// Lets a handler close its connection without answering (the `drop` fault).
#[derive(Clone)]
pub struct Dropper(Arc<Notify>);

impl Dropper {
    /// Closes the connection; the caller should then never return.
    pub fn drop_connection(&self) {
        self.0.notify_one();
    }
}

/// Every route of the simulator.
pub fn router(app: Shared) -> Router {
    Router::new()
        .route("/v1/public/payments/{file}", get(pages::qr_png))
        .route("/v1/{*rest}", any(api::handle))
        .route("/", get(pages::index))
        .route("/payments/{id}", get(pages::payment_page))
        .route("/payments/{id}/pay", post(pages::pay_form))
        .route("/sim/payments/{id}/pay", post(pages::pay_json))
        .route("/sim/emails", get(pages::emails_page))
        .route("/sim/emails.json", get(pages::emails_json))
        .route("/sim/webhooks", get(pages::webhooks_page))
        .route("/sim/webhooks.json", get(pages::webhooks_json))
        .route("/sim/state", get(pages::state_json))
        .route("/sim/reset", post(pages::reset))
        .fallback(api::not_found)
        .with_state(app)
}

/// Accepts connections until `shutdown` resolves, then saves state and returns.
///
/// Each connection is served by hyper directly (not `axum::serve`) so that a request can close
/// its own connection without a response, as the `drop` fault needs.
pub async fn serve(
    app: Shared,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let router = router(app.clone());
    tokio::pin!(shutdown);
    loop {
        let (stream, _peer): (_, SocketAddr) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    app.log(|| format!("accept failed: {e}"));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let router = router.clone();
        tokio::spawn(async move {
            let kill = Arc::new(Notify::new());
            let dropper = Dropper(kill.clone());
            let service =
                hyper::service::service_fn(move |mut req: Request<hyper::body::Incoming>| {
                    req.extensions_mut().insert(dropper.clone());
                    router.clone().oneshot(req.map(axum::body::Body::new))
                });
            let conn = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = conn => {}
                () = kill.notified() => {} // dropping `conn` closes the socket, unanswered
            }
        });
    }
    let store = app.store();
    app.persist(&store);
}
