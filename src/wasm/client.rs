//! The client's boundary: three synchronous exports over [`crate::client`]. Values cross as
//! serde types through serde-wasm-bindgen. The JS loop (`pkg/src/client.js`) performs the I/O.
//!
//! Two values cross another way, for measured reasons:
//! * a create or refund body arrives as the JS layer's JSON text (`encode`): it is user data of
//!   any shape, and `JSON.stringify` meets cycles, throwing getters and Proxies in JS, where
//!   serde-wasm-bindgen would recurse forever on a cycle (a trap) or run a getter inside the
//!   module;
//! * a 2xx body is parsed by the JS layer (`JSON.parse`, native; its value is the call's
//!   result), and only the few top-level fields that decide whether it is a payment are read
//!   here, by name: parsing it here as well would parse every result twice.

use crate::client::{self, answer::Received, plan::Body, ClientError, Context, Options, Step};
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

#[derive(Serialize)]
#[serde(untagged)]
enum Checked<T: Serialize> {
    Ok { ok: bool, value: T },
    Err { ok: bool, error: ClientError },
}

fn invalid(errors: Vec<FieldError>) -> JsValue {
    to_js(&Checked::<()>::Err {
        ok: false,
        error: ClientError::Validation { errors },
    })
}

/// What the JS layer sent could not be read (a bug of the JS layer, never of user input).
fn unreadable(what: &str, e: serde_wasm_bindgen::Error) -> JsValue {
    invalid(vec![FieldError::new(
        "",
        Code::InvalidType,
        format!("paysg could not read the {what}: {e}"),
    )])
}

/// Checks a client's options: `{ ok: true, value: settings }` or `{ ok: false, error }`.
#[wasm_bindgen(js_name = clientSettings)]
pub fn client_settings(options: JsValue) -> JsValue {
    let options: Options = match serde_wasm_bindgen::from_value(options) {
        Ok(o) => o,
        Err(e) => return unreadable("client options", e),
    };
    match client::check_client(&options) {
        Ok((_, settings)) => to_js(&Checked::Ok {
            ok: true,
            value: settings,
        }),
        Err(errors) => invalid(errors),
    }
}

/// Checks a call and builds its first request: `{ ok: true, value: { request, context } }` or
/// `{ ok: false, error }`. `body` is the JSON text of a create or refund body, `random` 16
/// bytes from the platform's CSPRNG.
#[wasm_bindgen(js_name = planCall)]
pub fn plan_call(call: JsValue, body: Option<String>, random: &[u8], now_ms: f64) -> JsValue {
    let call: client::Call = match serde_wasm_bindgen::from_value(call) {
        Ok(c) => c,
        Err(e) => return unreadable("call", e),
    };
    let mut bytes = [0u8; 16];
    for (b, r) in bytes.iter_mut().zip(random) {
        *b = *r;
    }
    let parsed = body.as_deref().map(json::from_js);
    let body = match &parsed {
        None => Body::None,
        Some(Ok(j)) => Body::Json(j),
        Some(Err(why)) => Body::Unreadable(why),
    };
    match client::plan(&call, body, bytes, now_ms) {
        Ok(plan) => to_js(&Checked::Ok {
            ok: true,
            value: plan,
        }),
        Err(errors) => invalid(errors),
    }
}

/// What to do with what came back: a [`Step`] (`{ step: "send" | "done" | "fail", … }`).
#[wasm_bindgen(js_name = answerCall)]
pub fn answer_call(
    context: JsValue,
    received: JsValue,
    key: &str,
    now_ms: f64,
    random: f64,
) -> JsValue {
    let step = match (
        serde_wasm_bindgen::from_value::<Context>(context),
        serde_wasm_bindgen::from_value::<Received>(received),
        ApiKey::new(key),
    ) {
        (Ok(ctx), Ok(got), Ok(key)) => client::answer(&ctx, &got, &key, now_ms, random),
        (Err(e), _, _) | (_, Err(e), _) => return unreadable("answer", e),
        (_, _, Err(e)) => Step::Fail {
            error: ClientError::Validation { errors: vec![e] },
        },
    };
    to_js(&step)
}
