//! `createWebhookHandler`'s and the event stores' option rules: which options are refused, with
//! which code and message. JS reads the options once (own properties only) and says what it
//! found — kinds as in [`super::arguments`], numbers, and how a value is shown — and throws what
//! this answers.

use super::arguments::{Refusal, Secret, UNREADABLE};
use super::{DEFAULT_TOLERANCE_S, RETRY_WINDOW_S};
use crate::validate::{Code, FieldError};

/// The largest `toleranceSeconds` of a handler: PaySG's retry window and the default tolerance
/// (a late retry older than this is refused).
pub const LATE_LIMIT_S: u32 = RETRY_WINDOW_S + DEFAULT_TOLERANCE_S;
/// The shortest claim lease, in milliseconds.
pub const LEASE_MIN_MS: u32 = 1000;
/// The longest claim lease, in milliseconds (an hour).
pub const LEASE_MAX_MS: u32 = 3_600_000;
/// The lease when `leaseMs` is not given (60 s).
pub const DEFAULT_LEASE_MS: u32 = 60_000;

const HANDLER: &str = "webhook handler options";
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A number option as JS found it: its kind, its value (for a number) and how it is shown.
#[derive(Debug, Clone, Copy)]
pub struct NumberGiven<'a> {
    /// The kind (`"number"` or what else it is).
    pub kind: &'a str,
    /// The value, for a number.
    pub value: f64,
    /// The value as the message shows it (`String(v)`, `"null"`, `"an object"`).
    pub shown: &'a str,
}

/// What `createWebhookHandler` was given, as JS read it (defaults applied to the numbers).
#[derive(Debug, Clone, Copy)]
pub struct HandlerArgs<'a> {
    /// The options' kind; [`UNREADABLE`] when their own properties could not be read.
    pub options: &'a str,
    /// `secret`.
    pub secret: Secret<'a>,
    /// The store's kind; [`UNREADABLE`] when its methods could not be read.
    pub store: &'a str,
    /// The kinds of the store's `claim`, `complete` and `release`.
    pub store_methods: [&'a str; 3],
    /// `onEvent`'s kind.
    pub on_event: &'a str,
    /// `client`'s kind; [`UNREADABLE`] when its `getPayment` could not be read.
    pub client: &'a str,
    /// The kind of the client's `getPayment`.
    pub get_payment: &'a str,
    /// `toleranceSeconds`.
    pub tolerance: NumberGiven<'a>,
    /// `leaseMs`.
    pub lease: NumberGiven<'a>,
}

fn one(field: &str, code: Code, message: &str) -> Refusal {
    Refusal::Validation {
        context: HANDLER,
        errors: vec![FieldError::new(field, code, message)],
    }
}

/// Why `createWebhookHandler` refuses its options, or `None`.
pub fn handler_refusal(a: &HandlerArgs<'_>) -> Option<Refusal> {
    if a.options != "object" && a.options != UNREADABLE {
        return Some(one(
            "options",
            Code::InvalidType,
            &format!(
                "createWebhookHandler needs {{ secret, store, onEvent, client? }}; it was given {}",
                a.options
            ),
        ));
    }
    if a.options == UNREADABLE {
        return Some(one("options", Code::InvalidType, "createWebhookHandler's options could not be read (a getter or a Proxy threw); pass a plain object { secret, store, onEvent, client? }"));
    }
    if a.store == UNREADABLE {
        return Some(one(
            "store",
            Code::InvalidType,
            "the store could not be read (a getter or a Proxy threw)",
        ));
    }
    if a.client == UNREADABLE {
        return Some(one(
            "client",
            Code::InvalidType,
            "client could not be read (a getter or a Proxy threw)",
        ));
    }
    let errors = handler_problems(a);
    (!errors.is_empty()).then_some(Refusal::Validation {
        context: HANDLER,
        errors,
    })
}

