//! The thin wasm-bindgen layer: every `#[wasm_bindgen]` item of the crate lives here.
//!
//! These are the *raw* exports of the wasm module; `pkg/src/api.js` wraps them in the public JS
//! surface (error classes, option handling). Each one forwards to plain Rust
//! ([`paysg::json_entry`], [`paysg::client`], [`paysg::webhook`], [`paysg::fast`]), so nothing here
//! can panic that native tests would not have caught. Every export is synchronous; the module
//! holds no JS closures and no futures.

use wasm_bindgen::prelude::*;

pub mod client;
pub mod reconcile;
pub mod request;
pub mod step;

fn webhook_outcome(r: Result<Option<String>, paysg::webhook::Failure>) -> String {
    match r {
        Ok(None) => r#"{"ok":true}"#.to_owned(),
        Ok(Some(event)) => format!(r#"{{"ok":true,"event":{event}}}"#),
        Err(f) => format!(
            r#"{{"ok":false,"reason":"{}","message":{}}}"#,
            f.reason.as_str(),
            serde_json::to_string(&f.message).unwrap_or_default()
        ),
    }
}

/// Verifies a webhook whose raw body is bytes.
#[wasm_bindgen(js_name = verifyWebhookBytes)]
pub fn verify_webhook_bytes(
    body: &[u8],
    header: &str,
    secret: &str,
    tolerance_s: f64,
    now_ms: f64,
) -> String {
    webhook_outcome(paysg::webhook::verify(
        body,
        header,
        secret,
        tolerance_s,
        now_ms,
    ))
}

/// The failure for a body over the maximum (see [`paysg::webhook::MAX_BODY_BYTES`]), as
/// `verifyWebhookBytes` answers it.
#[wasm_bindgen(js_name = webhookBodyTooLarge)]
pub fn webhook_body_too_large(size: f64) -> String {
    webhook_outcome(Err(paysg::webhook::body_too_large(size)))
}

/// What JS found where a `verifyWebhook` argument should be (see
/// [`paysg::webhook::arguments`]): a `typeof` name or a refinement, as a named value so that no
/// string is copied into the module on every verification.
#[wasm_bindgen]
#[derive(Clone, Copy)]
pub enum WebhookKind {
    /// `undefined`.
    Undefined,
    /// `null`.
    Null,
    /// A string.
    String,
    /// A number.
    Number,
    /// A bigint.
    Bigint,
    /// A boolean.
    Boolean,
    /// A symbol.
    Symbol,
    /// A function.
    Function,
    /// An object.
    Object,
    /// A getter or a Proxy threw.
    Unreadable,
    /// A body as bytes.
    Bytes,
    /// A header read as text.
    Text,
    /// A header that is there but is not text.
    NotText,
    /// A `signatureHeader` that is neither a string nor headers.
    NotAHeader,
}

impl WebhookKind {
    fn name(self) -> &'static str {
        use paysg::webhook::arguments as a;
        match self {
            WebhookKind::Undefined => "undefined",
            WebhookKind::Null => "null",
            WebhookKind::String => "string",
            WebhookKind::Number => "number",
            WebhookKind::Bigint => "bigint",
            WebhookKind::Boolean => "boolean",
            WebhookKind::Symbol => "symbol",
            WebhookKind::Function => "function",
            WebhookKind::Object => "object",
            WebhookKind::Unreadable => a::UNREADABLE,
            WebhookKind::Bytes => a::BYTES,
            WebhookKind::Text => a::TEXT,
            WebhookKind::NotText => a::NOT_TEXT,
            WebhookKind::NotAHeader => a::NOT_A_HEADER,
        }
    }
}

