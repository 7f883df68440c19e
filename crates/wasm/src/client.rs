//! The client's boundary over [`paysg::client`]: a [`Client`] holds a client's checked options
//! and API key; [`Client::plan`] checks a call and returns its first request and the slot its
//! context is kept in; [`Client::answer`] takes each answer and says what now;
//! [`Client::describe`] tells listeners about the attempt in flight; [`Client::release`] forgets
//! the call. Every export is synchronous; the JS loop (`pkg/src/call.js`) performs the I/O.
//!
//! Values going out cross as serde types through serde-wasm-bindgen (the settings, every error,
//! every step), except where another way was measured faster or safer; values coming in (the
//! options, a call's loose arguments, a list query) are scalars the JS layer made, read here
//! field by field by their JS names (`Options::set`, `Query::set`, [`read::scalar_of`]): reading them
//! through serde-wasm-bindgen's deserializer linked its error texts, which format floats, and
//! the derived readers: 148.8 → 132.3 KB gzip of wasm without them, measured. Further:
//! * the client's options and a call's context stay here: sent across and back as JS objects
//!   they cost ≈ 3 µs and ≈ 5 µs per call (0.2–0.3 µs a field);
//! * a plan crosses as a typed [`crate::step::Plan`], like every step: it replaced one string
//!   of lines, and cost no measurable time doing so (createPayment with an injected fetch,
//!   interleaved, CPU time, medians of 61 rounds: 57.4 → 57.2 and 46.8 → 48.2 µs a call);
//! * every step after an answer crosses as a [`crate::step::CallStep`] (`send`, `done`, `fail`,
//!   by `kind`), whose TypeScript union is generated; why no answer came crosses by name;
//! * what came back crosses as arguments (status, headers, texts), not as an object;
//! * a create or refund body arrives as the JS layer's JSON text (`encode`): it is user data of
//!   any shape, and `JSON.stringify` meets cycles, throwing getters and Proxies in JS, where
//!   serde-wasm-bindgen would recurse forever on a cycle (a trap) or run a getter here;
//! * what came back crosses as its status and headers, and its body's text as UTF-8 in the
//!   module's input buffer (`encodeInto`: no allocation here; a string argument would cross by
//!   a JS loop over its characters, ≈ 3 µs a KB), read as the core reads it for every shell
//!   ([`paysg::client::decode`]); a 2xx body is decoded here, once, into the call's result
//!   (a payment as PaySG writes it in one pass, [`paysg::client::scan`]). `done` says to parse the answer's own text when that is the result
//!   verbatim (the usual case: ≈ 3 µs less than writing it back), else carries it written back;
//! * the two `done` steps without a result text are made once and shared (frozen): making
//!   one is a JS object and a string, ≈ 1 µs a call.

use crate::step::{self as steps, Attempt, CallStep};
use paysg::client::event::Sent;
use paysg::client::plan::Body;
use paysg::client::wire::Timing;
use paysg::client::{self, decode, ClientError, Context, Op, Options, Step};
use paysg::json;
use paysg::request::ApiKey;
use paysg::validate::{Code, FieldError};
use serde::Serialize;
use wasm_bindgen::prelude::*;

pub mod list_all;
mod read;
pub mod returns;
pub mod verify;

use read::{read_fields, read_options, read_query, scalar_of};

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

/// A client: its checked options and API key, kept here for every call, and the context of
/// each call in flight, in numbered slots (a number crosses for free; a handle per call would
/// cost a JS object and a FinalizationRegistry entry, ≈ 0.5 µs, and could leak).
#[wasm_bindgen]
pub struct Client {
    options: Options,
    key: ApiKey,
    runtime: String,
    calls: Vec<Option<Context>>,
    free: Vec<u32>,
    /// The header strings its requests repeat, made once.
    headers: crate::request::HeaderStrings,
}

