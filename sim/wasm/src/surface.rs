//! What the JS shells read of the simulator before any request: its flags, its version, and the
//! HTTP limits every shell keeps with the core's answers for them.

use crate::step::{self, to_js};
use paysg_sim_core::options::{self, Kind, FLAGS};
use serde::Serialize;
use wasm_bindgen::prelude::*;

mod ts;
mod types;

/// One flag as `flags()` gives it (its TypeScript is generated: [`types`]).
#[derive(Serialize)]
pub(crate) struct Flag {
    /// The flag's name, without `--`.
    name: &'static str,
    /// Its `createSimulator` option (camelCase).
    camel: String,
    /// What its value is (`PORT`, `MS`, …).
    value: &'static str,
    /// `"value"`, `"repeat"` or `"switch"`.
    kind: &'static str,
    /// Its default, if it has one.
    default: Option<&'static str>,
    /// What it does.
    help: &'static str,
}

/// The flags, for the JS command line and `createSimulator`'s options:
/// `[{ name, camel, value, kind: "value" | "repeat" | "switch", default, help }]`.
#[wasm_bindgen]
pub fn flags() -> JsValue {
    let all: Vec<Flag> = FLAGS
        .iter()
        .map(|f| Flag {
            name: f.name,
            camel: options::camel(f.name),
            value: f.value,
            kind: match f.kind {
                Kind::Value => "value",
                Kind::Repeat => "repeat",
                Kind::Switch => "switch",
            },
            default: f.default,
            help: f.help,
        })
        .collect();
    to_js(&all)
}

/// The TypeScript declarations of what the npm package's `Simulator` handle resolves to (and of
/// `flags()`'s entries), generated from the Rust definitions: the build writes them into the
/// shipped `index.d.ts`.
#[wasm_bindgen]
pub fn declarations() -> String {
    types::declarations()
}

/// The simulator's version: this crate's, which the workspace keeps equal to the native
/// binary's (`paysg-sim --version`) and the npm package's.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// The HTTP limits every shell keeps and the core's answers for them (`sim/core/src/limits.rs`),
/// for the node:http server: `{ headerTimeoutMs, bodyTimeoutMs, maxConnections, maxBody,
/// tooLarge, timedOut, malformed }`, the last three replies (`{ status, headers, body }`).
#[wasm_bindgen]
pub fn limits() -> JsValue {
    use paysg_sim_core::limits as l;
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct L<'a> {
        header_timeout_ms: u64,
        body_timeout_ms: u64,
        max_connections: usize,
        max_body: usize,
        too_large: step::JsReply<'a>,
        timed_out: step::JsReply<'a>,
        malformed: step::JsReply<'a>,
    }
    let replies = [
        l::body_too_large(),
        l::body_timed_out(),
        l::malformed_body(),
    ];
    let [too_large, timed_out, malformed] = replies.each_ref().map(|r| step::JsReply {
        status: r.status,
        headers: &r.headers,
        body: &r.body,
    });
    to_js(&L {
        header_timeout_ms: l::HEADER_TIMEOUT_MS,
        body_timeout_ms: l::BODY_TIMEOUT_MS,
        max_connections: l::MAX_CONNECTIONS,
        max_body: l::MAX_BODY,
        too_large,
        timed_out,
        malformed,
    })
}
