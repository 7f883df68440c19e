//! The payer's return (`confirmReturn`, `parseReturnUrl`): the return URL read exactly as
//! `new URL(url).searchParams` reads it, and the decision whether the payment PaySG reports for
//! it may be confirmed for the order the e-service expects.
//!
//! PaySG appends `paysg_payment_id` and `paysg_payment_service_id` to the `return_url`, unsigned
//! (`paysg-api.md` §14). Anyone can edit, replay or forward such a URL, so the payment it names
//! is confirmed only when it is the one the e-service stored with the order, and never when its
//! money was given back.

use crate::json::{self, Json};
use crate::json_entry::errors_json;
use crate::scalar::Scalar;
use crate::validate::{Code, FieldError};

/// The return URL's parameter naming the payment.
pub const PAYMENT_ID_PARAM: &str = "paysg_payment_id";
/// The return URL's parameter naming the payment service.
pub const SERVICE_ID_PARAM: &str = "paysg_payment_service_id";
/// The longest id accepted from a return URL, in bytes (PaySG's ids are far shorter).
pub const MAX_ID_BYTES: usize = 255;

/// The query of `url` as the WHATWG URL parser finds it: leading and trailing C0 controls and
/// spaces dropped, every tab and newline removed, then the text after the first `?` up to the
/// first `#` (a `#` before any `?` starts the fragment: no query).
pub fn query_of(url: &str) -> String {
    let url = url.trim_matches(|c: char| c <= ' ');
    // Removing tabs and newlines creates no `?` or `#`: find them first, remove after.
    match url.find(['?', '#']) {
        Some(i) if url.as_bytes().get(i) == Some(&b'?') => {
            let query = url[i + 1..].split('#').next().unwrap_or("");
            query.replace(['\t', '\n', '\r'], "")
        }
        _ => String::new(),
    }
}

/// Decodes one name or value of `application/x-www-form-urlencoded` text as `URLSearchParams`
/// does: `+` is a space, `%XX` is the byte XX (a `%` not followed by two hex digits stays as it
/// is), and bytes that are not UTF-8 become U+FFFD.
pub fn form_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |at: usize| b.get(at).and_then(|c| char::from(*c).to_digit(16));
        match (b[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(hi), Some(lo)) => {
                // Two hex digits make at most 255.
                out.push(u8::try_from(hi * 16 + lo).unwrap_or(0));
                i += 3;
            }
            (b'+', _, _) => {
                out.push(b' ');
                i += 1;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The name–value pairs of a query, in order, as `URLSearchParams` lists them: split on `&`,
/// empty pieces skipped, each split at its first `=` (no `=`: an empty value), both decoded
/// with [`form_decode`].
pub fn form_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let (k, v) = piece.split_once('=').unwrap_or((piece, ""));
            (form_decode(k), form_decode(v))
        })
        .collect()
}

/// The one value of parameter `name`, or a problem: missing, given more than once (two readers
/// of the URL could then see two payments), or not a PaySG id (empty, over [`MAX_ID_BYTES`],
/// with whitespace or control characters, or without `prefix`).
fn one_id(pairs: &[(String, String)], name: &str, prefix: &str) -> Result<String, FieldError> {
    let mut values = pairs.iter().filter(|(k, _)| k == name).map(|(_, v)| v);
    let (Some(v), count) = (values.next(), 1 + values.count()) else {
        return Err(FieldError::new(
            name,
            Code::Required,
            format!("the return URL has no {name} query parameter (is this the URL PaySG redirected to?)"),
        ));
    };
    if count > 1 {
        return Err(FieldError::new(
            name,
            Code::InvalidFormat,
            format!("the return URL gives {name} {count} times; PaySG gives it once, and a URL naming several payments is refused"),
        ));
    }
    let why = if v.is_empty() {
        "it is empty".to_owned()
    } else if !v.starts_with(prefix) {
        format!("it does not start with {prefix}")
    } else if v.len() > MAX_ID_BYTES {
        format!("it is {} bytes long; at most {MAX_ID_BYTES}", v.len())
    } else if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        "it contains whitespace or a control character (a `+` in a query is a space)".to_owned()
    } else {
        return Ok(v.clone());
    };
    Err(FieldError::new(
        name,
        Code::InvalidFormat,
        // JSON quoting shows control characters escaped (`{:?}` would pull Unicode tables
        // into the module).
        format!(
            "{name} in the return URL is not a PaySG id: {why} (got {})",
            serde_json::to_string(&crate::strings::shown_key(v)).unwrap_or_default()
        ),
    ))
}

