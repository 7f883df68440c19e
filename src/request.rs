//! HTTP request construction: base URL choice, path encoding, headers and bodies.
//!
//! Any HTTP client can send what this module builds; the SDK's own client sends it with `fetch`.

use crate::json::Json;
use crate::validate::{self, check_url, Code, FieldError, UrlError};
use serde::Serialize;
use std::fmt;

/// PaySG's staging ("test mode") API.
pub const STAGING_BASE_URL: &str = "https://api-staging.pay.gov.sg";
/// PaySG's live API.
pub const LIVE_BASE_URL: &str = "https://api.pay.gov.sg";
/// The prefix of staging API keys.
pub const STAGING_KEY_PREFIX: &str = "paysg_stag_";
/// The prefix of live API keys.
pub const LIVE_KEY_PREFIX: &str = "paysg_live_";
/// The prefix every payment service id has.
pub const PAYMENT_SERVICE_PREFIX: &str = "payment_service_";
/// The most characters in an `Idempotency-Key`.
pub const IDEMPOTENCY_KEY_MAX: usize = 255;

/// An API key. Its `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Checks a key: not empty, no whitespace or control characters (a trailing newline from an
    /// environment file is the usual culprit). The error never contains the key.
    ///
    /// # Errors
    ///
    /// A [`FieldError`] on `apiKey`.
    pub fn new(key: &str) -> Result<Self, FieldError> {
        if key.is_empty() {
            return Err(FieldError::new(
                "apiKey",
                Code::Empty,
                "apiKey must not be empty",
            ));
        }
        if key.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(FieldError::new(
                "apiKey",
                Code::InvalidFormat,
                "apiKey contains whitespace or control characters (often a trailing newline from an \
                 environment file); the key is not shown",
            ));
        }
        Ok(ApiKey(key.to_owned()))
    }

    /// The key, for the `x-api-key` header.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The base URL its prefix implies: live first, then staging (as PaySG's own callers do).
    pub fn base_url(&self) -> Option<&'static str> {
        if self.0.starts_with(LIVE_KEY_PREFIX) {
            Some(LIVE_BASE_URL)
        } else if self.0.starts_with(STAGING_KEY_PREFIX) {
            Some(STAGING_BASE_URL)
        } else {
            None
        }
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// Percent-encodes a path segment: everything but RFC 3986's unreserved characters.
pub fn encode_path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}

/// Where and as whom requests go: the checked options of a request.
#[derive(Debug, Clone)]
pub struct Target {
    /// The API key.
    pub api_key: ApiKey,
    /// The payment service id (`payment_service_…`).
    pub payment_service_id: String,
    /// The base URL, without a trailing slash.
    pub base_url: String,
    /// The `Idempotency-Key`, when one was given.
    pub idempotency_key: Option<String>,
}

impl Target {
    /// `{base}/v1/payment-services/{id}` with the id percent-encoded.
    pub fn service_url(&self) -> String {
        format!(
            "{}/v1/payment-services/{}",
            self.base_url,
            encode_path_segment(&self.payment_service_id)
        )
    }
}

fn option_str<'j>(p: &mut Vec<FieldError>, name: &str, v: Option<&'j Json<'_>>) -> Option<&'j str> {
    match v {
        None | Some(Json::Null) => None,
        Some(Json::Str(s)) => Some(s.as_ref()),
        Some(other) => {
            p.push(FieldError::new(
                name,
                Code::InvalidType,
                format!("{name} must be a string, got {}", other.type_name()),
            ));
            None
        }
    }
}

/// Like [`option_str`], but absent or `null` is a `required` problem.
fn required_str<'j>(
    p: &mut Vec<FieldError>,
    name: &str,
    v: Option<&'j Json<'_>>,
) -> Option<&'j str> {
    if v.is_none_or(|v| *v == Json::Null) {
        p.push(FieldError::new(
            name,
            Code::Required,
            format!("{name} is required"),
        ));
        return None;
    }
    option_str(p, name, v)
}

/// Reads the request options `{ paymentServiceId, apiKey, baseUrl?, idempotencyKey? }`. Other
/// keys are ignored, so a client's whole configuration can be passed.
///
/// # Errors
///
/// Every problem found (the API key is never shown).
pub fn parse_target(opts: &Json<'_>) -> Result<Target, Vec<FieldError>> {
    let mut p = Vec::new();
    if !matches!(opts, Json::Obj(_)) {
        return Err(vec![FieldError::new(
            "",
            Code::InvalidType,
            format!(
                "the options must be an object {{ paymentServiceId, apiKey, baseUrl? }}, got {}",
                opts.type_name()
            ),
        )]);
    }
    let payment_service_id = required_str(&mut p, "paymentServiceId", opts.get("paymentServiceId"))
        .and_then(|id| check_payment_service_id(&mut p, id));
    let key_and_base = key_and_base_url(&mut p, opts);
    let idempotency_key = option_str(&mut p, "idempotencyKey", opts.get("idempotencyKey"))
        .and_then(|k| check_idempotency_key(&mut p, k));
    match (key_and_base, payment_service_id) {
        (Some((api_key, base_url)), Some(payment_service_id)) if p.is_empty() => Ok(Target {
            api_key,
            payment_service_id,
            base_url,
            idempotency_key,
        }),
        _ => Err(p),
    }
}

