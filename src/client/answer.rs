//! What came back for a request, and what to do now: send (again, or something else) after a
//! delay, the call is done, or it failed. Every decision about an answer is made here.

use super::error::{ApiError, ClientError};
use super::plan::Context;
use super::retry::{retry_delay, retryable, Attempt};
use super::returns::expect::Returned;
use super::Op;
use crate::json::Json;
use crate::request::{ApiKey, HttpRequest};
use crate::scalar::Scalar;
use serde::Deserialize;

/// What happened to the request in flight.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Received {
    /// The HTTP status, when an answer came.
    pub status: Option<u16>,
    /// Why no answer came, when none did.
    pub failure: Option<Failure>,
    /// What the runtime said about a network failure (its message and its cause's).
    pub cause: Option<String>,
    /// The `Retry-After` header.
    pub retry_after: Option<String>,
    /// `x-request-id` (or `request-id`).
    pub request_id: Option<String>,
    /// The body of a non-2xx answer, as text (errors are decoded from it, once).
    pub text: Option<String>,
    /// What a 2xx answer's JSON body holds at the top (absent when it is not JSON). The caller
    /// parsed it (the result is that parsed value); only these fields are read.
    pub json: Option<Shape>,
}

/// Why no answer came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The connection failed or was dropped.
    Network,
    /// The attempt took longer than its timeout.
    Stalled,
    /// The call's deadline passed.
    Deadline,
}

/// The top-level fields of a 2xx body that decide whether it is what the operation returns.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Shape {
    /// A payment's id.
    pub id: Scalar,
    /// A page's payments.
    pub data: Scalar,
    /// A page's cursors.
    pub page_info: Scalar,
    /// A payment's overall state.
    pub latest_status: Scalar,
    /// A payment's `reference_id` (`confirmReturn` compares it with the order's).
    pub reference_id: Scalar,
    /// A payment's refund state (`confirmReturn` refuses a fully refunded payment).
    pub refund_status: Scalar,
    /// When a payment was fully refunded (`confirmReturn`, as `refund_status`).
    pub payment_fully_refunded_timestamp: Scalar,
}

impl Shape {
    /// The fields `confirmReturn` decides on, when they are strings.
    pub fn returned(&self) -> Returned<'_> {
        Returned {
            id: self.id.as_str(),
            reference_id: self.reference_id.as_str(),
            refund_status: self.refund_status.as_str(),
            fully_refunded_at: self.payment_fully_refunded_timestamp.as_str(),
        }
    }
}

/// What to do now.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Send a request after `after_ms`: the same as before, or `request` when given.
    Send {
        /// The wait, in ms.
        after_ms: u64,
        /// Another request to send (the look before re-sending a cancel).
        request: Option<HttpRequest>,
        /// To hand back with its answer.
        context: Context,
    },
    /// The call is done: its result is the body's JSON (`body`), or nothing.
    Done {
        /// Whether the result is the answer's parsed body.
        body: bool,
    },
    /// The call failed.
    Fail {
        /// Why.
        error: ClientError,
    },
}

/// Decides what to do with what came back for the request of `ctx`, at `now_ms`, with
/// `random` (0..1) for the backoff's jitter. `key` scrubs the API key from every text shown.
pub fn answer(ctx: &Context, got: &Received, key: &ApiKey, now_ms: f64, random: f64) -> Step {
    let attempt = match (got.status, got.failure) {
        (_, Some(Failure::Deadline)) => {
            return Step::Fail {
                error: timeout(ctx, ctx.timeout_ms, "deadline"),
            };
        }
        (_, Some(Failure::Network)) | (None, None) => Attempt::Network,
        (_, Some(Failure::Stalled)) => Attempt::Stalled,
        (Some(status), None) => Attempt::Status {
            status,
            retry_after: got.retry_after.as_deref(),
        },
    };
    if let Attempt::Status { status, .. } = attempt {
        if (200..300).contains(&status) {
            return success(ctx, status, got.json.as_ref(), key, now_ms);
        }
    }
    let delay = retry_delay(
        ctx.op,
        ctx.retries,
        ctx.max_retries,
        attempt,
        now_ms,
        ctx.deadline_ms,
        random,
    );
    if let Some(after_ms) = delay {
        let mut next = Context {
            attempts: ctx.attempts + 1,
            retries: ctx.retries + 1,
            checking: false,
            ..ctx.clone()
        };
        // A cancel that may have gone through (no answer, or a 5xx: PaySG may have acted) is
        // looked at before it is sent again: PaySG cancels a payment once and gives cancel no
        // idempotency key. A 429 was refused before anything happened.
        let refused = matches!(attempt, Attempt::Status { status: 429, .. });
        let request = match &ctx.payment_url {
            Some(url) if ctx.op == Op::Cancel && !refused => {
                next.checking = true;
                Some(bare("GET", url.clone(), key, &ctx.client))
            }
            _ => None,
        };
        return Step::Send {
            after_ms,
            request,
            context: next,
        };
    }
    let error = match attempt {
        Attempt::Status { status, .. } => ClientError::Api(decode_error(ctx, status, got, key)),
        Attempt::Stalled => timeout(ctx, ctx.attempt_timeout_ms, "attempt"),
        Attempt::Network => ClientError::Connection {
            message: format!(
                "could not reach {} ({}): {}",
                ctx.host,
                plural(ctx.attempts, "attempt"),
                key.scrub(
                    got.cause
                        .as_deref()
                        .unwrap_or("the connection failed or was closed before an answer")
                )
            ),
            attempts: ctx.attempts,
            idempotency_key: ctx.idempotency_key.clone(),
        },
    };
    Step::Fail { error }
}