fn handler_problems(a: &HandlerArgs<'_>) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let s = a.secret;
    if s.kind != "string" || s.len <= 0.0 {
        let (code, it) = match s.kind {
            "string" => (Code::Required, "empty"),
            "undefined" => (Code::Required, "missing (is the environment variable set?)"),
            other => (Code::InvalidType, other),
        };
        errors.push(FieldError::new("secret", code, format!("the webhook secret must be a non-empty string (the secret PaySG gave for this endpoint); it is {it}")));
    }
    for (m, kind) in ["claim", "complete", "release"]
        .into_iter()
        .zip(a.store_methods)
    {
        if a.store == "object" && kind == "function" {
            continue;
        }
        let given = if a.store == "object" {
            format!("its {m} is {kind}")
        } else {
            format!("the store is {}", a.store)
        };
        errors.push(FieldError::new(format!("store.{m}"), Code::Required, format!("the store must have a {m} method (memoryStore(), durableObjectStore(namespace), or your own: see the WebhookEventStore interface); {given}")));
    }
    if a.on_event != "function" {
        let code = if a.on_event == "undefined" {
            Code::Required
        } else {
            Code::InvalidType
        };
        errors.push(FieldError::new(
            "onEvent",
            code,
            format!(
                "onEvent must be a function (event, info) => Promise<void>; it is {}",
                a.on_event
            ),
        ));
    }
    if a.client != "undefined" && (a.client == "null" || a.get_payment != "function") {
        errors.push(FieldError::new(
            "client",
            Code::InvalidType,
            "client must be a PaySG client (it needs getPayment), or left out",
        ));
    }
    let t = a.tolerance;
    if t.kind != "number" || t.value.is_nan() || t.value < 0.0 || t.value > f64::from(LATE_LIMIT_S)
    {
        errors.push(FieldError::new(
            "toleranceSeconds",
            Code::OutOfRange,
            format!(
                "toleranceSeconds must be a number of seconds from 0 to {LATE_LIMIT_S}; it is {}",
                t.shown
            ),
        ));
    }
    let l = a.lease;
    let whole = l.kind == "number" && l.value.fract() == 0.0 && l.value.abs() <= MAX_SAFE_INTEGER;
    if !whole || l.value < f64::from(LEASE_MIN_MS) || l.value > f64::from(LEASE_MAX_MS) {
        errors.push(FieldError::new("leaseMs", Code::OutOfRange, format!("leaseMs must be a whole number of milliseconds from {LEASE_MIN_MS} to {LEASE_MAX_MS} (longer than onEvent ever runs); it is {}", l.shown)));
    }
    errors
}

/// Why `memoryStore` refuses its options, or `None`: `keep_done_ms` is `keepDoneMs` when given.
pub fn memory_store_refusal(
    options_kind: &str,
    keep_done_ms: Option<NumberGiven<'_>>,
) -> Option<Refusal> {
    const CONTEXT: &str = "memoryStore options";
    if options_kind == UNREADABLE {
        return Some(Refusal::Validation {
            context: CONTEXT,
            errors: vec![FieldError::new("options", Code::InvalidType, "memoryStore's options could not be read (a getter or a Proxy threw); pass { keepDoneMs? }")],
        });
    }
    let k = keep_done_ms?;
    if k.kind == "number" && k.value.is_finite() && k.value > 0.0 {
        return None;
    }
    Some(Refusal::Validation {
        context: CONTEXT,
        errors: vec![FieldError::new(
            "keepDoneMs",
            Code::OutOfRange,
            format!(
                "keepDoneMs must be a number of milliseconds above 0; it is {}",
                k.shown
            ),
        )],
    })
}

/// Why `durableObjectStore` refuses its argument, or `None`: `usable` when it has `idFromName`
/// and `get` methods (its own or its class's); `kind` what it is.
pub fn durable_object_store_refusal(usable: bool, kind: &str) -> Option<Refusal> {
    if usable {
        return None;
    }
    let without = if kind == "object" {
        " without them"
    } else {
        ""
    };
    Some(Refusal::Validation {
        context: "durableObjectStore argument",
        errors: vec![FieldError::new("namespace", Code::InvalidType, format!("durableObjectStore needs a Durable Object namespace binding (env.PAYSG_WEBHOOK_EVENTS) bound to the PaySGWebhookEvents class, with idFromName and get; it was given {kind}{without}"))],
    })
}

#[cfg(test)]
#[path = "handler_options_tests.rs"]
mod tests;
