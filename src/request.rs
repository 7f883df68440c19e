//! HTTP request construction: the API key, the base URL and payment service, path encoding,
//! idempotency keys, and the request itself. Any HTTP client can send what this module builds;
//! the SDK's client ([`crate::client`]) builds every request here.

use crate::strings::{js_length, percent_encode};
use crate::validate::{check_url, Code, FieldError, Given, UrlError};
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
/// The request header that carries a create's or refund's idempotency key.
pub const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";

/// An API key. Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Checks a key: not empty, visible ASCII only (it travels in a header; a trailing newline
    /// from an environment file is the usual culprit), and more than a bare prefix. The error
    /// never contains the key.
    ///
    /// # Errors
    ///
    /// A [`FieldError`] on `apiKey`.
    pub fn new(key: &str) -> Result<Self, FieldError> {
        let problem = |code, message: &str| Err(FieldError::new("apiKey", code, message));
        if key.is_empty() {
            return problem(Code::Empty, "apiKey must not be empty");
        }
        if !key.bytes().all(|b| b.is_ascii_graphic()) {
            return problem(
                Code::InvalidFormat,
                "apiKey may hold only visible ASCII characters; it has whitespace, control or \
                 non-ASCII characters (often a trailing newline from an environment file); the \
                 key is not shown",
            );
        }
        if key == STAGING_KEY_PREFIX || key == LIVE_KEY_PREFIX {
            return problem(
                Code::InvalidFormat,
                "apiKey is only a key prefix, with nothing after it",
            );
        }
        Ok(ApiKey(key.to_owned()))
    }

    /// The key, for the `x-api-key` header.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether it is a live key (`paysg_live_…`).
    pub fn is_live(&self) -> bool {
        self.0.starts_with(LIVE_KEY_PREFIX)
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

    /// Removes the key from a text that came from elsewhere (it should never be there).
    pub fn scrub(&self, text: &str) -> String {
        if self.0.len() >= 8 && text.contains(&self.0) {
            text.replace(&self.0, "<api key>")
        } else {
            text.to_owned()
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
    percent_encode(s)
}

/// Where and as whom requests go: the checked API key, base URL and payment service.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The API key.
    pub api_key: ApiKey,
    /// The payment service id (`payment_service_…`).
    pub payment_service_id: String,
    /// The base URL, without a trailing slash.
    pub base_url: String,
}

impl Target {
    /// `{base}/v1/payment-services/{id}/payments` with the id percent-encoded.
    pub fn payments_url(&self) -> String {
        format!(
            "{}/v1/payment-services/{}/payments",
            self.base_url,
            percent_encode(&self.payment_service_id)
        )
    }

    /// The host the base URL names, for messages (`api-staging.pay.gov.sg`, `127.0.0.1:8790`).
    pub fn host(&self) -> &str {
        let rest = self
            .base_url
            .split_once("://")
            .map_or(self.base_url.as_str(), |(_, r)| r);
        rest.split(['/', '?', '#']).next().unwrap_or(rest)
    }
}

/// A string option; absent is `None` (and a problem when `required`).
pub(crate) fn string_option<'a>(
    p: &mut Vec<FieldError>,
    name: &str,
    v: Given<'a>,
    required: bool,
) -> Option<&'a str> {
    match v {
        Given::Str(s) => Some(s),
        Given::Absent => {
            if required {
                p.push(FieldError::new(
                    name,
                    Code::Required,
                    format!("{name} is required"),
                ));
            }
            None
        }
        other => {
            p.push(FieldError::new(
                name,
                Code::InvalidType,
                format!("{name} must be a string, got {}", other.type_name()),
            ));
            None
        }
    }
}

/// Checks `apiKey` and `baseUrl`: the base URL as given, or from the key's prefix.
pub(crate) fn key_and_base_url(
    p: &mut Vec<FieldError>,
    api_key: Given<'_>,
    base_url: Given<'_>,
) -> Option<(ApiKey, String)> {
    let key = string_option(p, "apiKey", api_key, true)
        .and_then(|k| ApiKey::new(k).map_err(|e| p.push(e)).ok());
    let base = string_option(p, "baseUrl", base_url, false);
    let base_url = match (base, &key) {
        (Some(b), _) => match check_url(b, &["https", "http"]) {
            Ok(()) => base_url_rules(p, b, key.as_ref()),
            Err(UrlError::Invalid | UrlError::Scheme) => {
                p.push(FieldError::new(
                    "baseUrl",
                    Code::InvalidUrl,
                    "baseUrl must be an absolute http(s) URL such as http://127.0.0.1:8790",
                ));
                None
            }
        },
        (None, Some(k)) => match k.base_url() {
            Some(u) => Some(u.to_owned()),
            None => {
                p.push(FieldError::new(
                    "apiKey",
                    Code::InvalidFormat,
                    format!(
                        "apiKey starts with neither {STAGING_KEY_PREFIX} (staging) nor \
                         {LIVE_KEY_PREFIX} (live), so the API's host cannot be chosen from it; \
                         to reach another host (paysg-sim, a proxy), pass baseUrl"
                    ),
                ));
                None
            }
        },
        (None, None) => None,
    };
    key.zip(base_url)
}