/// [`paysg::webhook::arguments::verify_refusal`]: the refusal as JSON
/// ([`paysg::webhook::arguments::Refusal::to_json`]), or `undefined` when `verifyWebhook` may
/// verify these arguments.
#[wasm_bindgen(js_name = webhookVerifyRefusal)]
#[allow(clippy::too_many_arguments)]
pub fn webhook_verify_refusal(
    secret_kind: WebhookKind,
    secret_len: f64,
    options_kind: WebhookKind,
    tolerance_kind: WebhookKind,
    tolerance_s: f64,
    now_kind: WebhookKind,
    now_ms: f64,
    header_kind: WebhookKind,
    body_kind: WebhookKind,
    body_size: f64,
) -> Option<String> {
    use paysg::webhook::arguments::{verify_refusal, Secret, VerifyArgs};
    verify_refusal(&VerifyArgs {
        secret: Secret {
            kind: secret_kind.name(),
            len: secret_len,
        },
        options: options_kind.name(),
        tolerance: (tolerance_kind.name(), tolerance_s),
        now: (now_kind.name(), now_ms),
        header: header_kind.name(),
        body: body_kind.name(),
        body_size,
    })
    .map(|r| r.to_json())
}

/// [`paysg::webhook::arguments::sign_refusal`] as JSON, or `undefined`.
#[wasm_bindgen(js_name = webhookSignRefusal)]
pub fn webhook_sign_refusal(
    secret_kind: &str,
    secret_len: f64,
    options_kind: &str,
    timestamp: &str,
    body_kind: &str,
) -> Option<String> {
    let secret = paysg::webhook::arguments::Secret {
        kind: secret_kind,
        len: secret_len,
    };
    paysg::webhook::arguments::sign_refusal(secret, options_kind, timestamp, body_kind)
        .map(|r| r.to_json())
}

/// [`paysg::webhook::answers::refused_request`]: the name of the webhook handler's answer to
/// its argument before the body is read, or `undefined` to go on.
#[wasm_bindgen(js_name = webhookRequestAnswer)]
pub fn webhook_request_answer(has_headers_get: bool, method: Option<String>) -> Option<String> {
    paysg::webhook::answers::refused_request(has_headers_get, method.as_deref()).map(str::to_owned)
}

/// [`paysg::webhook::arguments::request_refusal`] as JSON, or `undefined`.
#[wasm_bindgen(js_name = webhookRequestRefusal)]
pub fn webhook_request_refusal(
    is_request: bool,
    secret_kind: &str,
    secret_len: f64,
    options_kind: &str,
) -> Option<String> {
    let secret = paysg::webhook::arguments::Secret {
        kind: secret_kind,
        len: secret_len,
    };
    paysg::webhook::arguments::request_refusal(is_request, secret, options_kind)
        .map(|r| r.to_json())
}

/// [`paysg::webhook::handler_options::handler_refusal`] as JSON, or `undefined`. `secret_kind`
/// … `lease_shown` are the fields of
/// [`paysg::webhook::handler_options::HandlerArgs`] in order, flattened.
#[wasm_bindgen(js_name = webhookHandlerRefusal)]
#[allow(clippy::too_many_arguments)]
pub fn webhook_handler_refusal(
    options_kind: &str,
    secret_kind: &str,
    secret_len: f64,
    store_kind: &str,
    claim_kind: &str,
    complete_kind: &str,
    release_kind: &str,
    on_event_kind: &str,
    client_kind: &str,
    get_payment_kind: &str,
    tolerance_kind: &str,
    tolerance_s: f64,
    tolerance_shown: &str,
    lease_kind: &str,
    lease_ms: f64,
    lease_shown: &str,
) -> Option<String> {
    use paysg::webhook::arguments::Secret;
    use paysg::webhook::handler_options::{handler_refusal, HandlerArgs, NumberGiven};
    handler_refusal(&HandlerArgs {
        options: options_kind,
        secret: Secret {
            kind: secret_kind,
            len: secret_len,
        },
        store: store_kind,
        store_methods: [claim_kind, complete_kind, release_kind],
        on_event: on_event_kind,
        client: client_kind,
        get_payment: get_payment_kind,
        tolerance: NumberGiven {
            kind: tolerance_kind,
            value: tolerance_s,
            shown: tolerance_shown,
        },
        lease: NumberGiven {
            kind: lease_kind,
            value: lease_ms,
            shown: lease_shown,
        },
    })
    .map(|r| r.to_json())
}