/// Reads the return URL PaySG sends the payer back on: `(paysg_payment_id,
/// paysg_payment_service_id)` from its query, read as `new URL(url).searchParams` reads it
/// (see [`query_of`], [`form_pairs`]).
///
/// # Errors
///
/// A problem for each parameter that is missing, given more than once, or not a PaySG id.
pub fn parse_return_url(url: &str) -> Result<(String, String), Vec<FieldError>> {
    let pairs = form_pairs(&query_of(url));
    let id = one_id(&pairs, PAYMENT_ID_PARAM, "");
    let service = one_id(
        &pairs,
        SERVICE_ID_PARAM,
        crate::request::PAYMENT_SERVICE_PREFIX,
    );
    match (id, service) {
        (Ok(i), Ok(s)) => Ok((i, s)),
        (i, s) => Err([i.err(), s.err()].into_iter().flatten().collect()),
    }
}

/// The payment an order expects, as the e-service stored it when it created the payment. When
/// both are given, both must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    /// The payment's `id`.
    pub payment_id: Option<String>,
    /// The payment's `reference_id` (the e-service's own).
    pub reference_id: Option<String>,
}

/// One of `expected`'s ids: absent, or a non-blank string.
fn expected_id(j: &Json<'_>, key: &str, p: &mut Vec<FieldError>) -> Option<String> {
    let field = format!("expected.{key}");
    match Scalar::of(j.get(key)) {
        Scalar::Absent => None,
        Scalar::Str(s) if crate::strings::is_blank(&s) => {
            p.push(FieldError::new(
                field,
                Code::Empty,
                format!("expected.{key} is empty: pass the {key} stored with the order"),
            ));
            None
        }
        Scalar::Str(s) => Some(s),
        other => {
            let got = match other {
                Scalar::Num(_) => "number",
                Scalar::Bool(_) => "boolean",
                Scalar::Other(t) => t,
                Scalar::Absent | Scalar::Str(_) => "",
            };
            p.push(FieldError::new(
                field,
                Code::InvalidType,
                format!("expected.{key} must be a string, got {got}"),
            ));
            None
        }
    }
}

/// Reads `confirmReturn`'s second argument from the JS layer's text (see [`json::from_js`]; the
/// JS layer copies only `paymentId` and `referenceId`, and writes `{"type": …}` for a value
/// that is not an object).
///
/// # Errors
///
/// Every problem: the argument missing or not an object, neither id given, an id not a
/// non-blank string.
pub fn read_expected(text: &str) -> Result<Expected, Vec<FieldError>> {
    const WHY: &str = "confirmReturn(returnUrl, expected) needs expected = { paymentId } or { referenceId }, as stored with the order when the payment was created; without it a replayed or someone else's paid return URL would confirm this order";
    if text.is_empty() {
        return Err(vec![FieldError::new("expected", Code::Required, WHY)]);
    }
    let j = match json::from_js(text) {
        Ok(j @ Json::Obj(_)) => j,
        Ok(other) => {
            return Err(vec![FieldError::new(
                "expected",
                Code::InvalidType,
                format!(
                    "expected must be an object, got {}: {WHY}",
                    other.type_name()
                ),
            )])
        }
        Err(got) => {
            return Err(vec![FieldError::new(
                "expected",
                Code::InvalidType,
                format!("expected must be an object, got {got}"),
            )])
        }
    };
    if let Some(Json::Str(t)) = j.get("type") {
        return Err(vec![FieldError::new(
            "expected",
            Code::InvalidType,
            format!("expected must be an object, got {t}: {WHY}"),
        )]);
    }
    let mut p = Vec::new();
    let payment_id = expected_id(&j, "paymentId", &mut p);
    let reference_id = expected_id(&j, "referenceId", &mut p);
    if p.is_empty() && payment_id.is_none() && reference_id.is_none() {
        p.push(FieldError::new("expected", Code::Required, WHY));
    }
    if p.is_empty() {
        Ok(Expected {
            payment_id,
            reference_id,
        })
    } else {
        Err(p)
    }
}

