//! What crosses to the JS shell: replies (`{ status, headers, body: Uint8Array }`), webhook
//! events and the steps of a request, as plain JS values through serde-wasm-bindgen.

use paysg_sim_core::model::Event;
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

/// An event for JS: `{ id, body }`.
#[derive(Serialize)]
pub(crate) struct JsEvent<'a> {
    pub(crate) id: &'a str,
    pub(crate) body: &'a str,
}

/// What a step gives the shell: a reply (and events to deliver), or an API job to run.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Step<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) reply: Option<JsReply<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) events: Vec<JsEvent<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) job: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) delay_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) after: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) faults: Vec<String>,
}

pub(crate) fn reply_step<'a>(reply: &'a Reply, events: &'a [Event]) -> JsValue {
    to_js(&Step {
        reply: Some(JsReply {
            status: reply.status,
            headers: &reply.headers,
            body: &reply.body,
        }),
        events: events
            .iter()
            .map(|e| JsEvent {
                id: &e.id,
                body: &e.body,
            })
            .collect(),
        job: None,
        delay_ms: None,
        after: None,
        faults: Vec::new(),
    })
}
