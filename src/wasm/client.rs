//! The client's I/O in wasm: sends the request [`crate::client::plan`] built through `fetch`
//! (the global one, or one the caller injected) as `fetch(url, init)`, reads the answer with
//! gloo-net, sleeps between
//! retries with `setTimeout`. Every decision — what to send, whether and how long to wait, how
//! to read the answer — is [`crate::client`]'s.

use crate::client::{self, Attempt, OutcomeKind, Plan};
use crate::json;
use crate::validate::FieldError;
use gloo_net::http::Response;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch` (the same binding gloo-net uses), caught so that a missing or throwing
    /// `fetch` becomes an error, not a trap.
    #[wasm_bindgen(catch, js_name = fetch)]
    fn global_fetch(url: &JsValue, init: &JsValue) -> Result<js_sys::Promise, JsValue>;

    #[wasm_bindgen(catch, js_name = setTimeout)]
    fn set_timeout(handler: &js_sys::Function, ms: f64) -> Result<JsValue, JsValue>;
}

fn errors_outcome(errors: &[FieldError]) -> String {
    format!(
        r#"{{"ok":false,"error":{{"kind":"{}","errors":{}}}}}"#,
        OutcomeKind::Validation.as_str(),
        serde_json::to_string(errors).unwrap_or_else(|_| "[]".to_owned())
    )
}

fn kind_outcome(kind: OutcomeKind, attempts: u32, message: &str) -> String {
    format!(
        r#"{{"ok":false,"error":{{"kind":"{}","attempts":{attempts},"message":{}}}}}"#,
        kind.as_str(),
        serde_json::to_string(message).unwrap_or_else(|_| "\"\"".to_owned())
    )
}

/// What one attempt brought back.
enum Answer {
    /// A 2xx, its body unread: the JS layer reads it (`response.text()` is native) and checks
    /// its shape.
    Success(web_sys::Response, u16),
    /// Any other status, read here to decide on a retry and to decode the error.
    Failure(Failed),
}

/// A non-2xx answer, read.
struct Failed {
    status: u16,
    retry_after: Option<String>,
    request_id: Option<String>,
    body: String,
}

fn aborted(signal: Option<&web_sys::AbortSignal>) -> bool {
    signal.is_some_and(web_sys::AbortSignal::aborted)
}

async fn sleep(ms: u64) {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        if set_timeout(&resolve, ms as f64).is_err() {
            // No timers here: go on at once rather than hang.
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Sends the request once. `Err` carries what `fetch` rejected with.
async fn send(
    plan: &Plan,
    fetch: &JsValue,
    signal: Option<&web_sys::AbortSignal>,
) -> Result<Answer, JsValue> {
    let req = &plan.request;
    // `fetch(url, init)` with a plain init object: what any fetch (global, injected or mocked)
    // accepts, and in Node much cheaper than building a `Request` first.
    let init = js_sys::Object::new();
    let set =
        |k: &str, v: &JsValue| js_sys::Reflect::set(&init, &JsValue::from_str(k), v).map(|_| ());
    set("method", &JsValue::from_str(req.method))?;
    let headers = js_sys::Object::new();
    for (name, value) in &req.headers {
        js_sys::Reflect::set(
            &headers,
            &JsValue::from_str(name),
            &JsValue::from_str(value),
        )?;
    }
    set("headers", &headers)?;
    if let Some(body) = &req.body {
        set("body", &JsValue::from_str(body))?;
    }
    if let Some(signal) = signal {
        set("signal", signal)?;
    }
    let url = JsValue::from_str(&req.url);
    let promise = match fetch.dyn_ref::<js_sys::Function>() {
        Some(f) => f
            .call2(&JsValue::UNDEFINED, &url, &init)?
            .dyn_into::<js_sys::Promise>()
            .or_else(|v| Ok::<_, JsValue>(js_sys::Promise::resolve(&v)))?,
        None => global_fetch(&url, &init)?,
    };
    let response = JsFuture::from(promise).await?;
    let response: Response = response
        .dyn_into::<web_sys::Response>()
        .map_err(|_| {
            JsValue::from(js_sys::Error::new(
                "fetch resolved to something that is not a Response",
            ))
        })?
        .into();
    let status = response.status();
    if (200..300).contains(&status) {
        return Ok(Answer::Success(response.into(), status));
    }
    let headers = response.headers();
    let body = response
        .text()
        .await
        .map_err(|e| JsValue::from(js_sys::Error::new(&format!("reading the body failed: {e}"))))?;
    Ok(Answer::Failure(Failed {
        status,
        retry_after: headers.get("retry-after"),
        request_id: headers
            .get("x-request-id")
            .or_else(|| headers.get("request-id")),
        body,
    }))
}

/// Runs a call to the end: `(outcome JSON, cause)` where cause is what `fetch` rejected with
/// for a connection error (else `undefined`).
pub async fn run(call: &str, fetch: &JsValue, signal: &JsValue) -> (String, JsValue) {
    let plan = match json::from_js(call) {
        Ok(j) => match client::plan(&j) {
            Ok(p) => p,
            Err(errors) => return (errors_outcome(&errors), JsValue::UNDEFINED),
        },
        Err(reason) => {
            return (
                kind_outcome(OutcomeKind::InvalidCall, 0, &reason),
                JsValue::UNDEFINED,
            )
        }
    };
    // The JS layer always passes its own AbortController's signal (or undefined); skipping the
    // `instanceof` check saves a measurable share of a call in Node.
    let signal = (!signal.is_undefined() && !signal.is_null())
        .then(|| signal.clone().unchecked_into::<web_sys::AbortSignal>());
    let mut retries = 0;
    loop {
        let attempts = retries + 1;
        if aborted(signal.as_ref()) {
            return (
                kind_outcome(OutcomeKind::Aborted, retries, "the call was aborted"),
                JsValue::UNDEFINED,
            );
        }
        let result = send(&plan, fetch, signal.as_ref()).await;
        if aborted(signal.as_ref()) {
            return (
                kind_outcome(OutcomeKind::Aborted, attempts, "the call was aborted"),
                JsValue::UNDEFINED,
            );
        }
        let result = match result {
            Ok(Answer::Success(response, status)) => {
                return (
                    format!(
                        r#"{{"ok":true,"op":"{}","status":{status},"attempts":{attempts}}}"#,
                        plan.op.as_str()
                    ),
                    response.into(),
                );
            }
            Ok(Answer::Failure(failed)) => Ok(failed),
            Err(cause) => Err(cause),
        };
        let attempt = match &result {
            Ok(f) => Attempt::Status {
                status: f.status,
                retry_after: f.retry_after.as_deref(),
            },
            Err(_) => Attempt::Network,
        };
        if let Some(delay) = client::retry_delay(
            &plan,
            retries,
            attempt,
            js_sys::Date::now(),
            js_sys::Math::random(),
        ) {
            sleep(delay).await;
            retries += 1;
            continue;
        }
        return match result {
            Ok(f) => {
                let mut e = client::decode_error(&plan, f.status, &f.body);
                e.attempts = attempts;
                e.request_id = f.request_id;
                // PaySG's `error.data` is read by the JS layer from the body.
                let body = if e.has_data {
                    JsValue::from_str(&f.body)
                } else {
                    JsValue::UNDEFINED
                };
                (
                    format!(
                        r#"{{"ok":false,"error":{}}}"#,
                        serde_json::to_string(&e).unwrap_or_default()
                    ),
                    body,
                )
            }
            Err(cause) => (
                kind_outcome(OutcomeKind::Connection, attempts, "the request could not be completed (network error, or the connection was closed before an answer)"),
                cause,
            ),
        };
    }
}