/// A request without a body: the `GET` of a payment, to look at it, or its cancel again.
fn bare(method: &'static str, url: String, key: &ApiKey, client: &str) -> HttpRequest {
    HttpRequest {
        method,
        url,
        headers: vec![
            ("x-api-key", key.expose().to_owned()),
            ("accept", "application/json".to_owned()),
            ("x-paysg-client", client.to_owned()),
        ],
        body: None,
    }
}

fn plural(n: u32, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

fn timeout(ctx: &Context, timeout_ms: u64, which: &str) -> ClientError {
    let message = if which == "deadline" {
        format!(
            "PaySG did not answer within timeoutMs = {timeout_ms} ms ({})",
            plural(ctx.attempts, "attempt")
        )
    } else {
        format!(
            "the attempt to reach {} took longer than attemptTimeoutMs = {timeout_ms} ms and was not retried ({})",
            ctx.host,
            plural(ctx.attempts, "attempt")
        )
    };
    ClientError::Timeout {
        message,
        timeout_ms,
        attempts: ctx.attempts,
        idempotency_key: ctx.idempotency_key.clone(),
    }
}

/// A 2xx answer: done when the body is what the operation returns.
fn success(ctx: &Context, status: u16, json: Option<&Shape>, key: &ApiKey, now_ms: f64) -> Step {
    let invalid = |why: &str| Step::Fail {
        error: ClientError::InvalidResponse {
            message: format!("PaySG answered {status} with {why}"),
            status,
            attempts: ctx.attempts,
            idempotency_key: ctx.idempotency_key.clone(),
        },
    };
    if ctx.op == Op::SendEmail {
        return Step::Done { body: false };
    }
    let Some(shape) = json else {
        return invalid("a body that is not JSON");
    };
    let is_payment = matches!(shape.id, Scalar::Str(_));
    if ctx.checking {
        // The look before re-sending a cancel: done if the payment is cancelled, else send the
        // cancel again (a new request: the one in flight was the look).
        return match (&shape.latest_status, &ctx.payment_url, is_payment) {
            (Scalar::Str(s), _, true) if s == "cancelled" => Step::Done { body: true },
            (_, Some(url), true) if now_ms < ctx.deadline_ms => Step::Send {
                after_ms: 0,
                request: Some(bare("POST", format!("{url}/cancel"), key, &ctx.client)),
                context: Context {
                    attempts: ctx.attempts + 1,
                    checking: false,
                    ..ctx.clone()
                },
            },
            _ => invalid("JSON that is not a payment"),
        };
    }
    let ok = match ctx.op {
        Op::List => {
            matches!(shape.data, Scalar::Other("array"))
                && matches!(shape.page_info, Scalar::Other("object"))
        }
        _ => is_payment,
    };
    if let (true, Some(expected)) = (ok, &ctx.confirm) {
        // `confirmReturn`: the payment is the call's result only when it is the order's.
        return match super::returns::expect::check_payment(expected, &shape.returned()) {
            Ok(()) => Step::Done { body: true },
            Err(refusal) => Step::Fail {
                error: refusal.into(),
            },
        };
    }
    if ok {
        Step::Done { body: true }
    } else if ctx.op == Op::List {
        invalid("JSON that is not a list of payments")
    } else {
        invalid("JSON that is not a payment")
    }
}

/// Decodes a non-2xx answer from its text, parsed once. Every text is scrubbed of the key.
fn decode_error(ctx: &Context, status: u16, got: &Received, key: &ApiKey) -> ApiError {
    let text = got.text.as_deref().unwrap_or("");
    let parsed = Json::parse(text).ok();
    let err = parsed
        .as_ref()
        .and_then(|v| v.get("error"))
        .filter(|e| matches!(e, Json::Obj(_)));
    let field = |k: &str| match err.and_then(|e| e.get(k)) {
        Some(Json::Str(s)) => Some(key.scrub(s)),
        _ => None,
    };
    let (r#type, code, message) = match (field("type"), field("code"), field("message")) {
        (Some(t), Some(c), m) => (
            Some(t),
            c,
            m.unwrap_or_else(|| format!("PaySG answered {status}")),
        ),
        _ => (
            None,
            format!("http_{status}"),
            format!(
                "PaySG answered {status}{}",
                if text.trim().is_empty() {
                    " with an empty body"
                } else {
                    " with a body that is not PaySG's error format"
                }
            ),
        ),
    };
    let data = err
        .and_then(|e| e.get("data"))
        .filter(|d| **d != Json::Null)
        .map(|d| {
            let mut d = d.clone().into_owned();
            d.rewrite_strings(&|s: &str| {
                let scrubbed = key.scrub(s);
                (scrubbed != s).then_some(scrubbed)
            });
            d
        });
    ApiError {
        status,
        r#type,
        code,
        message,
        data,
        request_id: got.request_id.as_deref().map(|r| key.scrub(r)),
        retryable: retryable(
            ctx.op,
            Attempt::Status {
                status,
                retry_after: None,
            },
        ),
        attempts: ctx.attempts,
        idempotency_key: ctx.idempotency_key.clone(),
    }
}
