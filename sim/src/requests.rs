//! The shell of every request: reads it, asks the core what it is ([`core::http::handle`]), and
//! does the I/O that needs. For an API request: holds its `Idempotency-Key` while it runs,
//! sleeps for `x-paysg-sim-delay-ms`, runs the operation and commits what it changed in one
//! blocking task (so that a client that goes away cannot stop it half-way), then answers — or
//! holds or drops the answer for a fault. Pages read the store; actions (pay, reset) change it
//! the same way.

use axum::body::to_bytes;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;

use crate::core::api_request::{self, Incoming, Job, MAX_BODY};
use crate::core::api_response::ApiResponse;
use crate::core::faults::Fault;
use crate::core::http::{self as core_http, Handling};
use crate::core::limits;
use crate::core::model::Change;
use crate::core::ops;
use crate::core::pages::{self, Action, PageRead};
use crate::core::reply::Reply;
use crate::os::OsEntropy;
use crate::{blocking, webhooks, Dropper, Shared, BODY_TIMEOUT};

/// The HTTP response of a reply: its status, its headers as the core gave them (a name given
/// twice is sent twice; nothing added but what HTTP/1.1 framing needs), its body.
pub fn respond(reply: Reply) -> Response {
    let mut res = Response::new(Body::from(reply.body));
    *res.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in reply.headers {
        if let (Ok(n), Ok(v)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            res.headers_mut().append(n, v);
        }
    }
    res
}

/// The answer to a body that could not be read: the core's 400 when HTTP's framing of it is
/// broken (a malformed chunk, say: hyper's error, whose words are logged), its 413 when it is
/// over [`MAX_BODY`].
fn body_refused(app: &Shared, e: &axum::Error) -> Reply {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if c.is::<hyper::Error>() {
            let mut why = c.to_string();
            let mut inner = c.source();
            while let Some(i) = inner {
                why = format!("{why}: {i}");
                inner = i.source();
            }
            app.log(|| format!("answered 400 malformed_body: {why}"));
            return limits::malformed_body();
        }
        cause = c.source();
    }
    limits::body_too_large()
}

/// The handler of every request.
pub async fn handle(State(app): State<Shared>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let started = std::time::Instant::now();
    let path = parts.uri.path().to_owned();
    let method = parts.method.clone();
    // Read the body first, whatever the answer: a client still writing it when the server answers
    // and moves on would see a broken connection.
    let body = match tokio::time::timeout(BODY_TIMEOUT, to_bytes(body, MAX_BODY)).await {
        Ok(Ok(b)) => b,
        Ok(Err(e)) => return respond(body_refused(&app, &e)),
        Err(_) => return respond(limits::body_timed_out()),
    };
    let headers: Vec<(String, Vec<u8>)> = parts
        .headers
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec()))
        .collect();
    let incoming = Incoming {
        method: parts.method.as_str(),
        path: &path,
        query: parts.uri.query(),
        headers: &headers,
        body: &body,
    };
    let mut faults = Change::default();
    let handling = core_http::handle(
        &app.config,
        &mut app.volatile(),
        &incoming,
        &mut OsEntropy,
        &mut faults,
    );
    if let Some(kind) = faults.faults.first() {
        app.log(|| format!("injecting fault {kind} into {method} {path}"));
        blocking(&app, move |app| app.commit_quietly(&faults)).await;
    }
    let reply = match handling {
        Handling::Reply(r) => r,
        Handling::Read(what) => read(&app, what).await,
        Handling::Act(action) => act(&app, action).await,
        Handling::Api(job) => {
            let after = job.after;
            let answer = run(&app, job).await;
            match after {
                Some(Fault::Stall) => tokio::time::sleep(app.config.stall).await,
                Some(Fault::Drop) => {
                    if let Some(d) = parts.extensions.get::<Dropper>() {
                        d.drop_connection();
                        std::future::pending::<()>().await;
                    }
                }
                _ => {}
            }
            answer.into()
        }
    };
    if path.starts_with("/v1/") {
        let status = reply.status;
        app.log(|| {
            format!(
                "{method} {path} → {status} ({} ms)",
                started.elapsed().as_millis()
            )
        });
    }
    respond(reply)
}

