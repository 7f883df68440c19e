//! An async PaySG client for Rust compiled to wasm — a Cloudflare Worker written with
//! workers-rs, say — that drives the same core as the npm package ([`crate::client`]) and
//! performs the I/O with gloo-net (`fetch`), `setTimeout` and an `AbortSignal`. Feature `gloo`;
//! the npm build does not enable it.
//!
//! ```ignore
//! let paysg = paysg::gloo::PaySg::new(paysg::gloo::Config::new(api_key).payment_service_id(service))?;
//! let payment = paysg.create_payment(&serde_json::json!({ … }), Default::default()).await?;
//! ```

use crate::client::answer::{Failure, Received};
use crate::client::plan::{Body, Query};
use crate::client::{self, ClientError, Op, Options, Shape, Step};
use crate::json::Json;
use crate::loose::Scalar;
use crate::model::{Payment, PaymentList};
use crate::request::{ApiKey, HttpRequest};
use crate::validate::FieldError;
use gloo_net::http::RequestBuilder;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &js_sys::Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// A client's configuration: the same options, limits and defaults as `new PaySG(options)`.
#[derive(Debug, Clone, Default)]
pub struct Config {
    options: Options,
    headers: Vec<(String, String)>,
    limits: Vec<(String, u64)>,
}

impl Config {
    /// A configuration with an API key (`paysg_stag_…` or `paysg_live_…`).
    pub fn new(api_key: &str) -> Self {
        Config {
            options: Options {
                api_key: Scalar::Str(api_key.to_owned()),
                ..Options::default()
            },
            headers: Vec::new(),
            limits: Vec::new(),
        }
    }

    /// The default `payment_service_…` of every call.
    pub fn payment_service_id(mut self, id: &str) -> Self {
        self.options.payment_service_id = Scalar::Str(id.to_owned());
        self
    }

    /// Another host than the key prefix's (paysg-sim, a proxy).
    pub fn base_url(mut self, url: &str) -> Self {
        self.options.base_url = Scalar::Str(url.to_owned());
        self
    }

    /// The deadline of a call, retries included, in ms (1 to 600,000; default 30,000).
    pub fn timeout_ms(mut self, ms: u64) -> Self {
        self.options.timeout_ms = Scalar::Num(ms as f64);
        self
    }

    /// The time one attempt may take, in ms (1 to 600,000; default 10,000).
    pub fn attempt_timeout_ms(mut self, ms: u64) -> Self {
        self.options.attempt_timeout_ms = Scalar::Num(ms as f64);
        self
    }

    /// Retries after the first attempt (0 to 10; default 2).
    pub fn max_retries(mut self, n: u32) -> Self {
        self.options.max_retries = Scalar::Num(f64::from(n));
        self
    }

    /// Map the common non-ASCII characters of payer text to ASCII before checking and sending a
    /// create (`normaliseText`; default off: such text is refused as `non_ascii`).
    pub fn normalise_text(mut self, on: bool) -> Self {
        self.options.normalise_text = Scalar::Bool(on);
        self
    }

    /// Sets a limit PaySG's sources disagree on (`limits`, see
    /// [`crate::validate::rules::LIMITS`]): `limit("payer_identifier", 20)`.
    pub fn limit(mut self, name: &str, value: u64) -> Self {
        self.limits.push((name.to_owned(), value));
        let entries: Vec<String> = self
            .limits
            .iter()
            .map(|(k, v)| format!("{}:{v}", serde_json::to_string(k).unwrap_or_default()))
            .collect();
        // As the JS layer hands `limits` over: JSON text.
        self.options.limits = Scalar::Str(format!("{{{}}}", entries.join(",")));
        self
    }

    /// A header sent on every request besides PaySG's (tracing, or paysg-sim's test headers).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
}

/// One call's options (each overrides the client's).
#[derive(Debug, Clone, Default)]
pub struct CallOptions {
    /// Another payment service than the client's.
    pub payment_service_id: Option<String>,
    /// The `Idempotency-Key` of a create or refund (default: a random V4 UUID, the same on every
    /// retry).
    pub idempotency_key: Option<String>,
    /// The deadline of this call, in ms.
    pub timeout_ms: Option<u64>,
    /// Retries after the first attempt.
    pub max_retries: Option<u32>,
}

impl CallOptions {
    fn options(&self) -> Options {
        let s = |v: &Option<String>| v.clone().map_or(Scalar::Absent, Scalar::Str);
        Options {
            payment_service_id: s(&self.payment_service_id),
            idempotency_key: s(&self.idempotency_key),
            timeout_ms: self
                .timeout_ms
                .map_or(Scalar::Absent, |t| Scalar::Num(t as f64)),
            max_retries: self
                .max_retries
                .map_or(Scalar::Absent, |r| Scalar::Num(f64::from(r))),
            ..Options::default()
        }
    }
}

