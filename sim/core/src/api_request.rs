//! A request to `/v1/…`, up to what it will do: the API key, the route, faults, the body's media
//! type, the `Idempotency-Key` ([`prepare`]); then the idempotency rules around its execution
//! ([`replay`], [`finish`]). No I/O: the shell reads the request, sleeps, locks and stores.

use super::api_response::ApiResponse;
use super::faults::{Fault, FaultPlan};
use super::ids::{sha256_hex, Entropy};
use super::model::{Change, IdemRecord};
use super::ops::Op;
use super::outcome::Outcome;
use super::route::{parse_query, route, Route};
use super::store::{Store, StoreError};
use super::{Config, Permission, Volatile};
use paysg::request::STAGING_KEY_PREFIX;

/// The largest request body accepted.
pub const MAX_BODY: usize = 1 << 20;
/// The longest `Idempotency-Key`.
pub const MAX_IDEMPOTENCY_KEY: usize = 255;
/// How long idempotency keys are kept.
pub const IDEMPOTENCY_TTL_MS: i64 = 24 * 3600 * 1000;
/// The longest `x-paysg-sim-delay-ms`.
pub const MAX_DELAY_MS: u64 = 60_000;

/// A request as the shell read it.
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a> {
    /// `GET`, `POST`, …
    pub method: &'a str,
    /// The path, still %-encoded.
    pub path: &'a str,
    /// The query string, when there is one.
    pub query: Option<&'a str>,
    /// Header names (lower case) and raw values.
    pub headers: &'a [(String, Vec<u8>)],
    /// The body.
    pub body: &'a [u8],
}

impl Incoming<'_> {
    /// A header's raw value.
    pub fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }

    /// A header's value when it is text.
    pub fn header_str(&self, name: &str) -> Option<&str> {
        self.header(name).and_then(|v| std::str::from_utf8(v).ok())
    }
}

/// An `Idempotency-Key` in its scope (the API key, the endpoint) and the body's fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyed {
    /// `<sha256 of the API key> <endpoint> <key>`.
    pub scope: String,
    /// SHA-256 of the body.
    pub fingerprint: String,
}

/// A request ready to run.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    /// What to do.
    pub op: Op,
    /// Its `Idempotency-Key` (creates and refunds that sent one).
    pub keyed: Option<Keyed>,
    /// How long it takes (`x-paysg-sim-delay-ms`), in ms.
    pub delay_ms: u64,
    /// A fault to apply after it ran (a stall, a dropped connection, or a 500 stored).
    pub after: Option<Fault>,
}

/// What [`prepare`] decided.
#[derive(Debug, Clone, PartialEq)]
pub enum Prepared {
    /// The answer, at once (nothing to run).
    ApiResponse(ApiResponse),
    /// Run it.
    Run(Job),
}

/// Reads a request up to what it will do. `faults` receives the faults injected (to count
/// them at `/sim/state`).
pub fn prepare(
    config: &Config,
    volatile: &mut Volatile,
    req: &Incoming<'_>,
    entropy: &mut dyn Entropy,
    faults: &mut Change,
) -> Prepared {
    match prepare_inner(config, volatile, req, entropy, faults) {
        Ok(job) => Prepared::Run(job),
        Err(answer) => Prepared::ApiResponse(answer),
    }
}

