//! `verifyCredentials`: whether a client's options reach PaySG as someone allowed to use the
//! payment service, from one read-only call (`GET …/payments?limit=1`, the check Plumber makes).
//! Every decision is here: the checks made before sending (a key with whitespace, a key aimed at
//! the other environment's host, the options the constructor would refuse), the call's deadline
//! and retries, and what each answer or failure means, as a [`Problem`] with a code and a
//! sentence a person can act on. A problem never shows the API key.
//!
//! What one read-only call cannot see: listing needs PaySG's View permission only, so a key
//! that may read but not create (no Billing) passes; the first create would be refused with 403.

pub mod messages;

pub use messages::problem;

use super::options::Options;
use super::plan::{Body, Call, Plan, Query};
use super::Op;
use crate::request::{LIVE_BASE_URL, LIVE_KEY_PREFIX, STAGING_BASE_URL, STAGING_KEY_PREFIX};
use crate::scalar::Scalar;
use crate::validate::{check_url, FieldError};
use serde::Serialize;

/// The deadline of a verify, retries included, unless `timeoutMs` says otherwise, in ms.
pub const VERIFY_TIMEOUT_MS: u64 = 10_000;
/// The retries of a verify unless `maxRetries` says otherwise (a 5xx, a 429 or a dropped
/// connection is tried once more; a 401, 403 or 404 never is).
pub const VERIFY_MAX_RETRIES: u32 = 1;

/// The codes of the problems found here (besides the options' own codes, as the constructor
/// reports them, and `browser_not_allowed`), each with when it is reported.
pub const CODES: [(&str, &str); 7] = [
    (
        "api_key_not_recognised",
        "401: PaySG does not recognise the key (another environment's, or mistyped)",
    ),
    (
        "permission_missing",
        "403: the key's email is not a Billing collaborator on the payment service",
    ),
    (
        "payment_service_not_found",
        "404: no such payment service for this key",
    ),
    (
        "api_key_environment_mismatch",
        "a `paysg_live_` key aimed at the staging host, or the reverse; nothing is sent",
    ),
    (
        "api_key_whitespace",
        "the key has whitespace (where is said, never the key)",
    ),
    (
        "connection_failed",
        "no answer: the host is unreachable or drops the caller (PaySG allow-lists caller IPs)",
    ),
    (
        "unexpected_response",
        "any other answer (429, 5xx, a body that is not a page of payments)",
    ),
];

/// Which PaySG the base URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    /// `api-staging.pay.gov.sg` (test mode).
    Staging,
    /// `api.pay.gov.sg`.
    Live,
    /// Any other host: paysg-sim, a proxy, a mistake.
    Other,
}

impl Environment {
    /// The environment of a base URL, by its host (scheme, port and path aside).
    pub fn of(base_url: &str) -> Environment {
        let host = host_of(base_url).to_ascii_lowercase();
        if host == host_of(STAGING_BASE_URL) {
            Environment::Staging
        } else if host == host_of(LIVE_BASE_URL) {
            Environment::Live
        } else {
            Environment::Other
        }
    }
}

/// The host of a URL without port (`api.pay.gov.sg`); the text itself when it has none.
fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    match (authority.find(']'), authority.rsplit_once(':')) {
        (Some(end), _) => &authority[..=end],
        (None, Some((h, port))) if port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => authority,
    }
}

/// The host and port a URL names, for messages (`127.0.0.1:8790`).
fn authority_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

/// One thing wrong with the credentials or the options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Stable: `api_key_not_recognised`, `permission_missing`, `payment_service_not_found`,
    /// `api_key_environment_mismatch`, `api_key_whitespace`, `connection_failed`,
    /// `unexpected_response`, or an option's code (`required`, `invalid_format`, …).
    pub code: String,
    /// What is wrong and what to do, never with the key.
    pub message: String,
}

impl Problem {
    fn new(code: &str, message: String) -> Problem {
        Problem {
            code: code.to_owned(),
            message,
        }
    }
}

