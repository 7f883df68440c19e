//! The webhook functions' argument rules: what a body, a signature header, a secret, a tolerance
//! or the options may be, and which error refuses each (`verifyWebhook`, `signWebhook`,
//! `verifyWebhookRequest`). JS reads the arguments (own properties only) and says what it found —
//! a kind (`typeof`, or one of the refinements below) and the numbers — and throws what this
//! answers.
//!
//! Kinds: any `typeof` name (`"undefined"`, `"string"`, `"object"`, …), `"null"`, and
//! [`UNREADABLE`] (a getter or a Proxy threw while it was read); for a body also [`BYTES`] (a
//! `Uint8Array` or an `ArrayBuffer`'s bytes) and [`ARRAY_BUFFER`]; for a header [`TEXT`],
//! [`NOT_TEXT`] and [`NOT_A_HEADER`].

use super::failure::{fail, Failure, Reason};
use super::MAX_BODY_BYTES;
use crate::validate::{Code, FieldError};

/// A value that could not be read: a getter or a Proxy threw.
pub const UNREADABLE: &str = "unreadable";
/// A body given as bytes (a `Uint8Array`, or an `ArrayBuffer` read as one).
pub const BYTES: &str = "bytes";
/// A body given as an `ArrayBuffer` (verified as bytes; not signed).
pub const ARRAY_BUFFER: &str = "array_buffer";
/// A signature header read as text (a string, repeated values joined, or absent: `""`).
pub const TEXT: &str = "text";
/// A signature header that is there but is not text.
pub const NOT_TEXT: &str = "not_text";
/// A `signatureHeader` argument that is neither a string nor headers.
pub const NOT_A_HEADER: &str = "not_a_header";

const ARGUMENTS: &str = "webhook arguments";
const OPTIONS: &str = "webhook options";
const STRING: &str = "string";
const NUMBER: &str = "number";

/// Why a webhook function refuses its arguments: the error class it throws, with what it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A `PaySGValidationError`: the problems and what was being checked.
    Validation {
        /// What was checked (`"webhook arguments"`, `"webhook options"`).
        context: &'static str,
        /// The problems, each naming its field.
        errors: Vec<FieldError>,
    },
    /// A `PaySGSignatureError`.
    Signature(Failure),
}

impl Refusal {
    fn one(context: &'static str, field: &str, code: Code, message: &str) -> Self {
        Refusal::Validation {
            context,
            errors: vec![FieldError::new(field, code, message)],
        }
    }

    /// `{"class":"PaySGValidationError","context":…,"errors":[…]}` or
    /// `{"class":"PaySGSignatureError","reason":…,"message":…}`.
    pub fn to_json(&self) -> String {
        match self {
            Refusal::Validation { context, errors } => format!(
                r#"{{"class":"PaySGValidationError","context":"{context}","errors":{}}}"#,
                serde_json::to_string(errors.as_slice()).unwrap_or_else(|_| "[]".to_owned())
            ),
            Refusal::Signature(f) => format!(
                r#"{{"class":"PaySGSignatureError","reason":"{}","message":{}}}"#,
                f.reason.as_str(),
                serde_json::to_string(&f.message).unwrap_or_default()
            ),
        }
    }
}

/// A secret as JS found it: its kind and, for a string, its length.
#[derive(Debug, Clone, Copy)]
pub struct Secret<'a> {
    /// The kind (see the module's documentation).
    pub kind: &'a str,
    /// Its length, for a string.
    pub len: f64,
}

fn secret(s: Secret<'_>) -> Result<(), Refusal> {
    if s.kind == STRING && s.len > 0.0 {
        return Ok(());
    }
    Err(Refusal::one(
        ARGUMENTS,
        "secret",
        Code::InvalidType,
        "the webhook secret must be a non-empty string (the secret PaySG gave for this endpoint)",
    ))
}

fn options(kind: &str) -> Result<(), Refusal> {
    if kind != UNREADABLE {
        return Ok(());
    }
    Err(Refusal::one(
        OPTIONS,
        "options",
        Code::InvalidType,
        "the options could not be read (a getter or a Proxy threw); pass a plain object",
    ))
}

