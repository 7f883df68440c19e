//! The client's boundary over [`crate::client`]: a [`Client`] holds a client's checked options
//! and API key; [`Client::plan`] checks a call and returns its first request with a [`Call`],
//! which takes each answer ([`Call::answer`]) and says what now. Every export is synchronous;
//! the JS loop (`pkg/src/call.js`) performs the I/O.
//!
//! Values cross as serde types through serde-wasm-bindgen, except where another way was
//! measured faster or safer:
//! * the client's options and a call's context stay here, in [`Client`] and [`Call`]: sent
//!   across and back as JS objects they cost ≈ 3 µs and ≈ 5 µs per call (0.2–0.3 µs a field);
//! * what came back crosses as arguments (status, headers, texts), not as an object;
//! * a create or refund body arrives as the JS layer's JSON text (`encode`): it is user data of
//!   any shape, and `JSON.stringify` meets cycles, throwing getters and Proxies in JS, where
//!   serde-wasm-bindgen would recurse forever on a cycle (a trap) or run a getter here;
//! * a 2xx body is parsed by the JS layer (`JSON.parse`, native; its value is the call's
//!   result); only the few top-level fields that decide whether it is a payment are read here,
//!   by name ([`Shape`]): parsing it here too would parse every result twice.

use crate::client::answer::{Failure, Received};
use crate::client::plan::Body;
use crate::client::{self, ClientError, Context, Options, Shape, Step};
use crate::json;
use crate::request::ApiKey;
use crate::validate::{Code, FieldError};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Serialises to plain JS values (objects, not `Map`s; `null` for `None`).
fn to_js(value: &impl Serialize) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL)
}

/// `{ ok: false, error }` for a validation error.
fn invalid(errors: Vec<FieldError>) -> JsValue {
    #[derive(Serialize)]
    struct Failed {
        ok: bool,
        error: ClientError,
    }
    to_js(&Failed {
        ok: false,
        error: ClientError::Validation { errors },
    })
}

/// What the JS layer sent could not be read (a bug of the JS layer, never of user input).
fn unreadable(what: &str, e: serde_wasm_bindgen::Error) -> Vec<FieldError> {
    vec![FieldError::new(
        "",
        Code::InvalidType,
        format!("paysg could not read the {what}: {e}"),
    )]
}

/// Loose values from JS; `undefined` reads as their default (nothing given).
fn read<T: serde::de::DeserializeOwned + Default>(
    v: JsValue,
    what: &str,
) -> Result<T, Vec<FieldError>> {
    if v.is_undefined() {
        return Ok(T::default());
    }
    serde_wasm_bindgen::from_value(v).map_err(|e| unreadable(what, e))
}

/// A scalar from JS: a string at once (one crossing, where serde-wasm-bindgen asks the value's
/// type four times first), anything else through [`read`].
fn read_scalar(v: JsValue, what: &str) -> Result<crate::loose::Scalar, Vec<FieldError>> {
    match v.as_string() {
        Some(s) => Ok(crate::loose::Scalar::Str(s)),
        None => read(v, what),
    }
}

/// A client: its checked options and API key, kept here for every call.
#[wasm_bindgen]
pub struct Client {
    options: Options,
    key: ApiKey,
    runtime: String,
}

/// Checks a client's options: `{ ok: true, value: settings, client }` (the settings to show,
/// never the key) or `{ ok: false, error }`. `runtime` names what the caller runs in, for the
/// `x-paysg-client` header.
#[wasm_bindgen(js_name = newClient)]
pub fn new_client(options: JsValue, runtime: String) -> JsValue {
    let options: Options = match read(options, "client options") {
        Ok(o) => o,
        Err(e) => return invalid(e),
    };
    match client::check_client(&options) {
        Ok((key, settings)) => {
            let out = success(&settings);
            let handle = JsValue::from(Client {
                options,
                key,
                runtime,
            });
            let _ = js_sys::Reflect::set(&out, &JsValue::from_str("client"), &handle);
            out
        }
        Err(errors) => invalid(errors),
    }
}