/// Reads `apiKey` and `baseUrl` from options: the base URL as given, or from the key's prefix.
pub(crate) fn key_and_base_url(
    p: &mut Vec<FieldError>,
    opts: &Json<'_>,
) -> Option<(ApiKey, String)> {
    let api_key = required_str(p, "apiKey", opts.get("apiKey"))
        .and_then(|k| ApiKey::new(k).map_err(|e| p.push(e)).ok());
    let base = option_str(p, "baseUrl", opts.get("baseUrl"));
    let base_url = match (base, &api_key) {
        (Some(b), _) => match check_url(b, &["https", "http"]) {
            Ok(()) => Some(b.trim_end_matches('/').to_owned()),
            Err(UrlError::Invalid | UrlError::Scheme) => {
                p.push(FieldError::new(
                    "baseUrl",
                    Code::InvalidUrl,
                    "baseUrl must be an absolute http(s) URL such as http://127.0.0.1:8080",
                ));
                None
            }
        },
        (None, Some(k)) => match k.base_url() {
            Some(u) => Some(u.to_owned()),
            None => {
                p.push(FieldError::new(
                    "baseUrl",
                    Code::Required,
                    format!(
                        "the API key starts with neither {STAGING_KEY_PREFIX} nor {LIVE_KEY_PREFIX}, so the \
                         base URL cannot be chosen from it: pass baseUrl"
                    ),
                ));
                None
            }
        },
        (None, None) => None,
    };
    api_key.zip(base_url)
}

/// Checks `paymentServiceId` when it is given (absent or `null` is not a problem).
pub(crate) fn check_optional_payment_service_id(p: &mut Vec<FieldError>, opts: &Json<'_>) {
    if let Some(id) = option_str(p, "paymentServiceId", opts.get("paymentServiceId")) {
        check_payment_service_id(p, id);
    }
}

fn check_payment_service_id(p: &mut Vec<FieldError>, id: &str) -> Option<String> {
    if !id.starts_with(PAYMENT_SERVICE_PREFIX) || id.len() == PAYMENT_SERVICE_PREFIX.len() {
        p.push(FieldError::new(
            "paymentServiceId",
            Code::InvalidFormat,
            format!("paymentServiceId must start with {PAYMENT_SERVICE_PREFIX} (e.g. payment_service_fe5b1b0b-…)"),
        ));
        return None;
    }
    if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        p.push(FieldError::new(
            "paymentServiceId",
            Code::InvalidFormat,
            "paymentServiceId must not contain whitespace or control characters",
        ));
        return None;
    }
    Some(id.to_owned())
}

/// Checks an `Idempotency-Key`: 1 to 255 visible ASCII characters (it travels in a header).
fn check_idempotency_key(p: &mut Vec<FieldError>, key: &str) -> Option<String> {
    if key.is_empty() {
        p.push(FieldError::new(
            "idempotencyKey",
            Code::Empty,
            "idempotencyKey must not be empty",
        ));
    } else if key.len() > IDEMPOTENCY_KEY_MAX {
        p.push(FieldError::new(
            "idempotencyKey",
            Code::TooLong,
            format!(
                "idempotencyKey is {} characters long; PaySG allows at most {IDEMPOTENCY_KEY_MAX} (a UUID is 36)",
                validate::js_length(key)
            ),
        ));
    } else if !key.bytes().all(|b| b.is_ascii_graphic()) {
        p.push(FieldError::new(
            "idempotencyKey",
            Code::InvalidFormat,
            "idempotencyKey must be visible ASCII characters only (a V4 UUID is recommended)",
        ));
    } else {
        return Some(key.to_owned());
    }
    None
}

/// An HTTP request any client can send: `fetch(request.url, request)` sends it.
#[derive(Debug, Clone, PartialEq, Serialize, tsify::Tsify)]
pub struct HttpRequest {
    /// `GET` or `POST`.
    #[tsify(type = r#""GET" | "POST""#)]
    pub method: &'static str,
    /// The absolute URL.
    pub url: String,
    /// Header names (lower case) and values. They include the API key: never log them.
    #[serde(serialize_with = "validate::serialize_pairs")]
    #[tsify(type = "Record<string, string>")]
    pub headers: Vec<(&'static str, String)>,
    /// The JSON body, when the request has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub body: Option<String>,
}

impl HttpRequest {
    /// `{ "method", "url", "headers": { … }, "body" }` as JSON text, for the JS layer.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Builds `POST {base}/v1/payment-services/{id}/payments` from a create-payment body and the
/// options `{ paymentServiceId, apiKey, baseUrl?, idempotencyKey? }`.
///
/// # Errors
///
/// Every problem with the body and with the options, together.
pub fn build_create_payment(
    input: &Json<'_>,
    opts: &Json<'_>,
) -> Result<HttpRequest, Vec<FieldError>> {
    let body = validate::validate_create_payment(input);
    let target = parse_target(opts);
    match (body, target) {
        (Ok(body), Ok(t)) => {
            let mut headers = vec![
                ("x-api-key", t.api_key.expose().to_owned()),
                ("content-type", "application/json".to_owned()),
                ("accept", "application/json".to_owned()),
            ];
            if let Some(k) = &t.idempotency_key {
                headers.push(("idempotency-key", k.clone()));
            }
            Ok(HttpRequest {
                method: "POST",
                url: format!("{}/payments", t.service_url()),
                headers,
                body: Some(body.to_json()),
            })
        }
        (body, target) => {
            let mut errors = body.err().unwrap_or_default();
            errors.extend(target.err().unwrap_or_default());
            Err(errors)
        }
    }
}