/// Why a return is not confirmed (a `PaySGError` with this `code` in JS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// `payment_service_mismatch`, `payment_mismatch` or `payment_refunded`.
    pub code: &'static str,
    /// What happened, naming the parameter and the values compared.
    pub message: String,
}

/// Refuses a return URL of another payment service than the call's (`service`: the call's
/// `paymentServiceId`, else the client's; `None` when neither was given).
///
/// # Errors
///
/// `payment_service_mismatch` when they differ.
pub fn check_service(url_service: &str, service: Option<&str>) -> Result<(), Refusal> {
    match service {
        Some(s) if s == url_service => Ok(()),
        Some(s) => Err(Refusal {
            code: "payment_service_mismatch",
            message: format!("the return URL names payment service {url_service}, not this client's {s}: refusing it"),
        }),
        None => Err(Refusal {
            code: "payment_service_mismatch",
            message: format!("the return URL names payment service {url_service}, and this call has no paymentServiceId to compare it with: set it in the client's or the call's options"),
        }),
    }
}

/// The fields of the payment PaySG returned that the decision reads (JSON text of the payment
/// object, or of just these fields: `id`, `reference_id`, `refund_status`,
/// `payment_fully_refunded_timestamp`).
///
/// # Errors
///
/// `payment_mismatch` when the payment is not the expected one (its `id` differs from
/// `expected.payment_id`, or its `reference_id` from `expected.reference_id`); then
/// `payment_refunded` when it was fully refunded (`refund_status` `fully_refunded`, or
/// `payment_fully_refunded_timestamp` set). A partial refund is no refusal: the payment stays
/// paid, and its `refund_status` says `partially_refunded`.
pub fn check_payment(expected: &Expected, payment: &Json<'_>) -> Result<(), Refusal> {
    let text = |k: &str| Scalar::of(payment.get(k)).as_str().map(str::to_owned);
    let id = text("id").unwrap_or_default();
    if let Some(want) = &expected.payment_id {
        if *want != id {
            return Err(Refusal {
                code: "payment_mismatch",
                message: format!("the return URL's payment {id} is not the expected payment {want} (expected.paymentId): a replayed or another order's return URL; nothing is confirmed"),
            });
        }
    }
    if let Some(want) = &expected.reference_id {
        if text("reference_id").as_deref() != Some(want.as_str()) {
            // The other payment's reference is not shown: it may be another payer's.
            return Err(Refusal {
                code: "payment_mismatch",
                message: format!("the return URL's payment {id} does not have the expected reference_id {want} (expected.referenceId): a replayed or another order's return URL; nothing is confirmed"),
            });
        }
    }
    let fully = text("refund_status").as_deref() == Some("fully_refunded");
    if fully || text("payment_fully_refunded_timestamp").is_some() {
        return Err(Refusal {
            code: "payment_refunded",
            message: format!("payment {id} was paid and then fully refunded (refund_status fully_refunded): a return URL is no evidence of money that was given back"),
        });
    }
    Ok(())
}

/// `{"ok":false,"code":…,"message":…}` for a refusal.
fn refusal_json(r: &Refusal) -> String {
    format!(
        r#"{{"ok":false,"code":"{}","message":{}}}"#,
        r.code,
        serde_json::to_string(&r.message).unwrap_or_default()
    )
}