/// What `verifyWebhook` was given, as JS read it.
#[derive(Debug, Clone, Copy)]
pub struct VerifyArgs<'a> {
    /// The secret.
    pub secret: Secret<'a>,
    /// The options object's kind ([`UNREADABLE`] when its properties could not be read).
    pub options: &'a str,
    /// `toleranceSeconds`' kind and value (the default when it was not given).
    pub tolerance: (&'a str, f64),
    /// `now`'s kind and value in milliseconds (a `Date` read as its time; `Date.now()` when not
    /// given).
    pub now: (&'a str, f64),
    /// The signature header's kind: [`TEXT`], [`NOT_TEXT`] or [`NOT_A_HEADER`].
    pub header: &'a str,
    /// The body's kind: `"string"`, [`BYTES`] or what else it is.
    pub body: &'a str,
    /// The body's size: UTF-16 units for a string, bytes otherwise.
    pub body_size: f64,
}

/// Why `verifyWebhook` refuses its arguments, or `None` when it may verify them.
pub fn verify_refusal(a: &VerifyArgs<'_>) -> Option<Refusal> {
    verify_checks(a).err()
}

fn verify_checks(a: &VerifyArgs<'_>) -> Result<(), Refusal> {
    secret(a.secret)?;
    options(a.options)?;
    let (kind, tolerance) = a.tolerance;
    if kind != NUMBER || tolerance.is_nan() || tolerance < 0.0 {
        return Err(Refusal::one(
            OPTIONS,
            "toleranceSeconds",
            Code::OutOfRange,
            "toleranceSeconds must be a number of seconds, 0 or more (Infinity turns the check off)",
        ));
    }
    let (kind, now) = a.now;
    if kind != NUMBER || !now.is_finite() {
        return Err(Refusal::one(
            OPTIONS,
            "now",
            Code::InvalidType,
            "now must be milliseconds since the epoch (Date.now()) or a Date",
        ));
    }
    match a.header {
        TEXT => {}
        NOT_TEXT => return Err(Refusal::Signature(fail(
            Reason::MalformedHeader,
            "the PaySG-Signature header is not text: pass the header's value (a string) or the request's headers",
        ))),
        _ => return Err(Refusal::one(
            ARGUMENTS,
            "signatureHeader",
            Code::InvalidType,
            "the signature header must be the PaySG-Signature value (a string) or the request's headers",
        )),
    }
    if a.body != STRING && a.body != BYTES {
        let what = match a.body {
            "null" => "null",
            "object" | UNREADABLE | ARRAY_BUFFER => "an object (a parsed body)",
            other => other,
        };
        return Err(Refusal::Signature(fail(
            Reason::InvalidPayload,
            format!("the body is {what}: verify the raw body exactly as received (a string from await request.text(), or bytes), never a parsed or re-serialised one"),
        )));
    }
    if a.body_size > MAX_BODY_BYTES as f64 {
        return Err(Refusal::Signature(super::body_too_large(a.body_size)));
    }
    Ok(())
}

/// Why `signWebhook` refuses its arguments, or `None`. `timestamp` is the `t=` text JS made of
/// the option (`""` for a value that has none); `body` is `"string"`, [`BYTES`] (a `Uint8Array`),
/// [`ARRAY_BUFFER`] or what else it is.
pub fn sign_refusal(
    secret_given: Secret<'_>,
    options_kind: &str,
    timestamp: &str,
    body: &str,
) -> Option<Refusal> {
    if let Err(r) = secret(secret_given).and_then(|()| options(options_kind)) {
        return Some(r);
    }
    if timestamp.is_empty()
        || timestamp.len() > 16
        || !timestamp.bytes().all(|b| b.is_ascii_digit())
    {
        return Some(Refusal::one(
            OPTIONS,
            "timestamp",
            Code::InvalidFormat,
            "timestamp must be a whole number (seconds or milliseconds since the epoch)",
        ));
    }
    if body == STRING || body == BYTES {
        return None;
    }
    Some(Refusal::one(
        ARGUMENTS,
        "rawBody",
        Code::InvalidType,
        "the body to sign must be a string or a Uint8Array",
    ))
}

/// Why `verifyWebhookRequest` refuses its arguments before reading the body, or `None`.
/// `is_request`: the request has a `text` method and headers with `get` (its own or its class's).
pub fn request_refusal(
    is_request: bool,
    secret_given: Secret<'_>,
    options_kind: &str,
) -> Option<Refusal> {
    if !is_request {
        return Some(Refusal::one(
            ARGUMENTS,
            "request",
            Code::InvalidType,
            "verifyWebhookRequest needs a Fetch API Request",
        ));
    }
    secret(secret_given)
        .and_then(|()| options(options_kind))
        .err()
}

#[cfg(test)]
#[path = "arguments_tests.rs"]
mod tests;