/// The PaySG client.
#[derive(Debug, Clone)]
pub struct PaySg {
    options: Options,
    key: ApiKey,
    headers: Vec<(String, String)>,
}

impl PaySg {
    /// A client, its options checked as `new PaySG(options)` checks them.
    ///
    /// # Errors
    ///
    /// [`ClientError::Validation`] with every problem (the key is never shown).
    pub fn new(config: Config) -> Result<Self, ClientError> {
        let (key, _) = client::check_client(&config.options)
            .map_err(|errors| ClientError::Validation { errors })?;
        Ok(PaySg {
            options: config.options,
            key,
            headers: config.headers,
        })
    }

    /// `POST …/payments`: creates a payment from any body that serialises to PaySG's fields
    /// (`serde_json::json!({ … })` or a struct of your own); checked first, as
    /// `validateCreatePayment` checks it.
    ///
    /// # Errors
    ///
    /// A [`ClientError`]: validation (nothing sent), PaySG's answer, no connection, a timeout.
    pub async fn create_payment(
        &self,
        params: &impl Serialize,
        opts: CallOptions,
    ) -> Result<Payment, ClientError> {
        let text = serde_json::to_string(params).unwrap_or_default();
        self.call(
            Op::Create,
            Scalar::Absent,
            Query::default(),
            Some(&text),
            &opts,
        )
        .await
    }

    /// `GET …/payments/{id}`.
    ///
    /// # Errors
    ///
    /// As [`PaySg::create_payment`].
    pub async fn get_payment(&self, id: &str, opts: CallOptions) -> Result<Payment, ClientError> {
        let id = Scalar::Str(id.to_owned());
        self.call(Op::Get, id, Query::default(), None, &opts).await
    }

    /// `GET …/payments`: one page, newest first (`limit`, and an `after` cursor).
    ///
    /// # Errors
    ///
    /// As [`PaySg::create_payment`].
    pub async fn list_payments(
        &self,
        limit: Option<u32>,
        after: Option<&str>,
        opts: CallOptions,
    ) -> Result<PaymentList, ClientError> {
        let query = Query {
            limit: limit.map_or(Scalar::Absent, |l| Scalar::Num(f64::from(l))),
            after: after.map_or(Scalar::Absent, |a| Scalar::Str(a.to_owned())),
            ..Query::default()
        };
        self.call(Op::List, Scalar::Absent, query, None, &opts)
            .await
    }

    /// `POST …/payments/{id}/cancel`.
    ///
    /// # Errors
    ///
    /// As [`PaySg::create_payment`].
    pub async fn cancel_payment(
        &self,
        id: &str,
        opts: CallOptions,
    ) -> Result<Payment, ClientError> {
        let id = Scalar::Str(id.to_owned());
        self.call(Op::Cancel, id, Query::default(), None, &opts)
            .await
    }

    /// `POST …/payments/{id}/refund` of `refund_amount_in_cents`.
    ///
    /// # Errors
    ///
    /// As [`PaySg::create_payment`].
    pub async fn refund_payment(
        &self,
        id: &str,
        refund_amount_in_cents: u32,
        opts: CallOptions,
    ) -> Result<Payment, ClientError> {
        let body = format!(r#"{{"refund_amount_in_cents":{refund_amount_in_cents}}}"#);
        let id = Scalar::Str(id.to_owned());
        self.call(Op::Refund, id, Query::default(), Some(&body), &opts)
            .await
    }

    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        op: Op,
        payment_id: Scalar,
        query: Query,
        body: Option<&str>,
        opts: &CallOptions,
    ) -> Result<T, ClientError> {
        let call = client::Call {
            op,
            client: self.options.clone(),
            options: opts.options(),
            payment_id,
            query,
            runtime: Scalar::Str("rust".to_owned()),
        };
        let parsed = body.map(Json::parse);
        let body = match &parsed {
            None => Body::None,
            Some(Ok(j)) => Body::Json(j),
            Some(Err(_)) => Body::Unreadable("the body is not JSON"),
        };
        let plan = client::plan(&call, body, random_bytes(), now())
            .map_err(|errors| ClientError::Validation { errors })?;
        let (mut request, mut context) = (plan.request, plan.context);
        loop {
            let (got, text) = self.attempt(&request, &context).await;
            match client::answer(&context, &got, &self.key, now(), js_sys::Math::random()) {
                Step::Done { .. } => {
                    return serde_json::from_str(&text).map_err(|e| invalid_response(&context, &e))
                }
                Step::Fail { error } => return Err(error),
                Step::Send {
                    after_ms,
                    request: next,
                    context: ctx,
                } => {
                    sleep(after_ms as f64).await;
                    if let Some(next) = next {
                        request = next;
                    }
                    context = ctx;
                }
            }
        }
    }