/// `{ ok: true, value }`.
#[derive(Serialize)]
struct Success<T: Serialize> {
    ok: bool,
    value: T,
}

fn success<T: Serialize>(value: T) -> JsValue {
    to_js(&Success { ok: true, value })
}

/// `buildCreatePaymentRequest`: the first request `createPayment` would send, from the
/// options `{ apiKey, paymentServiceId, baseUrl?, idempotencyKey? }` and the body's JSON text:
/// `{ ok: true, value: { method, url, headers, body, idempotencyKey } }` or `{ ok: false, error }`
/// listing the problems of the body and of the options together.
#[wasm_bindgen(js_name = buildCreatePaymentRequest)]
pub fn build_create_payment_request(
    options: JsValue,
    body: String,
    random: &[u8],
    runtime: String,
) -> JsValue {
    let options: Options = match read(options, "options") {
        Ok(o) => o,
        Err(e) => return invalid(e),
    };
    let call = client::Call {
        op: client::Op::Create,
        options: Options {
            idempotency_key: options.idempotency_key.clone(),
            ..Options::default()
        },
        client: options,
        payment_id: crate::loose::Scalar::Absent,
        query: client::plan::Query::default(),
        runtime: crate::loose::Scalar::Str(runtime),
    };
    let parsed = json::from_js(&body);
    let body = match &parsed {
        Ok(j) => Body::Json(j),
        Err(why) => Body::Unreadable(why),
    };
    match client::plan(&call, body, random16(random), 0.0) {
        Ok(plan) => {
            #[derive(Serialize)]
            #[serde(rename_all = "camelCase")]
            struct Built<'a> {
                #[serde(flatten)]
                request: &'a crate::request::HttpRequest,
                idempotency_key: &'a Option<String>,
            }
            success(Built {
                request: &plan.request,
                idempotency_key: &plan.context.idempotency_key,
            })
        }
        Err(errors) => invalid(errors),
    }
}

/// The first 16 bytes of `random` (zeros past its end).
fn random16(random: &[u8]) -> [u8; 16] {
    let mut bytes = [0u8; 16];
    for (b, r) in bytes.iter_mut().zip(random) {
        *b = *r;
    }
    bytes
}

/// When an attempt's timer fires: after `wait` ms, which is the attempt's timeout or what is
/// left of the call's deadline (`deadline`: that it is the deadline).
#[derive(Serialize)]
struct Timing {
    wait: f64,
    deadline: bool,
}

impl Timing {
    fn of(ctx: &Context, at_ms: f64) -> Timing {
        let left = (ctx.deadline_ms - at_ms).max(0.0);
        let attempt = ctx.attempt_timeout_ms as f64;
        Timing {
            wait: left.min(attempt),
            deadline: left <= attempt,
        }
    }
}