/// [`paysg::webhook::handler_options::memory_store_refusal`] as JSON, or `undefined`;
/// `keep_kind` is `"undefined"` when `keepDoneMs` was not given.
#[wasm_bindgen(js_name = memoryStoreRefusal)]
pub fn memory_store_refusal(
    options_kind: &str,
    keep_kind: &str,
    keep_ms: f64,
    keep_shown: &str,
) -> Option<String> {
    use paysg::webhook::handler_options::NumberGiven;
    let keep = (keep_kind != "undefined").then_some(NumberGiven {
        kind: keep_kind,
        value: keep_ms,
        shown: keep_shown,
    });
    paysg::webhook::handler_options::memory_store_refusal(options_kind, keep).map(|r| r.to_json())
}

/// [`paysg::webhook::handler_options::durable_object_store_refusal`] as JSON, or `undefined`.
#[wasm_bindgen(js_name = durableObjectStoreRefusal)]
pub fn durable_object_store_refusal(usable: bool, kind: &str) -> Option<String> {
    paysg::webhook::handler_options::durable_object_store_refusal(usable, kind).map(|r| r.to_json())
}

/// A `PaySG-Signature` header for a bytes body.
#[wasm_bindgen(js_name = signWebhookBytes)]
pub fn sign_webhook_bytes(body: &[u8], secret: &str, timestamp: &str) -> String {
    paysg::webhook::sign(body, secret, timestamp)
}

/// `parseReturnUrl` ([`paysg::client::returns::url::read_return_url`]): `url` is the text JS
/// found in the argument, `undefined` when it is no string, URL or Request. Answers
/// `{"ok":true,"value":{ paymentId, paymentServiceId }}` or the refusal as the webhook functions
/// give theirs ([`paysg::webhook::arguments::Refusal::to_json`], which the module has already).
#[wasm_bindgen(js_name = parseReturnUrlText)]
pub fn parse_return_url_text(url: Option<String>) -> String {
    match paysg::client::returns::url::read_return_url(url.as_deref()) {
        Ok((id, service)) => format!(
            r#"{{"ok":true,"value":{{"paymentId":{},"paymentServiceId":{}}}}}"#,
            serde_json::to_string(&id).unwrap_or_default(),
            serde_json::to_string(&service).unwrap_or_default()
        ),
        Err(r) => paysg::webhook::arguments::Refusal::Validation {
            context: r.context,
            errors: r.errors,
        }
        .to_json(),
    }
}

/// The SDK version (`paysg` npm package and Rust crate).
#[wasm_bindgen(js_name = version)]
pub fn version() -> String {
    paysg::VERSION.to_owned()
}

/// See [`paysg::json_entry::validate_create_payment_with`] (`options` is `""` when none were
/// given).
#[wasm_bindgen(js_name = validateCreatePaymentText)]
pub fn validate_create_payment_text(input: &str, options: &str) -> String {
    paysg::json_entry::validate_create_payment_with(input, options)
}

/// See [`paysg::json_entry::validate_refund`].
#[wasm_bindgen(js_name = validateRefundText)]
pub fn validate_refund_text(input: &str) -> String {
    paysg::json_entry::validate_refund(input)
}

use std::cell::RefCell;