impl From<FieldError> for Problem {
    fn from(e: FieldError) -> Problem {
        Problem {
            code: e.code.as_str().to_owned(),
            message: e.message,
        }
    }
}

/// `verifyCredentials`'s result.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// True only when the call succeeded and nothing is wrong.
    pub ok: bool,
    /// Which PaySG the base URL names.
    pub environment: Environment,
    /// The base URL checked (`""` when none could be worked out).
    pub base_url: String,
    /// Everything wrong, in the order found.
    pub problems: Vec<Problem>,
}

/// What became of the one call.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Nothing was sent (the checks before sending found problems).
    NotSent,
    /// PaySG answered with a page of payments.
    Listed,
    /// PaySG answered with this non-2xx status (after the retries allowed).
    Status(u16),
    /// A 2xx answer that is not a page of payments (its status, or 0 when not known).
    NotAList(u16),
    /// No answer: the connection failed, with what the client said (the key already removed).
    Unreachable(String),
    /// No answer within this many ms.
    TimedOut(u64),
    /// The call failed in some other way (what the client said).
    Failed(String),
}

/// The checks before sending, and the call to send when they allow it.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// The environment of `base_url`.
    pub environment: Environment,
    /// The base URL: `baseUrl` as given (without a trailing slash), else the key prefix's.
    pub base_url: String,
    /// Problems found so far.
    pub problems: Vec<Problem>,
    /// The call, planned by [`plan`] (which finds the options' problems). Its API key is the
    /// one to send (whitespace removed).
    pub call: Call,
    /// Whether to send it: not when a problem found here makes the answer pointless.
    pub send: bool,
    /// The payment service id the call uses, for messages.
    pub payment_service_id: String,
}

/// Checks `client` (a client's options) and `call` (a verify's own options, which override
/// them) before sending, and builds the call: `GET …/payments?limit=1`, with a deadline of
/// [`VERIFY_TIMEOUT_MS`] and [`VERIFY_MAX_RETRIES`] retries unless the options say otherwise.
pub fn check(mut client: Options, mut options: Options, runtime: Scalar) -> Check {
    let mut problems = Vec::new();
    let mut send = true;
    if let Scalar::Str(t) = &client.given_as {
        problems.push(Problem::new(
            "invalid_type",
            format!("the client options {{ apiKey, paymentServiceId, baseUrl, … }} must be an object, got {t}"),
        ));
        send = false;
    }
    if let Scalar::Str(key) = &client.api_key {
        if let Some(p) = whitespace(key) {
            problems.push(p);
            // Checked (and sent, when only its edges had whitespace) without it.
            send &= !key.trim().contains(char::is_whitespace);
            client.api_key = Scalar::Str(key.chars().filter(|c| !c.is_whitespace()).collect());
        }
    }
    let key = client.api_key.as_str().unwrap_or("");
    let base_url = match client.base_url.as_str() {
        Some(b) if check_url(b, &["https", "http"]).is_ok() => b.trim_end_matches('/').to_owned(),
        Some(_) => String::new(),
        None if key.starts_with(LIVE_KEY_PREFIX) => LIVE_BASE_URL.to_owned(),
        None if key.starts_with(STAGING_KEY_PREFIX) => STAGING_BASE_URL.to_owned(),
        None => String::new(),
    };
    let environment = Environment::of(&base_url);
    if let Some(p) = mismatch(key, environment, &base_url) {
        problems.push(p);
        send = false;
    }
    if options.timeout_ms == Scalar::Absent && client.timeout_ms == Scalar::Absent {
        options.timeout_ms = Scalar::Num(VERIFY_TIMEOUT_MS as f64);
    }
    if options.max_retries == Scalar::Absent && client.max_retries == Scalar::Absent {
        options.max_retries = Scalar::Num(f64::from(VERIFY_MAX_RETRIES));
    }
    let payment_service_id = match &options.payment_service_id {
        Scalar::Absent => client.payment_service_id.as_str(),
        s => s.as_str(),
    }
    .unwrap_or("")
    .to_owned();
    Check {
        environment,
        base_url,
        problems,
        send,
        call: Call {
            op: Op::List,
            client,
            options,
            payment_id: Scalar::Absent,
            query: Query {
                limit: Scalar::Num(1.0),
                ..Query::default()
            },
            runtime,
        },
        payment_service_id,
    }
}

