//! What crosses between a call's Rust side and the JS loop (`pkg/src/call.js`), through the one
//! codec: serde-wasm-bindgen of Rust types whose TypeScript wasm-bindgen writes into the
//! generated `pkg/gen/paysg.d.ts` through tsify, so that the JS loop is checked against them.
//! A call's [`Plan`] (its slot, first request and timer), the attempt in flight for listeners
//! ([`Attempt`]), and each step after an answer: one enum tagged by `kind` ([`CallStep`]). Why an
//! attempt got no answer crosses back the same way, by name ([`NoAnswer`]), never as a number.
//!
//! An answer is read here as the core reads it for every shell ([`paysg::client::decode`]): which
//! statuses are a success, which headers are read ([`received`]), and a 2xx body decoded once
//! into the call's result ([`Decoded`]), which `done` carries.

use paysg::client::answer::{Failure, Received};
use paysg::client::decode::{self, Checked, Success};
use paysg::client::wire::Timing;
use paysg::client::{ClientError, Context};
use paysg::request::HttpRequest;
use serde::{Deserialize, Serialize};
use tsify::Tsify;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    /// A response's headers: fetch's `Headers`, or an injected fetch's look-alike. Only its
    /// `get` is called, with the names the core reads ([`decode::RETRY_AFTER`],
    /// [`decode::REQUEST_ID`]).
    pub type ResponseHeaders;
    #[wasm_bindgen(method, structural, catch)]
    fn get(this: &ResponseHeaders, name: &str) -> Result<JsValue, JsValue>;
}

/// The header `name` of `headers` (`None` when absent, not a string, or when asking threw).
fn header(headers: &JsValue, name: &str) -> Option<String> {
    if !headers.is_object() {
        return None;
    }
    headers
        .unchecked_ref::<ResponseHeaders>()
        .get(name)
        .ok()
        .and_then(|v| v.as_string())
}

/// What came back, as [`decode::received`] reads it: the `status` (0 when no answer came:
/// then `failure` names why and `cause` is what the runtime said), the response's `headers`
/// and its body's `text`.
pub fn received(
    status: u16,
    failure: Option<String>,
    headers: &JsValue,
    text: Option<&str>,
    cause: Option<String>,
) -> Received {
    if status == 0 {
        return Received {
            // An unknown name reads as a failed connection: the loop names only these three.
            failure: Some(
                failure
                    .as_deref()
                    .and_then(NoAnswer::from_name)
                    .map_or(Failure::Network, Failure::from),
            ),
            cause,
            ..Received::default()
        };
    }
    decode::received(status, |name| header(headers, name), text.unwrap_or(""))
}

/// PaySG's request id among `headers` ([`decode::REQUEST_ID`], in order), for an event.
pub fn request_id(headers: &JsValue) -> Option<String> {
    decode::REQUEST_ID
        .iter()
        .find_map(|name| header(headers, name))
}

/// The `done` step of the call of `ctx`, whose 2xx answer (`status`) the core accepted and
/// decoded once ([`decode::decoded`]): the JS layer's `JSON.parse` builds the decoded value,
/// from the answer's own text when that is the value verbatim (`verbatim`: the same keys and
/// values, [`Checked::Verbatim`]; nothing is copied out), else from the value written back as
/// canonical JSON text (`json`). Either way the caller gets the decoded value.
pub fn done(ctx: &Context, status: u16, decoded: Option<Checked>) -> CallStep {
    let json = match decoded {
        Some(Checked::Verbatim) => {
            return CallStep::Done {
                json: None,
                verbatim: true,
            }
        }
        Some(Checked::Value(Success::Payment(p))) => serde_json::to_string(&p),
        Some(Checked::Value(Success::Page(p))) => serde_json::to_string(&p),
        _ => return CallStep::nothing(),
    };
    // Writing a decoded value back cannot fail (string keys, whole numbers); were it to, the
    // call fails rather than resolving with something else.
    match json {
        Ok(json) => CallStep::Done {
            json: Some(json),
            verbatim: false,
        },
        Err(e) => CallStep::Fail {
            error: ClientError::InvalidResponse {
                message: format!(
                    "PaySG answered {status} with a body that could not be written back: {e}"
                ),
                status,
                attempts: ctx.attempts,
                idempotency_key: ctx.idempotency_key.clone(),
            },
        },
    }
}

impl CallStep {
    /// The call is over and returns nothing.
    pub fn nothing() -> Self {
        CallStep::Done {
            json: None,
            verbatim: false,
        }
    }
}

thread_local! {
    /// `done` with no result, and `done` whose result is the answer's text verbatim, as JS
    /// values made once and frozen (the JS loop only reads a step).
    static DONE: [JsValue; 2] = [false, true].map(|verbatim| {
        let step = CallStep::Done { json: None, verbatim };
        let value = step
            .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .unwrap_or(JsValue::NULL);
        if value.is_object() {
            js_sys::Object::freeze(value.unchecked_ref::<js_sys::Object>());
        }
        value
    });
}