#[wasm_bindgen]
impl Client {
    /// Checks a call (`op`, its options, payment id and list query, all as the caller gave
    /// them) and builds its first request: `{ ok: true, value: request, timing, call }` or
    /// `{ ok: false, error }`. `body` is the JSON text of a create or refund body — or, for a
    /// plain create body, `fast_len` its bytes in the fast path's buffer, written in full
    /// (every text; `amount` beside: see [`crate::fast`]): that spares the body a JSON
    /// stringify and parse, ≈ 5 µs of a call. `random` is 16 bytes from the platform's CSPRNG,
    /// `now_ms` the time.
    #[allow(clippy::too_many_arguments)]
    pub fn plan(
        &self,
        op: JsValue,
        options: JsValue,
        payment_id: JsValue,
        query: JsValue,
        body: Option<String>,
        fast_len: Option<u32>,
        amount: f64,
        random: &[u8],
        now_ms: f64,
    ) -> JsValue {
        let call = (|| -> Result<client::Call, Vec<FieldError>> {
            Ok(client::Call {
                op: serde_wasm_bindgen::from_value(op).map_err(|e| unreadable("operation", e))?,
                client: self.options.clone(),
                options: read(options, "call options")?,
                payment_id: read_scalar(payment_id, "payment id")?,
                query: read(query, "list query")?,
                runtime: crate::loose::Scalar::Str(self.runtime.clone()),
            })
        })();
        let call = match call {
            Ok(c) => c,
            Err(e) => return invalid(e),
        };
        let parsed = body.as_deref().map(json::from_js);
        let body = match (&parsed, fast_len) {
            (_, Some(len)) => Body::Checked(super::fast_body(len as usize, amount)),
            (None, None) => Body::None,
            (Some(Ok(j)), None) => Body::Json(j),
            (Some(Err(why)), None) => Body::Unreadable(why),
        };
        match client::plan(&call, body, random16(random), now_ms) {
            Ok(plan) => {
                let out = to_js(&Planned {
                    ok: true,
                    value: &plan.request,
                    timing: Timing::of(&plan.context, now_ms),
                });
                let handle = JsValue::from(Call {
                    context: plan.context,
                    key: self.key.clone(),
                });
                let _ = js_sys::Reflect::set(&out, &JsValue::from_str("call"), &handle);
                out
            }
            Err(errors) => invalid(errors),
        }
    }
}

/// `{ ok: true, value: request, timing }` (and `call`, set after).
#[derive(Serialize)]
struct Planned<'a> {
    ok: bool,
    value: &'a crate::request::HttpRequest,
    timing: Timing,
}

/// A call in flight: its context, kept here between answers.
#[wasm_bindgen]
pub struct Call {
    context: Context,
    key: ApiKey,
}

#[wasm_bindgen]
impl Call {
    /// What to do with what came back: `{ step: "send", afterMs, request, timing }` (send
    /// `request`, or the same request again when `null`, after the wait), `{ step: "done", body }` (the result
    /// is the parsed body, or nothing) or `{ step: "fail", error }`.
    ///
    /// `status` is 0 when no answer came; then `failure` says why: 1 the connection failed
    /// (`cause`: what the runtime said), 2 the attempt stalled past its timeout, 3 the call's
    /// deadline passed. `text` is the body of a non-2xx answer; `json` the parsed body of a 2xx
    /// one (`null` when it was not JSON).
    #[allow(clippy::too_many_arguments)]
    pub fn answer(
        &mut self,
        status: u16,
        failure: u8,
        retry_after: Option<String>,
        request_id: Option<String>,
        text: Option<String>,
        json: JsValue,
        cause: Option<String>,
        now_ms: f64,
        random: f64,
    ) -> JsValue {
        let json = if json.is_null() || json.is_undefined() {
            None
        } else {
            // Only `Shape`'s fields are read: a failure reads as a body that is not a payment.
            Some(serde_wasm_bindgen::from_value::<Shape>(json).unwrap_or_default())
        };
        let got = Received {
            status: (status != 0).then_some(status),
            failure: match failure {
                0 => None,
                2 => Some(Failure::Stalled),
                3 => Some(Failure::Deadline),
                _ => Some(Failure::Network),
            },
            cause,
            retry_after,
            request_id,
            text,
            json,
        };
        let step = client::answer(&self.context, &got, &self.key, now_ms, random);
        #[derive(Serialize)]
        #[serde(tag = "step", rename_all = "camelCase")]
        enum Next<'a> {
            Send {
                #[serde(rename = "afterMs")]
                after_ms: u64,
                request: &'a Option<crate::request::HttpRequest>,
                timing: Timing,
            },
            Done {
                body: bool,
            },
            Fail {
                error: &'a ClientError,
            },
        }
        let next = match &step {
            Step::Send {
                after_ms,
                request,
                context,
            } => {
                self.context = context.clone();
                Next::Send {
                    after_ms: *after_ms,
                    request,
                    timing: Timing::of(context, now_ms + *after_ms as f64),
                }
            }
            Step::Done { body } => Next::Done { body: *body },
            Step::Fail { error } => Next::Fail { error },
        };
        to_js(&next)
    }
}
