//! The client's options and each call's: one set of rules for both (a call's value overrides
//! the client's), checked here.

use crate::json;
use crate::request::{self, ApiKey};
use crate::scalar::Scalar;
use crate::validate::money::shown_number;
use crate::validate::rules::{check_settings, Chosen, Loose, Switch};
use crate::validate::{Code, FieldError, Given, Rules};
use serde::{Deserialize, Serialize};

/// The most retries a call may ask for.
pub const MAX_RETRIES_LIMIT: u32 = 10;
/// The default number of retries.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// The default deadline of a call (all attempts together), in ms.
pub const DEFAULT_TIMEOUT_MS: u64 = 30_000;
/// The longest deadline, and the longest per-attempt timeout, in ms (10 minutes).
pub const MAX_TIMEOUT_MS: u64 = 600_000;
/// The default time one attempt may take before it is abandoned (and retried when the
/// operation allows), in ms.
pub const DEFAULT_ATTEMPT_TIMEOUT_MS: u64 = 10_000;

/// Options as the caller gave them, for a client (`new PaySG(options)`) or one call (`opts`):
/// every field loose, so that every problem is reported.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Options {
    /// `paysg_stag_…` or `paysg_live_…` (client only).
    pub api_key: Scalar,
    /// `payment_service_…`.
    pub payment_service_id: Scalar,
    /// Another host than the key prefix's (client only).
    pub base_url: Scalar,
    /// Deadline of a call, retries included, in ms.
    pub timeout_ms: Scalar,
    /// Time one attempt may take, in ms.
    pub attempt_timeout_ms: Scalar,
    /// Retries after the first attempt.
    pub max_retries: Scalar,
    /// `Idempotency-Key` of a create or refund (call only).
    pub idempotency_key: Scalar,
    /// Map common non-ASCII payer text to ASCII before checking and sending a create.
    pub normalise_text: Scalar,
    /// The limits PaySG's sources disagree on (`{ payer_identifier, amount_in_cents }`): an
    /// object as the JS layer's JSON text (`encode`, read as every body is), or the scalar given
    /// instead. (As JSON text rather than a serde map: ≈ 4 KB less wasm, measured.)
    pub limits: Scalar,
    /// When the options were not an object at all: their JS type (the JS layer's note).
    #[serde(rename = "type")]
    pub given_as: Scalar,
}

impl Options {
    /// The JS names of the fields, as the JS layer passes them (`type`: the JS type of options
    /// that were not an object).
    pub const FIELDS: [&'static str; 10] = [
        "apiKey",
        "paymentServiceId",
        "baseUrl",
        "timeoutMs",
        "attemptTimeoutMs",
        "maxRetries",
        "idempotencyKey",
        "normaliseText",
        "limits",
        "type",
    ];

    /// Sets the field whose JS name is `name` (one of [`Self::FIELDS`]); false for another name.
    /// The wasm boundary reads options field by field with it: serde-wasm-bindgen's reader
    /// costs the module ≈ 18 KB gzip (its errors format floats), measured.
    pub fn set(&mut self, name: &str, value: Scalar) -> bool {
        let field = match name {
            "apiKey" => &mut self.api_key,
            "paymentServiceId" => &mut self.payment_service_id,
            "baseUrl" => &mut self.base_url,
            "timeoutMs" => &mut self.timeout_ms,
            "attemptTimeoutMs" => &mut self.attempt_timeout_ms,
            "maxRetries" => &mut self.max_retries,
            "idempotencyKey" => &mut self.idempotency_key,
            "normaliseText" => &mut self.normalise_text,
            "limits" => &mut self.limits,
            "type" => &mut self.given_as,
            _ => return false,
        };
        *field = value;
        true
    }

    /// A problem when the options were not an object (`what` names them for the message).
    pub(crate) fn check_shape(&self, p: &mut Vec<FieldError>, what: &str) {
        if let Scalar::Str(t) = &self.given_as {
            p.push(FieldError::new(
                "",
                Code::InvalidType,
                format!("{what} must be an object, got {t}"),
            ));
        }
    }
}