fn prepare_inner(
    config: &Config,
    volatile: &mut Volatile,
    req: &Incoming<'_>,
    entropy: &mut dyn Entropy,
    faults: &mut Change,
) -> Result<Job, ApiResponse> {
    let key = req.header_str("x-api-key");
    let Some((api_key, rights)) = key.and_then(|k| accepted(config, k).map(|r| (k, r))) else {
        let message = if req.header("x-api-key").is_some() {
            "the API key is not valid for this environment"
        } else {
            "send your API key in the x-api-key header"
        };
        return Err(ApiResponse::error(
            401,
            "authentication_error",
            "invalid_api_key",
            message,
        ));
    };
    let (service, route) = route(req.method, req.path)?;
    let needed = route.permission();
    if !rights.contains(&needed) && !rights.contains(&Permission::Administrator) {
        return Err(ApiResponse::error(
            403,
            "authorization_error",
            "permission_denied",
            format!(
                "this API key lacks the {} permission, which this request needs",
                needed.name()
            ),
        ));
    }
    let plan = match req.header("x-paysg-sim-fault") {
        Some(h) => std::str::from_utf8(h)
            .map_err(|_| "x-paysg-sim-fault is not text".to_owned())
            .and_then(FaultPlan::from_header)
            .map_err(|e| ApiResponse::invalid("invalid_fault_header", e))?,
        None => config.faults.clone(),
    };
    let mut fault = plan.draw(entropy);
    if let (Some(n), Some(_)) = (plan.first, fault) {
        // Only the first `n` requests of this operation: counted by Idempotency-Key, or by
        // method and path.
        let scope = match req.header_str("idempotency-key") {
            Some(k) => format!("key {k}"),
            None => format!("{} {}", req.method, req.path),
        };
        let seen = volatile.first_faults.entry(scope).or_default();
        if *seen >= n {
            fault = None;
        } else {
            *seen = seen.saturating_add(1);
        }
    }
    if let Some(f) = fault {
        faults.faults.push(f.name().to_owned());
    }
    match fault {
        Some(Fault::Internal) => {
            return Err(ApiResponse::error(
                500,
                "api_error",
                "simulated_fault",
                "simulated internal error (paysg-sim fault injection)",
            ))
        }
        Some(Fault::Unavailable) => {
            let mut a = ApiResponse::error(
                503,
                "api_error",
                "simulated_unavailable",
                "simulated outage of a dependency (paysg-sim fault injection)",
            );
            a.retry_after = Some(config.retry_after_secs);
            return Err(a);
        }
        Some(Fault::RateLimited) => {
            let mut a = ApiResponse::error(
                429,
                "rate_limit_error",
                "simulated_rate_limit",
                "too many requests (paysg-sim fault injection)",
            );
            a.retry_after = Some(config.retry_after_secs);
            return Err(a);
        }
        _ => {}
    }
    let delay_ms = req
        .header_str("x-paysg-sim-delay-ms")
        .and_then(|d| d.trim().parse::<u64>().ok())
        .map_or(0, |ms| ms.min(MAX_DELAY_MS));
    let body = req.body.to_vec();
    let (op, endpoint) = match route {
        Route::List => (
            Op::List {
                service,
                query: parse_query(req.query.unwrap_or("")).ok_or_else(|| {
                    ApiResponse::invalid("invalid_query", "the query string is malformed")
                })?,
            },
            None,
        ),
        Route::Retrieve(id) => (Op::Retrieve { service, id }, None),
        Route::Cancel(id) => (Op::Cancel { service, id }, None),
        Route::SendEmail(id) => (Op::SendEmail { service, id }, None),
        Route::Create => {
            json_media_type(req)?;
            let endpoint = format!("create {service}");
            let op = Op::Create {
                service,
                api_key: api_key.to_owned(),
                body,
            };
            (op, Some(endpoint))
        }
        Route::Refund(id) => {
            json_media_type(req)?;
            let endpoint = format!("refund {service} {id}");
            (Op::Refund { service, id, body }, Some(endpoint))
        }
    };
    let keyed = match (endpoint, req.header("idempotency-key")) {
        (Some(endpoint), Some(key)) => {
            let key = idempotency_key(key)?;
            Some(Keyed {
                scope: format!("{} {endpoint} {key}", sha256_hex(api_key.as_bytes())),
                fingerprint: sha256_hex(req.body),
            })
        }
        _ => None,
    };
    Ok(Job {
        op,
        keyed,
        delay_ms,
        after: fault.filter(|f| matches!(f, Fault::Stall | Fault::Drop | Fault::FailAfter)),
    })
}

/// An `Idempotency-Key`: 1 to 255 visible ASCII characters, or 400 (never ignored: a key that
/// cannot be read must not let the same request run twice).
fn idempotency_key(raw: &[u8]) -> Result<&str, ApiResponse> {
    let visible = raw.iter().all(|b| (0x21..=0x7e).contains(b));
    match std::str::from_utf8(raw) {
        Ok(k) if visible && !k.is_empty() && k.len() <= MAX_IDEMPOTENCY_KEY => Ok(k),
        _ => Err(ApiResponse::invalid(
            "invalid_idempotency_key",
            format!(
                "Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} visible ASCII characters (a V4 UUID is recommended); got {} bytes{}",
                raw.len(),
                if visible { "" } else { " with spaces, control or non-ASCII characters" }
            ),
        )),
    }
}