/// Checks a client's options: `{ ok: true, value: settings, client }` (the settings to show,
/// never the key) or `{ ok: false, error }`. `runtime` names what the caller runs in, for the
/// `x-paysg-client` header.
#[wasm_bindgen(js_name = newClient)]
pub fn new_client(options: JsValue, runtime: String) -> JsValue {
    let options = read_options(&options);
    match client::check_client(&options) {
        Ok((key, settings)) => {
            let out = success(&settings);
            let handle = JsValue::from(Client {
                options,
                key,
                runtime,
                calls: Vec::new(),
                free: Vec::new(),
                headers: Default::default(),
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
    let options = read_options(&options);
    let call = client::Call {
        op: client::Op::Create,
        options: Options {
            idempotency_key: options.idempotency_key.clone(),
            ..Options::default()
        },
        client: options,
        payment_id: paysg::scalar::Scalar::Absent,
        query: client::plan::Query::default(),
        runtime: paysg::scalar::Scalar::Str(runtime),
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
                request: &'a paysg::request::HttpRequest,
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

#[wasm_bindgen]
impl Client {
    /// Checks a call (`op`, its options, payment id and list query, all as the caller gave
    /// them) and builds its first request. Returns a [`crate::step::Plan`] (the call's slot, the first
    /// attempt's timing, the request, the idempotency key) or `{ ok: false, error }`.
    /// `body` is the JSON text of a create or refund body — or, for a plain create body,
    /// `fast_len` its bytes in the fast path's buffer, written in full (every text; `amount`
    /// beside: see [`paysg::fast`]): that spares the body a JSON stringify and parse, ≈ 5 µs of
    /// a call. `random` is 16 bytes from the platform's CSPRNG, `now_ms` the time.
    #[allow(clippy::too_many_arguments)]
    pub fn plan(
        &mut self,
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
                op: match op.as_string() {
                    Some(s) => Op::from_name(&s).ok_or_else(|| {
                        vec![FieldError::new(
                            "",
                            Code::InvalidType,
                            "paysg: no such operation",
                        )]
                    })?,
                    None => {
                        return Err(vec![FieldError::new(
                            "",
                            Code::InvalidType,
                            "paysg: no such operation",
                        )])
                    }
                },
                client: self.options.clone(),
                options: read_options(&options),
                payment_id: scalar_of(&payment_id),
                query: read_query(&query),
                runtime: paysg::scalar::Scalar::Str(self.runtime.clone()),
            })
        })();
        let call = match call {
            Ok(c) => c,
            Err(e) => return invalid(e),
        };
        let parsed = body.as_deref().map(json::from_js);
        let body = match (&parsed, fast_len) {
            (_, Some(len)) => {
                // Problems with the settings are reported by `plan`, which checks them again.
                let rules = client::options::rules(&mut Vec::new(), &call.client, &call.options);
                Body::Checked(super::fast_body(len as usize, amount, &rules))
            }
            (None, None) => Body::None,
            (Some(Ok(j)), None) => Body::Json(j),
            (Some(Err(why)), None) => Body::Unreadable(why),
        };
        match client::plan(&call, body, random16(random), now_ms) {
            Ok(plan) => self.start(plan, now_ms),
            Err(errors) => invalid(errors),
        }
    }

    /// What to do with what came back for the call in `slot`: a [`CallStep`] (`send`, `done`
    /// with the call's result, or `fail`, by its `kind`).
    ///
    /// `status` is 0 when no answer came; then `failure` names why ([`steps::NoAnswer`]:
    /// `network`, with `cause` what the runtime said; `timeout`: the attempt stalled past its
    /// timeout; `deadline`: the call's deadline passed). Else `headers` are the response's
    /// (only their `get` is called) and the body's text (`text()`'s) is the first `body_len`
    /// bytes of the module's input buffer, as UTF-8, written there just before this call.
    /// Release the slot when the call is over.
    #[allow(clippy::too_many_arguments)]
    pub fn answer(
        &mut self,
        slot: u32,
        status: u16,
        failure: Option<String>,
        headers: JsValue,
        body_len: Option<u32>,
        cause: Option<String>,
        now_ms: f64,
        random: f64,
    ) -> JsValue {
        let Some(len) = body_len else {
            return self.answer_text(slot, status, failure, &headers, None, cause, now_ms, random);
        };
        // A 2xx is read where it lies, with no copy: nothing reaches JS while it is borrowed
        // (a 2xx reads no header). Any other status reads headers, whose `get` may be user code
        // that writes the buffer: its body is copied out first.
        let answered = decode::is_success(status).then(|| {
            crate::with_scratch(len as usize, |bytes| {
                let text = String::from_utf8_lossy(bytes);
                self.answer_text(
                    slot,
                    status,
                    failure.clone(),
                    &headers,
                    Some(&text),
                    cause.clone(),
                    now_ms,
                    random,
                )
            })
        });
        match answered {
            Some(Some(step)) => step,
            _ => {
                let text = crate::with_scratch(len as usize, |bytes| {
                    String::from_utf8_lossy(bytes).into_owned()
                });
                self.answer_text(
                    slot,
                    status,
                    failure,
                    &headers,
                    text.as_deref(),
                    cause,
                    now_ms,
                    random,
                )
            }
        }
    }

    /// The attempt in flight of the call in `slot`, for `onRequest` / `onResponse`: an
    /// [`Attempt`], or `undefined` for a slot with no call. Asked only when the client has a
    /// listener: the fast path pays nothing.
    pub fn describe(&self, slot: u32) -> JsValue {
        match self.calls.get(slot as usize) {
            Some(Some(context)) => to_js(&Attempt::from(Sent::of(context))),
            _ => JsValue::UNDEFINED,
        }
    }

    /// `text` (a network failure's cause, for an error) with the API key replaced, as every
    /// text the client shows is.
    pub fn scrub(&self, text: &str) -> String {
        self.key.scrub(text)
    }

    /// PaySG's request id among a response's `headers` (the names the core reads), with the
    /// API key replaced, for an `onResponse` event.
    #[wasm_bindgen(js_name = requestId)]
    pub fn request_id(&self, headers: JsValue) -> Option<String> {
        steps::request_id(&headers).map(|id| self.key.scrub(&id))
    }

    /// Forgets the call in `slot` (done, failed or abandoned); its slot is reused.
    pub fn release(&mut self, slot: u32) {
        if let Some(entry @ Some(_)) = self.calls.get_mut(slot as usize) {
            *entry = None;
            self.free.push(slot);
        }
    }
}

impl Client {
    /// [`Client::answer`] with the body's text.
    #[allow(clippy::too_many_arguments)]
    fn answer_text(
        &mut self,
        slot: u32,
        status: u16,
        failure: Option<String>,
        headers: &JsValue,
        text: Option<&str>,
        cause: Option<String>,
        now_ms: f64,
        random: f64,
    ) -> JsValue {
        let Some(Some(context)) = self.calls.get(slot as usize) else {
            return fail(ClientError::InvalidResponse {
                message: format!("paysg has no call in flight in slot {slot} (a bug in paysg)"),
                status,
                attempts: 0,
                idempotency_key: None,
            });
        };
        let mut got = steps::received(status, failure, headers, text, cause);
        // A 2xx body is decoded once, here: `answer` reads the value's shape, `done` carries it.
        let value = match (status != 0 && decode::is_success(status))
            .then(|| decode::checked(context, &mut got, text.unwrap_or("")))
        {
            Some(Err(error)) => return to_js(&CallStep::Fail { error: *error }),
            Some(Ok(value)) => Some(value),
            None => None,
        };
        let step = match client::answer(context, &got, &self.key, now_ms, random) {
            Step::Done { body: true } => steps::done(context, status, value),
            Step::Done { body: false } => CallStep::nothing(),
            Step::Fail { error } => CallStep::Fail { error },
            Step::Send {
                after_ms,
                request,
                context,
            } => {
                let timing = Timing::of(&context, now_ms + after_ms as f64);
                if let Some(entry) = self.calls.get_mut(slot as usize) {
                    *entry = Some(context);
                }
                CallStep::Send {
                    after_ms,
                    timing: timing.into(),
                    request,
                }
            }
        };
        steps::step_to_js(&step, to_js)
    }

    /// Keeps a planned call's context in a slot and returns its [`crate::step::Plan`] (the slot, the
    /// first attempt's timing, the request, the idempotency key), made in one call.
    fn start(&mut self, plan: client::Plan, now_ms: f64) -> JsValue {
        let timing = Timing::of(&plan.context, now_ms);
        let key = plan.context.idempotency_key.clone();
        let slot = self.keep(plan.context);
        self.headers
            .plan(slot, timing.into(), plan.request, key.as_deref())
    }

    /// Keeps a call's context in a free slot; returns the slot.
    fn keep(&mut self, context: Context) -> u32 {
        match self.free.pop() {
            Some(slot) => {
                if let Some(entry) = self.calls.get_mut(slot as usize) {
                    *entry = Some(context);
                }
                slot
            }
            None => {
                self.calls.push(Some(context));
                (self.calls.len() - 1) as u32
            }
        }
    }
}

/// A [`CallStep::Fail`].
fn fail(error: ClientError) -> JsValue {
    to_js(&CallStep::Fail { error })
}
