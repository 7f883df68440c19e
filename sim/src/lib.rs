//! `paysg-sim`: a local PaySG for the SDK's tests, its demo and users' own test suites.
//!
//! The logic is a sans-I/O core ([`core`]): a request, the time and randomness in; an answer,
//! what to store and the webhooks to send out. This crate's binary is its native shell: an HTTP
//! server (hyper and axum on tokio), the store (memory, or SQLite with `--data`: [`sqlite`]),
//! webhook delivery, and the locks. See `docs/paysg-sim.md` for what it does and the choices
//! made where PaySG's documentation is silent.

pub mod requests;
pub use paysg_sim_core as core;
mod legacy;
pub mod os;
pub mod send;
pub mod sqlite;
pub mod webhooks;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::extract::Request;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Notify, Semaphore};
use tower::ServiceExt as _;

use crate::core::model::Change;
use crate::core::store::{MemStore, Store, StoreError};
pub use crate::core::Config;
use crate::core::Volatile;

/// How long a connection may take to send a request's headers, and stay idle between requests
/// (the core's [`core::limits::HEADER_TIMEOUT_MS`]).
pub const HEADER_TIMEOUT: Duration = Duration::from_millis(core::limits::HEADER_TIMEOUT_MS);
/// How long a request's body may take to arrive (the core's [`core::limits::BODY_TIMEOUT_MS`]).
pub const BODY_TIMEOUT: Duration = Duration::from_millis(core::limits::BODY_TIMEOUT_MS);
/// Connections served at once; more wait to be accepted (the core's
/// [`core::limits::MAX_CONNECTIONS`]).
pub const MAX_CONNECTIONS: usize = core::limits::MAX_CONNECTIONS;

/// Where the state is kept.
enum Backend {
    /// In memory (no `--data`): one store for reads and writes.
    Memory(Mutex<MemStore>),
    /// SQLite: one connection writes, another reads (reads do not wait for a write's fsync).
    Sqlite {
        writer: Mutex<sqlite::SqliteStore>,
        reader: Mutex<sqlite::SqliteStore>,
        _lock: sqlite::FileLock,
    },
}

/// State shared by every request.
pub struct App {
    /// The configuration.
    pub config: Config,
    backend: Backend,
    volatile: Mutex<Volatile>,
    /// HTTP client for webhooks.
    pub http: reqwest::Client,
    /// Wakes the webhook task ([`webhooks::run`]): deliveries were scheduled or an attempt stored.
    pub wake: Notify,
}

/// The shared state handle.
pub type Shared = Arc<App>;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl App {
    /// Builds the state, opening `config.data` when given.
    ///
    /// # Errors
    ///
    /// One line: the data file cannot be used (in use, not writable, not a paysg-sim file).
    pub fn new(config: Config) -> Result<Shared, String> {
        let backend = match &config.data {
            Some(path) => {
                let (writer, reader, lock, note) = sqlite::open(path, config.data_max_bytes)?;
                if let Some(note) = note {
                    eprintln!("paysg-sim: {note}");
                }
                Backend::Sqlite {
                    writer: Mutex::new(writer),
                    reader: Mutex::new(reader),
                    _lock: lock,
                }
            }
            None => Backend::Memory(Mutex::new(MemStore::default())),
        };
        // Each attempt's timeout is the core's (`Send::timeout_ms`).
        let http = reqwest::Client::builder()
            .build()
            .map_err(|e| format!("cannot build the webhook client: {e}"))?;
        Ok(Arc::new(App {
            config,
            backend,
            volatile: Mutex::new(Volatile::default()),
            http,
            wake: Notify::new(),
        }))
    }

    /// Reads the store (blocking: call from a blocking task, or for quick reads).
    pub fn read<T>(&self, f: impl FnOnce(&dyn Store) -> T) -> T {
        match &self.backend {
            Backend::Memory(m) => f(&*lock(m)),
            Backend::Sqlite { reader, .. } => f(&*lock(reader)),
        }
    }

    /// Holds the store's writer: reads inside see every committed change, and no other change
    /// is made meanwhile (blocking: call from a blocking task).
    pub fn write<T>(&self, f: impl FnOnce(&mut dyn Store) -> T) -> T {
        match &self.backend {
            Backend::Memory(m) => f(&mut *lock(m)),
            Backend::Sqlite { writer, .. } => f(&mut *lock(writer)),
        }
    }

    /// Commits a change that acknowledges nothing (fault counts, webhook attempts): a failure
    /// is reported on stderr.
    pub fn commit_quietly(&self, change: &Change) {
        if change.is_empty() {
            return;
        }
        if let Err(e) = self.write(|s| s.commit(change)) {
            self.storage_failed(&e);
        }
    }

    /// Reports a storage failure on stderr (always, even with `--quiet`).
    pub fn storage_failed(&self, e: &StoreError) {
        eprintln!("paysg-sim: cannot store a change, answered 503 and applied nothing: {e}");
    }

    /// The simulator's time (ms): the system clock, moved forward by `POST /sim/clock`.
    pub fn now(&self) -> i64 {
        self.volatile().now(os::now_ms())
    }

    /// The in-memory state (never stored).
    pub fn volatile(&self) -> MutexGuard<'_, Volatile> {
        lock(&self.volatile)
    }

    /// Writes a log line on stderr unless `--quiet`.
    pub fn log(&self, line: impl FnOnce() -> String) {
        if self.config.log {
            eprintln!("paysg-sim: {}", line());
        }
    }
}

/// Runs `f` on a blocking thread with the app; it runs to its end even if the request that
/// started it is gone (a change is committed whole or not at all, never half-way).
pub async fn blocking<T: Send + 'static>(
    app: &Shared,
    f: impl FnOnce(&Shared) -> T + Send + 'static,
) -> Option<T> {
    let app = app.clone();
    tokio::task::spawn_blocking(move || f(&app)).await.ok()
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

/// Every route of the simulator: one handler, which asks the core what a request is.
pub fn router(app: Shared) -> Router {
    Router::new().fallback(requests::handle).with_state(app)
}

/// Accepts connections until `shutdown` resolves, at most [`MAX_CONNECTIONS`] at a time, each
/// closed when it takes longer than [`HEADER_TIMEOUT`] to send a request's headers or stays idle
/// that long between requests. Changes are stored as they are made: nothing is left to save.
///
/// Each connection is served by hyper directly (not `axum::serve`) so that a request can close
/// its own connection without a response, as the `drop` fault needs.
pub async fn serve(
    app: Shared,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()>,
) {
    // Webhook deliveries pending at the last stop (stored with their events) resume now.
    webhooks::resume(&app);
    tokio::spawn(webhooks::run(app.clone()));
    let router = router(app.clone());
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            () = &mut shutdown => break,
            slot = slots.clone().acquire_owned() => match slot {
                Ok(s) => s,
                Err(_) => break,
            },
        };
        let (stream, _peer): (_, SocketAddr) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of descriptors, say: idle connections close within HEADER_TIMEOUT.
                    app.log(|| format!("accept failed: {e}"));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let router = router.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let kill = Arc::new(Notify::new());
            let dropper = Dropper(kill.clone());
            let service =
                hyper::service::service_fn(move |mut req: Request<hyper::body::Incoming>| {
                    req.extensions_mut().insert(dropper.clone());
                    router.clone().oneshot(req.map(axum::body::Body::new))
                });
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = conn => {}
                () = kill.notified() => {} // dropping `conn` closes the socket, unanswered
            }
        });
    }
}
