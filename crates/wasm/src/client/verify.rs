//! `verifyCredentials` across the boundary, over [`paysg::client::verify`]: a [`Verification`]
//! holds the checks made before sending and, when they allow it, a [`Client`] whose one call
//! (`GET …/payments?limit=1`) the JS loop runs as it runs any other (`pkg/src/call.js`); then
//! [`Verification::report`] says what the outcome means. The static `PaySG.verifyCredentials`
//! starts one from options ([`verify_start`]), a client from its own ([`Client::verify`]).

use super::{read_options, to_js, Client, Timing};
use crate::step::Plan;
use paysg::client::verify::{self, Check, Outcome};
use paysg::client::{ClientError, Options};
use paysg::request::ApiKey;
use paysg::scalar::Scalar;
use wasm_bindgen::prelude::*;

/// A credentials check in progress.
#[wasm_bindgen]
pub struct Verification {
    check: Check,
    client: Option<Client>,
    key: Option<ApiKey>,
}

impl Verification {
    fn new(options: Options, call: Options, runtime: String) -> Self {
        let check = verify::check(options, call, Scalar::Str(runtime));
        let key = check
            .call
            .client
            .api_key
            .as_str()
            .and_then(|k| ApiKey::new(k).ok());
        Verification {
            check,
            client: None,
            key,
        }
    }

    /// A problem found by the JS layer, which stops the call.
    fn refuse(&mut self, code: &str, message: &str) {
        self.check.send = false;
        self.check.problems.push(verify::Problem {
            code: code.to_owned(),
            message: message.to_owned(),
        });
    }
}

/// Starts `PaySG.verifyCredentials(options)`: `options` are a client's, read as `newClient`
/// reads them (never refused: every problem is reported). `fetch_invalid`: the options' `fetch`
/// is not a function; `browser_page`: this is a browser page and `dangerouslyAllowBrowser` is
/// not `true` (both found by the JS layer, as the constructor finds them).
#[wasm_bindgen(js_name = verifyStart)]
pub fn verify_start(
    options: JsValue,
    runtime: String,
    fetch_invalid: bool,
    browser_page: bool,
) -> Verification {
    let mut v = Verification::new(read_options(&options), Options::default(), runtime);
    if fetch_invalid {
        v.refuse(
            "invalid_type",
            "fetch must be a function like the global fetch; nothing was sent",
        );
    }
    if browser_page {
        v.refuse(
            "browser_not_allowed",
            "verifyCredentials was called in a browser page: the API key would be visible to \
             anyone using the page. Check credentials from your server (a Worker or Node); for a \
             test key against a local simulator, pass dangerouslyAllowBrowser: true. Nothing was \
             sent",
        );
    }
    v
}

#[wasm_bindgen]
impl Client {
    /// Starts `paysg.verifyCredentials(options)` with this client's options; `options` (a
    /// call's: `timeoutMs`, `maxRetries`, `paymentServiceId`, …) override them.
    pub fn verify(&self, options: JsValue) -> Verification {
        Verification::new(
            self.options.clone(),
            read_options(&options),
            self.runtime.clone(),
        )
    }
}

#[wasm_bindgen]
impl Verification {
    /// Plans the call: a [`Plan`], as [`Client::plan`] gives it; `undefined` when nothing is to
    /// be sent. `random` is 16 bytes
    /// from the platform's CSPRNG, `now_ms` the time.
    pub fn plan(&mut self, random: &[u8], now_ms: f64) -> JsValue {
        let Some(plan) = verify::plan(&mut self.check, super::random16(random), now_ms) else {
            return JsValue::UNDEFINED;
        };
        let Some(key) = self.key.clone() else {
            return JsValue::UNDEFINED;
        };
        let mut client = Client {
            options: self.check.call.client.clone(),
            key,
            runtime: String::new(),
            calls: Vec::new(),
            free: Vec::new(),
            headers: Default::default(),
        };
        let timing = Timing::of(&plan.context, now_ms);
        let slot = client.keep(plan.context);
        let request = client.headers.request(plan.request);
        self.client = Some(client);
        to_js(&Plan {
            ok: true,
            slot,
            timing: timing.into(),
            request,
            idempotency_key: None,
        })
    }

    /// The client that runs the planned call (once; then `undefined`).
    pub fn client(&mut self) -> Option<Client> {
        self.client.take()
    }

    /// The report, `{ ok, environment, baseUrl, problems }`, from how the call ended: `class`
    /// is `""` when it resolved, `"skipped"` when nothing was sent, else the name of the error
    /// class it threw, with that error's `status`, `message` and `timeoutMs` (what the client
    /// said; the key is removed again).
    pub fn report(
        &self,
        class: &str,
        status: u16,
        message: Option<String>,
        timeout_ms: f64,
    ) -> JsValue {
        let kind = ClientError::CLASSES
            .iter()
            .find(|(_, c)| *c == class)
            .map(|(k, _)| *k);
        let message = match (&self.key, message) {
            (Some(k), Some(m)) => k.scrub(&m),
            (None, Some(m)) => m,
            (_, None) => String::new(),
        };
        let outcome = match (class, kind) {
            ("", _) => Outcome::Listed,
            ("skipped", _) => Outcome::NotSent,
            (_, Some("api")) => Outcome::Status(status),
            (_, Some("connection")) => Outcome::Unreachable(message),
            (_, Some("timeout")) => Outcome::TimedOut(timeout_ms.max(0.0) as u64),
            (_, Some("invalid_response")) => Outcome::NotAList(status),
            _ => Outcome::Failed(if message.is_empty() {
                format!("{class} was thrown")
            } else {
                message
            }),
        };
        to_js(&verify::report(&self.check, &outcome))
    }
}
