//! `confirmReturn` across the boundary: one planned call ([`paysg::client::returns::plan`]).
//! Rust reads the return URL and `expected`, checks the service, plans the `GET` of the payment
//! and keeps what to expect in the call's context; the JS loop (`pkg/src/call.js` `run`) runs it
//! as any other call, and the step after PaySG's answer is `done` only for the order's payment.

use super::{random16, read_options, to_js, Client};
use paysg::client::{self, ClientError};
use paysg::scalar::Scalar;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl Client {
    /// Plans `confirmReturn`: `url` is the return URL's text (`None` when the caller passed
    /// something that is not a string, a `URL` or a `Request`), `expected` the JS layer's text of
    /// the order's ids, `options` the call's options. Returns the typed plan, as
    /// [`Client::plan`] does, or `{ ok: false, error }` (a validation error naming every problem
    /// of the URL and `expected`, or `payment_service_mismatch`).
    #[wasm_bindgen(js_name = planReturn)]
    pub fn plan_return(
        &mut self,
        url: Option<String>,
        expected: &str,
        options: JsValue,
        random: &[u8],
        now_ms: f64,
    ) -> JsValue {
        let options = read_options(&options);
        let call = client::Call {
            op: client::Op::Get,
            client: self.options.clone(),
            options,
            payment_id: Scalar::Absent,
            query: client::plan::Query::default(),
            runtime: Scalar::Str(self.runtime.clone()),
        };
        match client::returns::plan(&call, url.as_deref(), expected, random16(random), now_ms) {
            Ok(plan) => self.start(plan, now_ms),
            Err(error) => refused(*error),
        }
    }
}

/// `{ ok: false, error }` for any error.
fn refused(error: ClientError) -> JsValue {
    #[derive(Serialize)]
    struct Failed {
        ok: bool,
        error: ClientError,
    }
    to_js(&Failed { ok: false, error })
}