/// The rules a well-formed `baseUrl` must also meet: no user or password (they would show in
/// `toJSON` and in messages), no query or fragment (the API path would land inside them), and
/// `https://` for a live key (over `http://` it would travel unencrypted; `http://` is for
/// staging keys against paysg-sim). The URL is never echoed: it may hold a password. The base
/// URL without a trailing slash, or `None` with the problem pushed.
fn base_url_rules(p: &mut Vec<FieldError>, b: &str, key: Option<&ApiKey>) -> Option<String> {
    let rest = b.split_once("://").map_or(b, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let problem = if authority.contains('@') {
        Some(
            "baseUrl must not hold a user name or password (user:password@host): they would \
             show wherever the client's settings do; the URL is not shown",
        )
    } else if rest.contains(['?', '#']) {
        Some(
            "baseUrl must not hold a query (?…) or a fragment (#…): the API path is appended \
             to it (give e.g. https://proxy.example/paysg)",
        )
    } else if key.is_some_and(ApiKey::is_live)
        && !b
            .get(..8)
            .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
    {
        Some(
            "baseUrl must be https:// for a live key (paysg_live_…): over http:// the key would \
             travel unencrypted (http:// is for staging keys against a local paysg-sim)",
        )
    } else {
        None
    };
    match problem {
        Some(message) => {
            p.push(FieldError::new("baseUrl", Code::InvalidUrl, message));
            None
        }
        None => Some(b.trim_end_matches('/').to_owned()),
    }
}

/// Checks a payment service id: `payment_service_…`, no whitespace or control characters.
pub(crate) fn payment_service_id(
    p: &mut Vec<FieldError>,
    v: Given<'_>,
    required: bool,
) -> Option<String> {
    let id = string_option(p, "paymentServiceId", v, required)?;
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
pub(crate) fn idempotency_key(p: &mut Vec<FieldError>, v: Given<'_>) -> Option<String> {
    let key = string_option(p, "idempotencyKey", v, false)?;
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
                js_length(key)
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

/// A version-4 UUID from 16 random bytes (the caller's CSPRNG): `af9be4e3-685d-4384-99c7-…`.
pub fn uuid_v4(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 15)]));
    }
    out
}

/// An HTTP request any client can send: `fetch(request.url, request)` sends it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "contract", derive(tsify::Tsify))]
pub struct HttpRequest {
    /// `GET` or `POST`.
    #[cfg_attr(feature = "contract", tsify(type = r#""GET" | "POST""#))]
    pub method: &'static str,
    /// The absolute URL.
    pub url: String,
    /// Header names (lower case) and values. They include the API key: never log them.
    #[serde(serialize_with = "crate::validate::serialize_pairs")]
    #[cfg_attr(feature = "contract", tsify(type = "Record<string, string>"))]
    pub headers: Vec<(&'static str, String)>,
    /// The JSON body, when the request has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contract", tsify(optional))]
    pub body: Option<String>,
}

impl HttpRequest {
    /// The value of header `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// `{ "method", "url", "headers": { … }, "body" }` as JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_version_4() {
        let u = uuid_v4([0xff; 16]);
        assert_eq!(u, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert_eq!(uuid_v4([0; 16]), "00000000-0000-4000-8000-000000000000");
    }

    #[test]
    fn keys_and_hosts() {
        assert!(ApiKey::new("paysg_stag_é").is_err(), "not ASCII");
        assert!(ApiKey::new("paysg_stag_").is_err(), "a bare prefix");
        assert!(ApiKey::new("paysg_stag_x").is_ok());
        let k = ApiKey::new("paysg_stag_secret").unwrap_or_else(|_| unreachable!());
        assert_eq!(k.scrub("a paysg_stag_secret b"), "a <api key> b");
        let t = Target {
            api_key: k,
            payment_service_id: "payment_service_a b".into(),
            base_url: "http://127.0.0.1:8790/x".into(),
        };
        assert_eq!(t.host(), "127.0.0.1:8790");
        assert_eq!(
            t.payments_url(),
            "http://127.0.0.1:8790/x/v1/payment-services/payment_service_a%20b/payments"
        );
    }

    /// `key_and_base_url` for a key and a base URL: the base URL, or the problems' texts.
    fn base(key: &str, url: &str) -> Result<String, Vec<String>> {
        let mut p = Vec::new();
        match key_and_base_url(&mut p, Given::Str(key), Given::Str(url)) {
            Some((_, b)) if p.is_empty() => Ok(b),
            _ => Err(p
                .iter()
                .map(|e| format!("{} {}", e.field, e.message))
                .collect()),
        }
    }

    #[test]
    fn base_urls_without_secrets_or_a_query() {
        let stag = "paysg_stag_secret1";
        let live = "paysg_live_secret1";
        assert_eq!(
            base(stag, "http://127.0.0.1:8790/").as_deref(),
            Ok("http://127.0.0.1:8790")
        );
        assert_eq!(
            base(stag, "https://proxy.example/paysg").as_deref(),
            Ok("https://proxy.example/paysg")
        );
        assert_eq!(
            base(live, "https://proxy.example").as_deref(),
            Ok("https://proxy.example")
        );
        assert_eq!(
            base(live, "HTTPS://proxy.example").as_deref(),
            Ok("HTTPS://proxy.example")
        );
        for (key, url, rule) in [
            (
                stag,
                "https://user:hunter2@proxy.example",
                "user name or password",
            ),
            (
                stag,
                "http://hunter2@127.0.0.1:8790/x",
                "user name or password",
            ),
            (stag, "https://proxy.example/paysg?hunter2=1", "query"),
            (stag, "https://proxy.example#hunter2", "fragment"),
            (live, "http://proxy.example", "live key"),
            (live, "HTTP://127.0.0.1:8790", "live key"),
        ] {
            let problems = base(key, url).err().unwrap_or_default();
            assert_eq!(problems.len(), 1, "{url}: {problems:?}");
            assert!(
                problems[0].starts_with("baseUrl ") && problems[0].contains(rule),
                "{problems:?}"
            );
            assert!(
                !problems[0].contains("hunter2") && !problems[0].contains("secret1"),
                "{problems:?}"
            );
        }
        // `@` past the host is a path, not a user.
        assert!(base(stag, "https://proxy.example/a@b").is_ok());
    }
}