/// `step` as a JS value: the shared frozen one for a `done` without a result text.
pub fn step_to_js(step: &CallStep, to_js: impl Fn(&CallStep) -> JsValue) -> JsValue {
    match step {
        CallStep::Done {
            json: None,
            verbatim,
        } => DONE.with(|done| done[usize::from(*verbatim)].clone()),
        step => to_js(step),
    }
}

/// When an attempt's timer fires (see [`Timing`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Tsify)]
pub struct AttemptTiming {
    /// ms until the timer fires.
    pub wait: f64,
    /// Whether that is the call's deadline (not only this attempt's timeout).
    pub deadline: bool,
}

impl From<Timing> for AttemptTiming {
    fn from(t: Timing) -> Self {
        AttemptTiming {
            wait: t.wait,
            deadline: t.deadline,
        }
    }
}

/// A planned call, for the JS loop to run: the slot its context is kept in, the first request
/// and when that attempt's timer fires.
#[derive(Debug, Clone, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// Always `true`: what `Client.plan` returns is this or `{ ok: false, error }`.
    #[tsify(type = "true")]
    pub ok: bool,
    /// The slot of the call's context (`Client.answer`, `Client.release`).
    pub slot: u32,
    /// The first attempt's timer.
    pub timing: AttemptTiming,
    /// The first request.
    #[tsify(type = "HttpRequest")]
    pub request: crate::request::RequestOut,
    /// The `Idempotency-Key` sent (creates and refunds).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub idempotency_key: Option<String>,
}

/// The request side of an attempt's events (`onRequest`, `onResponse`), from
/// [`paysg::client::event::Sent`].
#[derive(Debug, Clone, PartialEq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    /// The public method that made the call (`"createPayment"`).
    pub operation: &'static str,
    /// `"GET"` or `"POST"`.
    #[tsify(type = r#""GET" | "POST""#)]
    pub method: &'static str,
    /// The URL's path, without host or query.
    pub path: String,
    /// 1 for the first attempt, 2 for the next, …
    pub attempt: u32,
    /// The `Idempotency-Key` sent (creates and refunds).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub idempotency_key: Option<String>,
}

impl From<paysg::client::event::Sent<'_>> for Attempt {
    fn from(s: paysg::client::event::Sent<'_>) -> Self {
        Attempt {
            operation: s.operation,
            method: s.method,
            path: s.path.to_owned(),
            attempt: s.attempt,
            idempotency_key: s.idempotency_key.map(str::to_owned),
        }
    }
}

/// What the JS loop does next with a call, after an answer (or no answer).
#[derive(Debug, Clone, PartialEq, Serialize, Tsify)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CallStep {
    /// Wait `afterMs`, then send `request` (or, when absent, the same request again).
    Send {
        /// ms to wait before the next attempt.
        #[serde(rename = "afterMs")]
        after_ms: u64,
        /// The next attempt's timer.
        timing: AttemptTiming,
        /// The request to send, when it is not the same as before.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[tsify(optional)]
        request: Option<HttpRequest>,
    },
    /// The call is over: its result is the 2xx answer decoded in Rust, which the JS layer's
    /// `JSON.parse` builds from the answer's own text (`verbatim`) or from `json`; or nothing
    /// (neither).
    Done {
        /// The call's result written back as JSON text, when the answer's text is not it
        /// verbatim (`null` otherwise: the boundary's serializer is JSON-compatible). Always an
        /// own property, so that a polluted `Object.prototype` cannot supply it.
        #[tsify(type = "string | null")]
        json: Option<String>,
        /// Whether the answer's text is the result verbatim ([`Checked::Verbatim`]): parse it.
        verbatim: bool,
    },
    /// The call failed with `error`.
    Fail {
        /// The error, as `pkg/src/from-rust.js` turns it into a JS error class.
        #[tsify(type = "{ kind: string; [field: string]: unknown }")]
        error: ClientError,
    },
}

/// Why an attempt got no answer, as the JS loop names it (and as `onResponse` events show it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum NoAnswer {
    /// The connection failed (fetch rejected).
    Network,
    /// The attempt stalled past its timeout.
    Timeout,
    /// The call's deadline passed.
    Deadline,
}

impl NoAnswer {
    /// The variant named `name` (its serde name); `None` for any other text.
    pub fn from_name(name: &str) -> Option<NoAnswer> {
        match name {
            "network" => Some(NoAnswer::Network),
            "timeout" => Some(NoAnswer::Timeout),
            "deadline" => Some(NoAnswer::Deadline),
            _ => None,
        }
    }
}

impl From<NoAnswer> for Failure {
    fn from(n: NoAnswer) -> Self {
        match n {
            NoAnswer::Network => Failure::Network,
            NoAnswer::Timeout => Failure::Stalled,
            NoAnswer::Deadline => Failure::Deadline,
        }
    }
}
