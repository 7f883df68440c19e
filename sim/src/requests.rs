//! The shell of every request: reads it, then drives the core's [`Exchange`] (which decides
//! every step: the key's claim, the replay, the delay, the operation, its commit, the webhooks it
//! owes, a fault's stall or drop) and does the I/O each step asks for. A read or a write runs on
//! a blocking thread, which owns the exchange while it runs, so that a client that goes away
//! cannot stop a commit half-way or release its key before the commit.

use axum::body::to_bytes;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;

use crate::core::api_request::{Incoming, MAX_BODY};
use crate::core::api_response::ApiResponse;
use crate::core::drive::{Exchange, Next};
use crate::core::limits;
use crate::core::reply::Reply;
use crate::os::{self, OsEntropy};
use crate::{blocking, Dropper, Shared, BODY_TIMEOUT};

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
    let ex = Exchange::new(&app.config, &mut app.volatile(), &incoming, &mut OsEntropy);
    let mut run = Running {
        app: app.clone(),
        ex,
    };
    let reply = loop {
        let next = run.ex.poll(&app.config, &mut app.volatile(), os::now_ms());
        match next {
            Next::Commit(change) => {
                blocking(&app, move |app| app.commit_quietly(&change)).await;
            }
            Next::Log { line, always } => {
                if always {
                    eprintln!("paysg-sim: {line}");
                } else {
                    app.log(|| line);
                }
            }
            Next::Read | Next::Write => {
                let write = next == Next::Write;
                // The blocking task owns the exchange: dropped there (the key released, the
                // webhooks scheduled) if this request is gone when it ends.
                let back = blocking(&app, move |app| {
                    let now = app.now();
                    if write {
                        app.write(|s| run.ex.write(&app.config, s, now, &mut OsEntropy));
                    } else {
                        app.read(|s| run.ex.read(&app.config, s, now, &mut OsEntropy));
                    }
                    run
                })
                .await;
                match back {
                    Some(r) => run = r,
                    None => return respond(ApiResponse::storage_failed().into()),
                }
            }
            Next::Sleep(ms) => tokio::time::sleep(std::time::Duration::from_millis(ms)).await,
            Next::Wake => app.wake.notify_one(),
            Next::Reply(r) => break r,
            Next::Stall { ms, reply } => {
                tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
                break reply;
            }
            Next::Drop => {
                if let Some(d) = parts.extensions.get::<Dropper>() {
                    d.drop_connection();
                    std::future::pending::<()>().await;
                }
                break Reply::empty(500);
            }
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

/// An exchange under way, abandoned when dropped before it is over (the client went away): its
/// key is released and a committed change's webhooks are scheduled.
struct Running {
    app: Shared,
    ex: Exchange,
}

impl Drop for Running {
    fn drop(&mut self) {
        if !self.ex.is_over()
            && self
                .ex
                .abandon(&self.app.config, &mut self.app.volatile(), os::now_ms())
        {
            self.app.wake.notify_one();
        }
    }
}