/// A page that reads the store.
async fn read(app: &Shared, what: PageRead) -> Reply {
    let pending = app.volatile().webhooks_pending;
    match blocking(app, move |app| app.read(|s| pages::read(s, &what, pending))).await {
        Some(Ok(reply)) => reply,
        Some(Err(e)) => {
            eprintln!("paysg-sim: cannot read the store: {e}");
            ApiResponse::storage_failed().into()
        }
        None => ApiResponse::storage_failed().into(),
    }
}

/// An action that changes state (pay, reset): run and committed on the writer.
async fn act(app: &Shared, action: Action) -> Reply {
    if action == Action::Reset {
        app.volatile().reset();
    }
    let runtime = tokio::runtime::Handle::current();
    let done = blocking(app, move |app| {
        let acted = app.write(|s| {
            let acted = pages::act(&app.config, &*s, &action, app.now(), &mut OsEntropy)?;
            if !acted.change.is_empty() {
                s.commit(&acted.change)?;
            }
            Ok(acted)
        });
        match acted {
            Ok(acted) => {
                webhooks::dispatch(app, &runtime, acted.events);
                acted.reply
            }
            Err(e) => {
                app.storage_failed(&e);
                ApiResponse::storage_failed().into()
            }
        }
    })
    .await;
    done.unwrap_or_else(|| ApiResponse::storage_failed().into())
}

/// Releases an idempotency claim when dropped: when the request's work is over, or when the
/// client went away before it began.
struct Claim {
    app: Shared,
    scope: String,
}

impl Drop for Claim {
    fn drop(&mut self) {
        self.app.volatile().release(&self.scope);
    }
}

/// Runs a job: idempotency, the delay, the operation and its commit.
async fn run(app: &Shared, job: Job) -> ApiResponse {
    let claim = match &job.keyed {
        Some(k) => {
            if !app.volatile().claim(&k.scope) {
                return api_request::in_use();
            }
            let claim = Claim {
                app: app.clone(),
                scope: k.scope.clone(),
            };
            let keyed = k.clone();
            let stored = blocking(app, move |app| {
                app.read(|s| api_request::replay(s, &keyed, app.now()))
            })
            .await;
            match stored {
                Some(Ok(Some(answer))) => return answer,
                Some(Ok(None)) => Some(claim),
                Some(Err(e)) => {
                    app.storage_failed(&e);
                    return ApiResponse::storage_failed();
                }
                None => return ApiResponse::storage_failed(),
            }
        }
        None => None,
    };
    if job.delay_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(job.delay_ms)).await;
    }
    let runtime = tokio::runtime::Handle::current();
    blocking(app, move |app| {
        // The claim is released when this ends, after the commit: never while it runs.
        let _claim = claim;
        let mut entropy = OsEntropy;
        if job.op.reads_only() {
            let now = app.now();
            return match app.read(|s| ops::execute(&app.config, s, &job.op, now, &mut entropy)) {
                Ok(outcome) => outcome.answer,
                Err(e) => {
                    app.storage_failed(&e);
                    ApiResponse::storage_failed()
                }
            };
        }
        let done = app.write(|s| {
            let now = app.now();
            let mut outcome = ops::execute(&app.config, &*s, &job.op, now, &mut entropy)?;
            api_request::finish(&mut outcome, &job, now);
            if !outcome.change.is_empty() {
                s.commit(&outcome.change)?;
            }
            Ok(outcome)
        });
        match done {
            Ok(outcome) => {
                webhooks::dispatch(app, &runtime, outcome.events);
                outcome.answer
            }
            Err(e) => {
                app.storage_failed(&e);
                ApiResponse::storage_failed()
            }
        }
    })
    .await
    .unwrap_or_else(ApiResponse::storage_failed)
}
