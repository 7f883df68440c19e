//! What crosses to the JS shell: the step a request is at (`{ reply }`, `{ sleep, ex }`,
//! `{ stall, reply }`, `{ drop }`), replies as `{ status, headers, body: Uint8Array }`, and
//! webhook attempts to send, as plain JS values through serde-wasm-bindgen.

use paysg_sim_core::drive::Send;
use paysg_sim_core::reply::Reply;
use serde::Serialize;
use wasm_bindgen::JsValue;

/// Plain JS values: objects (not `Map`s), `null` for `None`, bodies as `Uint8Array`s.
pub(crate) fn to_js(value: &impl Serialize) -> JsValue {
    let s = serde_wasm_bindgen::Serializer::new()
        .serialize_maps_as_objects(true)
        .serialize_missing_as_null(true);
    value.serialize(&s).unwrap_or(JsValue::NULL)
}

/// A reply for JS: `{ status, headers: [[name, value]], body: Uint8Array }`.
#[derive(Serialize)]
pub(crate) struct JsReply<'a> {
    pub(crate) status: u16,
    pub(crate) headers: &'a [(String, String)],
    #[serde(with = "serde_bytes")]
    pub(crate) body: &'a [u8],
}

impl<'a> From<&'a Reply> for JsReply<'a> {
    fn from(r: &'a Reply) -> JsReply<'a> {
        JsReply {
            status: r.status,
            headers: &r.headers,
            body: &r.body,
        }
    }
}

/// Where a request is, for the shell: send `reply`; or sleep `sleep` ms then resume `ex`; or
/// hold `reply` `stall` ms; or close the connection (`drop`). `wake`: webhook deliveries were
/// scheduled (poll the schedule).
#[derive(Serialize, Default)]
pub(crate) struct Step<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) reply: Option<JsReply<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) sleep: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) ex: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) stall: Option<u64>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(crate) drop: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(crate) wake: bool,
}

/// A webhook attempt for JS: `{ id, url, headers, body, timeoutMs }`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct JsSend<'a> {
    pub(crate) id: f64,
    pub(crate) url: &'a str,
    pub(crate) headers: &'a [(String, String)],
    pub(crate) body: &'a str,
    pub(crate) timeout_ms: u64,
}

impl<'a> From<&'a Send> for JsSend<'a> {
    fn from(s: &'a Send) -> JsSend<'a> {
        JsSend {
            id: s.id as f64,
            url: &s.url,
            headers: &s.headers,
            body: &s.body,
            timeout_ms: s.timeout_ms,
        }
    }
}

/// The schedule's answer for JS: the attempts due now, and how long until the next (`null`: none
/// waits).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Due<'a> {
    pub(crate) sends: Vec<JsSend<'a>>,
    pub(crate) wait_ms: Option<u64>,
}