    /// Sends one request: what came back for [`client::answer`], and the body's text.
    async fn attempt(&self, request: &HttpRequest, ctx: &client::Context) -> (Received, String) {
        let timing = client::wire::Timing::of(ctx, now());
        let controller = web_sys::AbortController::new().ok();
        let abort = controller.clone();
        let on_time = Closure::once_into_js(move || {
            if let Some(c) = abort {
                c.abort();
            }
        });
        let timer = set_timeout(on_time.unchecked_ref(), timing.wait);
        let mut builder = RequestBuilder::new(&request.url).method(match request.method {
            "GET" => gloo_net::http::Method::GET,
            _ => gloo_net::http::Method::POST,
        });
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        for (name, value) in &self.headers {
            builder = builder.header(name, value);
        }
        let signal = controller.as_ref().map(web_sys::AbortController::signal);
        builder = builder.abort_signal(signal.as_ref());
        let sent = match &request.body {
            Some(b) => builder.body(b.clone()),
            None => builder.build(),
        };
        let result = match sent {
            Ok(req) => match req.send().await {
                Ok(res) => match res.text().await {
                    Ok(text) => Ok((res, text)),
                    Err(e) => Err(e.to_string()),
                },
                Err(e) => Err(e.to_string()),
            },
            Err(e) => Err(e.to_string()),
        };
        clear_timeout(&timer);
        let timed_out = signal.as_ref().is_some_and(web_sys::AbortSignal::aborted);
        match result {
            Ok((res, text)) => {
                let status = res.status();
                let ok = (200..300).contains(&status);
                let got = Received {
                    status: Some(status),
                    retry_after: res.headers().get("retry-after"),
                    request_id: res
                        .headers()
                        .get("x-request-id")
                        .or_else(|| res.headers().get("request-id")),
                    json: ok
                        .then(|| serde_json::from_str::<Shape>(&text).ok())
                        .flatten(),
                    text: (!ok).then(|| text.clone()),
                    ..Received::default()
                };
                (got, text)
            }
            Err(cause) => {
                let failure = match (timed_out, timing.deadline) {
                    (true, true) => Failure::Deadline,
                    (true, false) => Failure::Stalled,
                    _ => Failure::Network,
                };
                let got = Received {
                    failure: Some(failure),
                    cause: Some(cause),
                    ..Received::default()
                };
                (got, String::new())
            }
        }
    }
}

fn invalid_response(ctx: &client::Context, e: &serde_json::Error) -> ClientError {
    ClientError::InvalidResponse {
        message: format!("PaySG's answer could not be read: {e}"),
        status: 200,
        attempts: ctx.attempts,
        idempotency_key: ctx.idempotency_key.clone(),
    }
}

/// Milliseconds since the epoch.
fn now() -> f64 {
    js_sys::Date::now()
}

/// 16 bytes from the platform's CSPRNG (`crypto.getRandomValues`).
fn random_bytes() -> [u8; 16] {
    let mut out = [0u8; 16];
    let array = js_sys::Uint8Array::new_with_length(16);
    let crypto = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("crypto"));
    let get = crypto.as_ref().ok().and_then(|c| {
        js_sys::Reflect::get(c, &JsValue::from_str("getRandomValues"))
            .ok()?
            .dyn_into::<js_sys::Function>()
            .ok()
    });
    if let (Ok(c), Some(f)) = (crypto, get) {
        if f.call1(&c, &array).is_ok() {
            array.copy_to(&mut out);
        }
    }
    out
}

/// Waits `ms` milliseconds.
async fn sleep(ms: f64) {
    if ms <= 0.0 {
        return;
    }
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        set_timeout(&resolve, ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// A [`ClientError`] as one line, for logs (never the key).
pub fn describe(e: &ClientError) -> String {
    match e {
        ClientError::Validation { errors } => errors
            .iter()
            .map(|f: &FieldError| format!("{}: {}", f.field, f.message))
            .collect::<Vec<_>>()
            .join("; "),
        ClientError::Api(a) => format!("{} {}: {}", a.status, a.code, a.message),
        ClientError::Connection { message, .. }
        | ClientError::Timeout { message, .. }
        | ClientError::InvalidResponse { message, .. }
        | ClientError::InvalidPages { message }
        | ClientError::ListCapReached { message } => message.clone(),
    }
}