/// A client's checked settings, as the JS layer keeps and shows them (never the key).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// The default payment service of every call.
    pub payment_service_id: Option<String>,
    /// The base URL (from the key's prefix unless `baseUrl` was given).
    pub base_url: String,
    /// The default deadline of a call, in ms.
    pub timeout_ms: u64,
    /// The default time one attempt may take, in ms.
    pub attempt_timeout_ms: u64,
    /// The default number of retries.
    pub max_retries: u32,
}

/// A whole number in `min..=max` from an option, or a problem naming what was given.
pub(crate) fn whole_number(
    p: &mut Vec<FieldError>,
    name: &str,
    v: Given<'_>,
    min: u64,
    max: u64,
) -> Option<u64> {
    let (code, got) = match v {
        Given::Absent => return None,
        Given::Num(n) if n.fract() == 0.0 && n >= min as f64 && n <= max as f64 => {
            return Some(n as u64)
        }
        Given::Num(n) if n.is_nan() => (Code::InvalidType, "NaN".to_owned()),
        Given::Num(n) => (Code::OutOfRange, shown_number(n)),
        other => (Code::InvalidType, other.type_name().to_owned()),
    };
    p.push(FieldError::new(
        name,
        code,
        format!("{name} must be a whole number from {min} to {max}, got {got}"),
    ));
    None
}

/// The `normaliseText` and `limits` of `o`, checked (each `None` when not given).
pub(crate) fn settings(p: &mut Vec<FieldError>, o: &Options) -> Chosen {
    let normalise = match &o.normalise_text {
        Scalar::Absent => Switch::Absent,
        Scalar::Bool(b) => Switch::Bool(*b),
        other => Switch::Other(other.given().type_name()),
    };
    let parsed = o.limits.as_str().map(json::from_js);
    let limits = match (&o.limits, &parsed) {
        (_, Some(Ok(j))) => Loose::of(Some(j)),
        (_, Some(Err(_))) => Loose::Other("a value that cannot be read as JSON"),
        (given, None) => match given.given() {
            crate::validate::Given::Absent => Loose::Absent,
            other => Loose::Other(other.type_name()),
        },
    };
    check_settings(p, normalise, &limits)
}

/// The rules of a create under a client's options and a call's (the call's override the
/// client's, key by key); problems with either are noted in `p`.
pub fn rules(p: &mut Vec<FieldError>, client: &Options, call: &Options) -> Rules {
    let client = settings(p, client);
    settings(p, call).over(client).rules()
}

/// The deadline, per-attempt timeout and retries of `o` (each `None` when not given).
pub(crate) fn limits(p: &mut Vec<FieldError>, o: &Options) -> [Option<u64>; 3] {
    [
        whole_number(p, "timeoutMs", o.timeout_ms.given(), 1, MAX_TIMEOUT_MS),
        whole_number(
            p,
            "attemptTimeoutMs",
            o.attempt_timeout_ms.given(),
            1,
            MAX_TIMEOUT_MS,
        ),
        whole_number(
            p,
            "maxRetries",
            o.max_retries.given(),
            0,
            u64::from(MAX_RETRIES_LIMIT),
        ),
    ]
}

/// Checks a client's options: the API key and base URL now, the payment service when given
/// (each call may give its own), the limits.
///
/// # Errors
///
/// Every problem found (the API key is never shown).
pub fn check_client(o: &Options) -> Result<(ApiKey, Settings), Vec<FieldError>> {
    let mut p = Vec::new();
    o.check_shape(
        &mut p,
        "the client options { apiKey, paymentServiceId, baseUrl, timeoutMs, … }",
    );
    let service = request::payment_service_id(&mut p, o.payment_service_id.given(), false);
    let key_and_base = request::key_and_base_url(&mut p, o.api_key.given(), o.base_url.given());
    let [timeout, attempt, retries] = limits(&mut p, o);
    let _ = settings(&mut p, o);
    match key_and_base {
        Some((key, base_url)) if p.is_empty() => Ok((
            key,
            Settings {
                payment_service_id: service,
                base_url,
                timeout_ms: timeout.unwrap_or(DEFAULT_TIMEOUT_MS),
                attempt_timeout_ms: attempt.unwrap_or(DEFAULT_ATTEMPT_TIMEOUT_MS),
                max_retries: retries.map_or(DEFAULT_MAX_RETRIES, |r| r as u32),
            },
        )),
        _ => Err(p),
    }
}