/// A stored answer for `keyed`, when one is kept: the replay, or 400 when the key was used with
/// another body. `None`: run the request.
///
/// # Errors
///
/// The store could not be read.
pub fn replay(
    store: &dyn Store,
    keyed: &Keyed,
    now_ms: i64,
) -> Result<Option<ApiResponse>, StoreError> {
    Ok(match store.idempotency(&keyed.scope)? {
        Some(r) if now_ms.saturating_sub(r.created_ms) < IDEMPOTENCY_TTL_MS => {
            Some(if r.fingerprint != keyed.fingerprint {
                ApiResponse::invalid_idempotency_reuse()
            } else {
                ApiResponse {
                    status: r.status,
                    body: Some(r.body).filter(|_| r.status != 204),
                    retry_after: None,
                    replayed: true,
                }
            })
        }
        _ => None,
    })
}

/// The answer when the same key is still executing.
pub fn in_use() -> ApiResponse {
    ApiResponse::error(
        409,
        "idempotency_error",
        "idempotency_key_in_use",
        "another request with this Idempotency-Key is still being processed; retry shortly",
    )
}

impl ApiResponse {
    fn invalid_idempotency_reuse() -> ApiResponse {
        ApiResponse::error(
            400,
            "idempotency_error",
            "idempotency_key_reused",
            "this Idempotency-Key was used with a different request body",
        )
    }
}

/// Ends a job that ran: a `500-after` fault turns its answer into a 500 (what it did is kept);
/// then the idempotency record of a keyed request joins what it changes, in the same change (so
/// that the record exists exactly when the request's effects do), and expired records are
/// pruned. A request refused before executing (400, 413, 415) stores nothing: the key can be
/// used again. Any other answer is stored, 500s included, as PaySG documents.
pub fn finish(outcome: &mut Outcome, job: &Job, now_ms: i64) {
    if job.after == Some(Fault::FailAfter) && (200..300).contains(&outcome.answer.status) {
        outcome.answer = ApiResponse::error(
            500,
            "api_error",
            "simulated_fault_after_executing",
            "simulated internal error after the request was carried out (paysg-sim fault injection)",
        );
    }
    let Some(k) = job.keyed.as_ref() else { return };
    if matches!(outcome.answer.status, 400 | 413 | 415) {
        return;
    }
    outcome.change.idempotency.push((
        k.scope.clone(),
        IdemRecord {
            fingerprint: k.fingerprint.clone(),
            created_ms: now_ms,
            status: outcome.answer.status,
            body: outcome.answer.body.clone().unwrap_or_default(),
        },
    ));
    outcome.change.prune_before_ms = Some(now_ms.saturating_sub(IDEMPOTENCY_TTL_MS));
}

/// The permissions of an accepted API key: any `paysg_stag_` key with every permission, or
/// only the `--api-key` ones with theirs.
fn accepted(config: &Config, key: &str) -> Option<Vec<Permission>> {
    if config.api_keys.is_empty() {
        (key.starts_with(STAGING_KEY_PREFIX) && key.len() > STAGING_KEY_PREFIX.len())
            .then(|| Permission::ALL.to_vec())
    } else {
        config
            .api_keys
            .iter()
            .find(|k| k.key == key)
            .map(|k| k.permissions.clone())
    }
}

/// 415 unless a body, when there is one, is JSON.
fn json_media_type(req: &Incoming<'_>) -> Result<(), ApiResponse> {
    if req.body.is_empty() {
        return Ok(());
    }
    let mime = req
        .header_str("content-type")
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if mime == "application/json" || mime.ends_with("+json") {
        Ok(())
    } else {
        Err(ApiResponse::error(
            415,
            "invalid_request_error",
            "unsupported_media_type",
            "send the body as application/json",
        ))
    }
}