/// Plans the check's call ([`super::plan()`]): the request to send, or `None` when nothing is
/// to be sent, with the options' problems (those the constructor would refuse) added to the
/// check's.
pub fn plan(check: &mut Check, random: [u8; 16], now_ms: f64) -> Option<Plan> {
    match super::plan::plan(&check.call, Body::None, random, now_ms) {
        Ok(plan) if check.send => Some(plan),
        Ok(_) => None,
        Err(errors) => {
            check.problems.extend(errors.into_iter().map(Problem::from));
            None
        }
    }
}

/// `api_key_whitespace` when the key has whitespace, saying where (never the key).
pub fn whitespace(key: &str) -> Option<Problem> {
    let trimmed = key.trim();
    let inside = trimmed.contains(char::is_whitespace);
    let (start, end) = match trimmed.len() {
        0 => (!key.is_empty(), false),
        _ => (
            key.trim_start().len() < key.len(),
            key.trim_end().len() < key.len(),
        ),
    };
    let mut at = String::new();
    for (yes, place) in [
        (start, "at its start"),
        (end, "at its end"),
        (inside, "inside it"),
    ] {
        if yes {
            if !at.is_empty() {
                at.push_str(" and ");
            }
            at.push_str(place);
        }
    }
    let then = if at.is_empty() {
        return None;
    } else if trimmed.is_empty() {
        "; it is nothing but whitespace"
    } else if inside {
        "; whitespace inside a key means it was mangled when copied: copy it again from the PaySG dashboard. Nothing was sent"
    } else {
        " (often a newline from an environment file or a copy): remove it; PaySG compares keys exactly. The rest of the check used the key without it"
    };
    Some(Problem::new(
        "api_key_whitespace",
        format!("apiKey has whitespace {at}{then}. The key is not shown"),
    ))
}

/// `api_key_environment_mismatch` when a key's prefix names the other environment's host.
pub fn mismatch(key: &str, environment: Environment, base_url: &str) -> Option<Problem> {
    let (prefix, right) = match environment {
        Environment::Staging if key.starts_with(LIVE_KEY_PREFIX) => {
            (LIVE_KEY_PREFIX, LIVE_BASE_URL)
        }
        Environment::Live if key.starts_with(STAGING_KEY_PREFIX) => {
            (STAGING_KEY_PREFIX, STAGING_BASE_URL)
        }
        _ => return None,
    };
    Some(Problem::new(
        "api_key_environment_mismatch",
        format!(
            "a {prefix} key is aimed at {base_url}: {prefix} keys work only on {right}. Use the \
             key of {base_url}'s environment, or leave baseUrl out to follow the key's prefix. \
             Nothing was sent"
        ),
    ))
}

/// The report: the problems found before sending, then the outcome's; `ok` only with none.
pub fn report(check: &Check, outcome: &Outcome) -> Report {
    let mut problems = check.problems.clone();
    if *outcome != Outcome::NotSent || problems.is_empty() {
        problems.extend(problem(outcome, &check.base_url, &check.payment_service_id));
    }
    Report {
        ok: problems.is_empty(),
        environment: check.environment,
        base_url: check.base_url.clone(),
        problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(host_of("https://api.pay.gov.sg"), "api.pay.gov.sg");
        assert_eq!(host_of("https://api.pay.gov.sg:443/x"), "api.pay.gov.sg");
        assert_eq!(host_of("http://u@127.0.0.1:8790"), "127.0.0.1");
        assert_eq!(host_of("http://[::1]:8790"), "[::1]");
        assert_eq!(authority_of("http://127.0.0.1:8790/p"), "127.0.0.1:8790");
    }
}