/// Why `confirmReturn` stops before it asks PaySG.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// Every problem of the return URL and the expectation.
    Invalid(Vec<FieldError>),
    /// The return URL names another payment service.
    Refused(Refusal),
}

/// `confirmReturn` before it asks PaySG: reads the return URL and the expectation (`expected`:
/// see [`read_expected`]) and checks the service (see [`check_service`]): the payment id and
/// service to read. [`check_payment`] then reads `expected` again, as the JS layer's
/// [`check_text`] does. [`start_text`] is its JSON face for the JS layer.
///
/// # Errors
///
/// Every problem of both arguments, or the refusal of another service's return URL.
#[inline]
pub fn start(url: &str, expected: &str, service: Option<&str>) -> Result<(String, String), Stop> {
    let (id, url_service) = read_both(url, expected).map_err(Stop::Invalid)?;
    check_service(&url_service, service).map_err(Stop::Refused)?;
    Ok((id, url_service))
}

/// The return URL's payment id and service, or every problem of the URL and `expected`.
#[inline]
fn read_both(url: &str, expected: &str) -> Result<(String, String), Vec<FieldError>> {
    match (parse_return_url(url), read_expected(expected)) {
        (Ok(read), Ok(_)) => Ok(read),
        (read, exp) => {
            let mut all = exp.err().unwrap_or_default();
            all.extend(read.err().unwrap_or_default());
            Err(all)
        }
    }
}

/// [`start`] as JSON text for the JS layer: `{"ok":true,"value":{"paymentId":…,
/// "paymentServiceId":…}}`, `{"ok":false,"errors":[…]}` (every problem of both arguments) or
/// `{"ok":false,"code":…,"message":…}`.
pub fn start_text(url: &str, expected: &str, service: Option<&str>) -> String {
    match read_both(url, expected) {
        Ok((id, url_service)) => match check_service(&url_service, service) {
            Ok(()) => format!(
                r#"{{"ok":true,"value":{{"paymentId":{},"paymentServiceId":{}}}}}"#,
                serde_json::to_string(&id).unwrap_or_default(),
                serde_json::to_string(&url_service).unwrap_or_default()
            ),
            Err(r) => refusal_json(&r),
        },
        Err(all) => errors_json(&all),
    }
}

/// `confirmReturn` after PaySG answered: [`check_payment`] of the payment (JSON text) against
/// `expected` (the same text [`start_text`] read). Answers `{"ok":true}` or the refusal
/// `{"ok":false,"code":…,"message":…}`.
pub fn check_text(expected: &str, payment: &str) -> String {
    let exp = match read_expected(expected) {
        Ok(e) => e,
        Err(errors) => return errors_json(&errors),
    };
    let payment = json::from_js(payment).unwrap_or(Json::Null);
    match check_payment(&exp, &payment) {
        Ok(()) => r#"{"ok":true}"#.to_owned(),
        Err(r) => refusal_json(&r),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_follows_url_search_params() {
        assert_eq!(form_decode("a+b%20c"), "a b c");
        assert_eq!(form_decode("%zz%4"), "%zz%4", "a bad escape stays");
        assert_eq!(form_decode("%ff"), "\u{fffd}");
        assert_eq!(
            form_decode("%E2%82"),
            "\u{fffd}",
            "a cut sequence is one U+FFFD"
        );
        assert_eq!(form_decode("%C3%A9"), "é");
        assert_eq!(query_of(" https://a.sg/p\t?x=\n1#y?z=2 "), "x=1");
        assert_eq!(query_of("https://a.sg/p#f?x=1"), "");
        assert_eq!(
            form_pairs("&a&=b&c=d=e&&"),
            [
                ("a".into(), "".into()),
                ("".into(), "b".into()),
                ("c".into(), "d=e".into())
            ]
        );
    }
}
