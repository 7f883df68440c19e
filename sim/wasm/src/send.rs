//! `paysg-sim send-webhook` for the JS shell (`sim/pkg/src/send-webhook.js`): the core decides
//! the flags, the body, the signed headers and the report ([`paysg_sim_core::send`]); JS reads
//! the event file, POSTs and prints. Each call reads the command line afresh (no state).

use paysg_sim_core::ids::Seeded;
use paysg_sim_core::send::{self, Args, EndpointResponse, Parsed};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::step::to_js;

/// The command line as strings, or the argument error.
fn read(argv: JsValue) -> Result<Parsed, String> {
    let argv: Vec<String> = serde_wasm_bindgen::from_value(argv)
        .map_err(|_| send::usage_error("the arguments must be strings"))?;
    send::parse(&argv)
}

fn error(message: &str) -> JsValue {
    #[derive(Serialize)]
    struct E<'a> {
        error: &'a str,
    }
    to_js(&E { error: message })
}

fn args(argv: JsValue) -> Result<Args, JsValue> {
    match read(argv) {
        Ok(Parsed::Run(a)) => Ok(a),
        Ok(Parsed::Help) => Err(error(&send::help())),
        Err(e) => Err(error(&e)),
    }
}

/// The subcommands, for the end of `paysg-sim --help`.
#[wasm_bindgen(js_name = commandsHelp)]
pub fn commands_help() -> String {
    send::commands_help()
}

/// `send-webhook`'s command line (the arguments after the subcommand): `{ help }` (print it,
/// exit 0), `{ error }` (print it on stderr, exit 2), or `{ event }`: the event file to read
/// (`null` for the made-up event).
#[wasm_bindgen(js_name = sendWebhookArgs)]
pub fn send_webhook_args(argv: JsValue) -> JsValue {
    #[derive(Serialize)]
    struct Read<'a> {
        help: Option<String>,
        event: Option<&'a str>,
    }
    match read(argv) {
        Ok(Parsed::Help) => to_js(&Read {
            help: Some(send::help()),
            event: None,
        }),
        Ok(Parsed::Run(a)) => to_js(&Read {
            help: None,
            event: a.event.as_deref(),
        }),
        Err(e) => error(&e),
    }
}

/// The POST to make: `{ url, body, headers: [[name, value]], intro, notes, timeoutMs }`, or
/// `{ error }` (exit 2). `event`: the file's bytes; `readError`: why it could not be read.
#[wasm_bindgen(js_name = sendWebhookRequest)]
pub fn send_webhook_request(
    argv: JsValue,
    event: Option<Vec<u8>>,
    read_error: Option<String>,
    now: f64,
    seed: f64,
) -> JsValue {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct R<'a> {
        url: &'a str,
        body: &'a str,
        headers: &'a [(String, String)],
        intro: &'a str,
        notes: &'a [String],
        timeout_ms: u64,
    }
    let a = match args(argv) {
        Ok(a) => a,
        Err(e) => return e,
    };
    let file = match (&event, &read_error) {
        (_, Some(why)) => Some(Err(why.as_str())),
        (Some(bytes), None) => Some(Ok(bytes.as_slice())),
        (None, None) => None,
    };
    match send::request(&a, file, now as i64, &mut Seeded(seed.to_bits())) {
        Ok(r) => to_js(&R {
            url: &r.url,
            body: &r.body,
            headers: &r.headers,
            intro: &r.intro,
            notes: &r.notes,
            timeout_ms: send::TIMEOUT_MS,
        }),
        Err(e) => error(&e),
    }
}

/// The report of the endpoint's answer: `{ text, exit }` (`status` undefined and `error` set
/// when none came: `"timeout"` or the failure's message).
#[wasm_bindgen(js_name = sendWebhookReport)]
pub fn send_webhook_report(
    argv: JsValue,
    status: Option<u16>,
    body: &str,
    elapsed_ms: f64,
    error: Option<String>,
) -> JsValue {
    #[derive(Serialize)]
    struct R<'a> {
        text: &'a str,
        exit: u8,
    }
    let a = match args(argv) {
        Ok(a) => a,
        Err(e) => return e,
    };
    let r = send::report(
        &a,
        &EndpointResponse {
            status,
            body,
            elapsed_ms,
            error: error.as_deref(),
        },
    );
    to_js(&R {
        text: &r.text,
        exit: r.exit,
    })
}
