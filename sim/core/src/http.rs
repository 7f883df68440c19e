//! Every request of the simulator, classified: an answer at once, an API job, a page to read, or
//! an action that changes state. A shell turns each into I/O the same way ([`Handling`]), and
//! sends the [`Reply`].

use super::api_request::{prepare, Incoming, Job, Prepared};
use super::api_response::ApiResponse;
use super::ids::Entropy;
use super::model::Change;
use super::pages::{self, Action, PageRead};
use super::{Config, Volatile};

/// An HTTP reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// Status.
    pub status: u16,
    /// Headers (names in lower case).
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

impl Reply {
    /// A reply with a content type.
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".to_owned(), content_type.to_owned())],
            body: body.into(),
        }
    }

    /// An HTML page.
    pub fn html(status: u16, body: String) -> Reply {
        Reply::new(status, "text/html; charset=utf-8", body)
    }

    /// No body.
    pub fn empty(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// A redirect (303) to `url`.
    pub fn see_other(url: &str) -> Reply {
        let mut r = Reply::empty(303);
        r.headers.push(("location".to_owned(), url.to_owned()));
        r
    }

    /// With one more header.
    pub fn with(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
}

impl From<ApiResponse> for Reply {
    fn from(a: ApiResponse) -> Reply {
        let mut r = match a.body {
            Some(body) => Reply::new(a.status, "application/json; charset=utf-8", body),
            None => Reply::empty(a.status),
        };
        if a.replayed {
            r.headers
                .push(("idempotent-replayed".to_owned(), "true".to_owned()));
        }
        if let Some(secs) = a.retry_after {
            r.headers.push(("retry-after".to_owned(), secs.to_string()));
        }
        if a.status == 413 {
            // The rest of the oversized body was never read: the connection cannot be reused.
            r.headers
                .push(("connection".to_owned(), "close".to_owned()));
        }
        r
    }
}

/// What a request needs.
#[derive(Debug, Clone, PartialEq)]
pub enum Handling {
    /// This reply, at once.
    Reply(Reply),
    /// An API request: idempotency, the delay, the operation and its commit
    /// ([`super::api_request::replay`], [`super::ops::execute`], [`super::api_request::finish`]).
    Api(Job),
    /// A page that only reads ([`pages::read`]).
    Read(PageRead),
    /// A change outside the API ([`pages::act`]): run it on the store's writer and commit it.
    Act(Action),
}

/// Classifies a request. `faults` receives the faults injected into an API request.
pub fn handle(
    config: &Config,
    volatile: &mut Volatile,
    req: &Incoming<'_>,
    entropy: &mut dyn Entropy,
    faults: &mut Change,
) -> Handling {
    if req.path == "/sim/clock" {
        return Handling::Reply(clock(volatile, req));
    }
    if let Some(h) = pages::route(req) {
        return h;
    }
    if req.path.starts_with("/v1/") {
        return match prepare(config, volatile, req, entropy, faults) {
            Prepared::ApiResponse(a) => Handling::Reply(a.into()),
            Prepared::Run(job) => Handling::Api(job),
        };
    }
    Handling::Reply(ApiResponse::no_route().into())
}

/// `POST /sim/clock` with `{ "advance_ms": n }` moves the simulator's clock forward (refunds'
/// 90-day window, pending refunds, timestamps); `GET` shows the offset.
fn clock(volatile: &mut Volatile, req: &Incoming<'_>) -> Reply {
    #[derive(serde::Deserialize)]
    struct Advance {
        advance_ms: i64,
    }
    match req.method {
        "GET" => {}
        "POST" => match serde_json::from_slice::<Advance>(req.body) {
            Ok(a) if a.advance_ms >= 0 => {
                volatile.clock_offset_ms = volatile.clock_offset_ms.saturating_add(a.advance_ms);
            }
            _ => {
                return ApiResponse::invalid(
                    "invalid_clock",
                    "send { \"advance_ms\": <a whole number of ms, 0 or more> }: the clock only moves forward",
                )
                .into()
            }
        },
        _ => return Reply::empty(405),
    }
    ApiResponse::json(
        200,
        &serde_json::json!({ "offset_ms": volatile.clock_offset_ms }),
    )
    .into()
}