thread_local! {
    /// The fast path's header words (see [`paysg::fast`]).
    static HEADER: RefCell<Vec<u32>> = RefCell::new(vec![0; paysg::fast::HEADER_WORDS]);
    /// The fast path's string bytes.
    static BYTES: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// The module's `WebAssembly.Memory`, for the fast path's views.
#[wasm_bindgen(js_name = fastMemory)]
pub fn fast_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// Address of the fast path's header ([`paysg::fast::HEADER_WORDS`] `u32` words).
#[wasm_bindgen(js_name = fastHeader)]
pub fn fast_header() -> *mut u32 {
    HEADER.with(|h| {
        h.try_borrow_mut()
            .map_or(std::ptr::null_mut(), |mut h| h.as_mut_ptr())
    })
}

/// Makes the fast path's byte buffer hold at least `cap` bytes; returns its address (it moves
/// when it grows, and memory growth detaches JS views: the JS layer re-reads both).
#[wasm_bindgen(js_name = fastBytes)]
pub fn fast_bytes(cap: usize) -> *mut u8 {
    BYTES.with(|b| {
        b.try_borrow_mut().map_or(std::ptr::null_mut(), |mut b| {
            if b.len() < cap {
                b.resize(cap, 0);
            }
            b.as_mut_ptr()
        })
    })
}

/// Runs [`paysg::fast::validate`] on the first `len` bytes of the buffer.
#[wasm_bindgen(js_name = fastValidate)]
pub fn fast_validate(amount: f64, len: usize) -> u32 {
    HEADER.with(|h| {
        BYTES.with(|b| match (h.try_borrow_mut(), b.try_borrow_mut()) {
            (Ok(mut h), Ok(mut b)) => paysg::fast::validate(&mut h, &mut b, len, amount),
            _ => paysg::fast::INVALID,
        })
    })
}

/// [`paysg::fast::body_json`] of the first `len` bytes of the buffer.
fn fast_body(
    len: usize,
    amount: f64,
    rules: &paysg::validate::Rules,
) -> Result<String, Vec<paysg::validate::FieldError>> {
    HEADER.with(|h| {
        BYTES.with(|b| match (h.try_borrow(), b.try_borrow()) {
            (Ok(h), Ok(b)) => match b.get(..len) {
                Some(bytes) => paysg::fast::body_json(&h, bytes, amount, rules),
                None => paysg::fast::body_json(&[], &[], amount, rules),
            },
            _ => paysg::fast::body_json(&[], &[], amount, rules),
        })
    })
}

/// The first `len` bytes of the buffer, to `f`; `None` when the buffer is shorter (JS never
/// asks for more than it wrote) or in use.
fn with_scratch<R>(len: usize, f: impl FnOnce(&[u8]) -> R) -> Option<R> {
    BYTES.with(|b| Some(f(b.try_borrow().ok()?.get(..len)?)))
}

/// [`verify_webhook_bytes`] for a body written into the fast path's buffer (first `len` bytes),
/// which spares JS an allocation and wasm-bindgen a copy.
#[wasm_bindgen(js_name = verifyWebhookScratch)]
pub fn verify_webhook_scratch(
    len: usize,
    header: &str,
    secret: &str,
    tolerance_s: f64,
    now_ms: f64,
) -> String {
    with_scratch(len, |body| {
        verify_webhook_bytes(body, header, secret, tolerance_s, now_ms)
    })
    .unwrap_or_else(|| {
        r#"{"ok":false,"reason":"invalid_payload","message":"the body could not be read from the module's buffer"}"#.to_owned()
    })
}

/// [`paysg::webhook::verified_with_mac`] for a body in the fast path's buffer (first `len`
/// bytes) and a MAC computed by the host.
#[wasm_bindgen(js_name = webhookVerifiedWithMac)]
pub fn webhook_verified_with_mac(
    len: usize,
    header: &str,
    t: &str,
    mac: &[u8],
    tolerance_s: f64,
    now_ms: f64,
) -> bool {
    with_scratch(len, |body| {
        paysg::webhook::verified_with_mac(body, header, t, mac, tolerance_s, now_ms)
    })
    .unwrap_or(false)
}

/// [`paysg::webhook::late_delivery_refusal`]: why PaySG's payment now does not confirm a late
/// delivery, or `undefined` when it does.
#[wasm_bindgen(js_name = lateDeliveryRefusal)]
pub fn late_delivery_refusal(
    event_type: &str,
    event_payment_id: &str,
    payment_id: &str,
    payment_status: Option<String>,
) -> Option<String> {
    paysg::webhook::late_delivery_refusal(
        event_type,
        event_payment_id,
        payment_id,
        payment_status.as_deref(),
    )
}
