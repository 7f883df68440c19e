//! The PaySG client's domain: one description per endpoint, the request it becomes, when to
//! retry, and how answers are decoded. The wasm layer (`wasm::client`) only moves bytes through
//! `fetch` and sleeps; every decision is made here, in plain Rust tested natively.

use crate::json::Json;
use crate::request::{
    check_optional_payment_service_id, encode_path_segment, key_and_base_url, parse_target,
    HttpRequest, Target,
};
use crate::validate::money::shown_number;
use crate::validate::{self, Code, FieldError};
use serde::Serialize;

/// The most retries a call may ask for.
pub const MAX_RETRIES_LIMIT: u32 = 10;
/// The default number of retries.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// The default deadline of a call (all attempts together), in ms.
pub const DEFAULT_TIMEOUT_MS: u64 = 30_000;
/// The longest deadline accepted, in ms (10 minutes).
pub const MAX_TIMEOUT_MS: u64 = 600_000;
/// The first retry waits about this long; each further retry twice as long.
pub const BASE_DELAY_MS: u64 = 500;
/// No computed backoff is longer than this.
pub const MAX_DELAY_MS: u64 = 8_000;
/// A `Retry-After` longer than this is not waited for: the error is returned instead.
pub const MAX_RETRY_AFTER_MS: u64 = 60_000;

/// How a call ended, as the JS layer is told (`kind` of an outcome). Each maps to one error
/// class of the npm package ([`OutcomeKind::error_class`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OutcomeKind {
    /// The call or its input failed validation; nothing was sent.
    Validation,
    /// PaySG answered non-2xx.
    Api,
    /// No answer: the connection failed or was dropped.
    Connection,
    /// The caller's signal or the deadline aborted the call.
    Aborted,
    /// A 2xx answer that is not what the operation returns.
    InvalidResponse,
    /// The call could not be read at all (a value that cannot be described).
    InvalidCall,
}

impl OutcomeKind {
    /// Every kind.
    pub const ALL: [OutcomeKind; 6] = [
        OutcomeKind::Validation,
        OutcomeKind::Api,
        OutcomeKind::Connection,
        OutcomeKind::Aborted,
        OutcomeKind::InvalidResponse,
        OutcomeKind::InvalidCall,
    ];

    /// The kind's name in outcomes.
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeKind::Validation => "validation",
            OutcomeKind::Api => "api",
            OutcomeKind::Connection => "connection",
            OutcomeKind::Aborted => "aborted",
            OutcomeKind::InvalidResponse => "invalid_response",
            OutcomeKind::InvalidCall => "invalid_call",
        }
    }

    /// The npm package's error class for this kind (`Aborted` throws the signal's reason, or
    /// `PaySGTimeoutError` when paysg's own deadline fired).
    pub fn error_class(self) -> &'static str {
        match self {
            OutcomeKind::Validation | OutcomeKind::InvalidCall => "PaySGValidationError",
            OutcomeKind::Api => "PaySGApiError",
            OutcomeKind::Connection => "PaySGConnectionError",
            OutcomeKind::Aborted => "PaySGTimeoutError",
            OutcomeKind::InvalidResponse => "PaySGError",
        }
    }
}

/// What a call does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `POST …/payments`.
    Create,
    /// `GET …/payments/{id}`.
    Get,
    /// `GET …/payments`.
    List,
    /// `POST …/payments/{id}/cancel`.
    Cancel,
    /// `POST …/payments/{id}/refund`.
    Refund,
    /// `POST …/payments/{id}/send-email`.
    SendEmail,
}

impl Op {
    const ALL: [Op; 6] = [
        Op::Create,
        Op::Get,
        Op::List,
        Op::Cancel,
        Op::Refund,
        Op::SendEmail,
    ];

    /// The operation's name as the JS layer calls it (`"sendEmail"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Create => "create",
            Op::Get => "get",
            Op::List => "list",
            Op::Cancel => "cancel",
            Op::Refund => "refund",
            Op::SendEmail => "sendEmail",
        }
    }

    fn parse(s: &str) -> Option<Op> {
        Op::ALL.into_iter().find(|op| op.as_str() == s)
    }

    /// Whether the call carries an `Idempotency-Key` (PaySG supports one on these two).
    pub fn idempotent(self) -> bool {
        matches!(self, Op::Create | Op::Refund)
    }
}

/// A checked call, ready to send.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The operation.
    pub op: Op,
    /// The request (includes the API key: never log it).
    pub request: HttpRequest,
    /// The API key, to scrub from anything shown.
    pub target: Target,
    /// Retries allowed.
    pub max_retries: u32,
    /// When the call must be over (ms since the epoch).
    pub deadline_ms: f64,
}

/// A whole number in `min..=max` from an option, or a problem.
fn option_int(
    p: &mut Vec<FieldError>,
    name: &str,
    v: Option<&Json<'_>>,
    min: u64,
    max: u64,
) -> Option<u64> {
    match v {
        None | Some(Json::Null) => None,
        Some(Json::Num(n)) if n.fract() == 0.0 && *n >= min as f64 && *n <= max as f64 => {
            Some(*n as u64)
        }
        Some(other) => {
            let (code, got) = match other {
                Json::Num(n) if n.is_nan() => (Code::InvalidType, "NaN".to_owned()),
                Json::Num(n) => (Code::OutOfRange, shown_number(*n)),
                other => (Code::InvalidType, other.type_name().to_owned()),
            };
            p.push(FieldError::new(
                name,
                code,
                format!("{name} must be a whole number from {min} to {max}, got {got}"),
            ));
            None
        }
    }
}

fn id_segment(p: &mut Vec<FieldError>, v: Option<&Json<'_>>) -> Option<String> {
    match v {
        Some(Json::Str(s))
            if !s.is_empty() && !s.chars().any(|c| c.is_whitespace() || c.is_control()) =>
        {
            Some(encode_path_segment(s))
        }
        Some(Json::Str(_)) => {
            p.push(FieldError::new(
                "paymentId",
                Code::InvalidFormat,
                "paymentId must be a non-empty id without spaces",
            ));
            None
        }
        None | Some(Json::Null) => {
            p.push(FieldError::new(
                "paymentId",
                Code::Required,
                "paymentId is required",
            ));
            None
        }
        Some(other) => {
            p.push(FieldError::new(
                "paymentId",
                Code::InvalidType,
                format!("paymentId must be a string, got {}", other.type_name()),
            ));
            None
        }
    }
}

/// Checks the client's options `{ apiKey, paymentServiceId?, baseUrl?, timeoutMs?, maxRetries? }`
/// and answers the settings the JS layer keeps: `{ baseUrl, timeoutMs, maxRetries }`.
///
/// # Errors
///
/// Every problem found (the API key is never shown).
pub fn check_options(opts: &Json<'_>) -> Result<String, Vec<FieldError>> {
    if !matches!(opts, Json::Obj(_)) {
        return Err(vec![FieldError::new(
            "",
            Code::InvalidType,
            format!(
                "the options must be an object {{ apiKey, paymentServiceId, … }}, got {}",
                opts.type_name()
            ),
        )]);
    };
    let mut p = Vec::new();
    // The payment service may be left to each call; the key and base URL are checked now.
    check_optional_payment_service_id(&mut p, opts);
    let key_and_base = key_and_base_url(&mut p, opts);
    let timeout = option_int(
        &mut p,
        "timeoutMs",
        opts.get("timeoutMs"),
        1,
        MAX_TIMEOUT_MS,
    );
    let retries = option_int(
        &mut p,
        "maxRetries",
        opts.get("maxRetries"),
        0,
        u64::from(MAX_RETRIES_LIMIT),
    );
    match key_and_base {
        Some((_, base_url)) if p.is_empty() => Ok(format!(
            r#"{{"baseUrl":{},"timeoutMs":{},"maxRetries":{}}}"#,
            serde_json::to_string(&base_url).unwrap_or_default(),
            timeout.unwrap_or(DEFAULT_TIMEOUT_MS),
            retries.unwrap_or(u64::from(DEFAULT_MAX_RETRIES)),
        )),
        _ => Err(p),
    }
}

/// Reads a call `{ op, apiKey, paymentServiceId, baseUrl?, idempotencyKey?, paymentId?, body?,
/// query?, maxRetries, deadlineMs, client }` and builds its request.
///
/// # Errors
///
/// Every problem with the call (its body included), as for validation.
pub fn plan(call: &Json<'_>) -> Result<Plan, Vec<FieldError>> {
    if !matches!(call, Json::Obj(_)) {
        return Err(vec![FieldError::new(
            "",
            Code::InvalidType,
            "the call must be an object",
        )]);
    };
    let mut p = Vec::new();
    let op = match call.get("op") {
        Some(Json::Str(s)) => Op::parse(s),
        _ => None,
    };
    let Some(op) = op else {
        return Err(vec![FieldError::new(
            "op",
            Code::InvalidFormat,
            "unknown operation",
        )]);
    };
    let target = parse_target(call).map_err(|e| p.extend(e)).ok();
    if op.idempotent() && target.as_ref().is_some_and(|t| t.idempotency_key.is_none()) {
        p.push(FieldError::new(
            "idempotencyKey",
            Code::Required,
            "idempotencyKey is required",
        ));
    }
    let max_retries = option_int(
        &mut p,
        "maxRetries",
        call.get("maxRetries"),
        0,
        u64::from(MAX_RETRIES_LIMIT),
    )
    .map_or(DEFAULT_MAX_RETRIES, |n| n as u32);
    let deadline_ms = match call.get("deadlineMs") {
        Some(Json::Num(n)) if n.is_finite() => *n,
        _ => f64::INFINITY,
    };
    let client = match call.get("client") {
        Some(Json::Str(s)) => format!("paysg-js/{} ({s})", crate::VERSION),
        _ => format!("paysg-js/{}", crate::VERSION),
    };
    let mut body = None;
    let mut suffix = String::new();
    match op {
        Op::Create => {
            match validate::validate_create_payment(call.get("body").unwrap_or(&Json::Null)) {
                Ok(b) => body = Some(b.to_json()),
                Err(e) => p.extend(e),
            }
        }
        Op::List => {
            if let Some(q @ Json::Obj(_)) = call.get("query") {
                let limit = option_int(&mut p, "limit", q.get("limit"), 1, u64::from(u32::MAX));
                let before = cursor(&mut p, "before", q.get("before"));
                let after = cursor(&mut p, "after", q.get("after"));
                if before.is_some() && after.is_some() {
                    p.push(FieldError::new(
                        "before",
                        Code::InvalidFormat,
                        "give before or after, not both (PaySG refuses both)",
                    ));
                }
                let mut params = Vec::new();
                if let Some(l) = limit {
                    params.push(format!("limit={l}"));
                }
                if let Some(b) = before {
                    params.push(format!("before={}", encode_path_segment(b)));
                }
                if let Some(a) = after {
                    params.push(format!("after={}", encode_path_segment(a)));
                }
                if !params.is_empty() {
                    suffix = format!("?{}", params.join("&"));
                }
            }
        }
        Op::Get | Op::Cancel | Op::SendEmail | Op::Refund => {
            if let Some(id) = id_segment(&mut p, call.get("paymentId")) {
                suffix = format!("/{id}");
                match op {
                    Op::Cancel => suffix.push_str("/cancel"),
                    Op::SendEmail => suffix.push_str("/send-email"),
                    Op::Refund => suffix.push_str("/refund"),
                    _ => {}
                }
            }
            if op == Op::Refund {
                match validate::validate_refund(call.get("body").unwrap_or(&Json::Null)) {
                    Ok(r) => body = Some(serde_json::to_string(&r).unwrap_or_default()),
                    Err(e) => p.extend(e),
                }
            }
        }
    }
    let Some(target) = target.filter(|_| p.is_empty()) else {
        return Err(p);
    };
    let method = if matches!(op, Op::Get | Op::List) {
        "GET"
    } else {
        "POST"
    };
    let mut headers = vec![
        ("x-api-key", target.api_key.expose().to_owned()),
        ("accept", "application/json".to_owned()),
        ("x-paysg-client", client),
    ];
    if body.is_some() {
        headers.push(("content-type", "application/json".to_owned()));
    }
    if op.idempotent() {
        if let Some(k) = &target.idempotency_key {
            headers.push(("idempotency-key", k.clone()));
        }
    }
    Ok(Plan {
        op,
        request: HttpRequest {
            method,
            url: format!("{}/payments{suffix}", target.service_url()),
            headers,
            body,
        },
        target,
        max_retries,
        deadline_ms,
    })
}

fn cursor<'j>(p: &mut Vec<FieldError>, name: &str, v: Option<&'j Json<'_>>) -> Option<&'j str> {
    match v {
        None | Some(Json::Null) => None,
        Some(Json::Str(s)) if !s.is_empty() => Some(s),
        Some(_) => {
            p.push(FieldError::new(
                name,
                Code::InvalidType,
                format!("{name} must be a cursor string from page_info"),
            ));
            None
        }
    }
}

/// What one attempt gave.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Attempt<'a> {
    /// An HTTP answer.
    Status {
        /// Its status.
        status: u16,
        /// Its `Retry-After` header.
        retry_after: Option<&'a str>,
    },
    /// No answer: the connection failed or was dropped.
    Network,
}

/// Whether PaySG's answer (or its absence) may succeed if the same call is sent again, and is
/// safe to send again for this operation.
///
/// * 429 is always retryable (PaySG refused before doing anything).
/// * 5xx and network failures: retryable for reads, for creates and refunds (their
///   `Idempotency-Key` makes a repeat harmless) and for cancel (a payment can be cancelled only
///   once); never for send-email, which could send the email twice.
/// * 409 (a concurrent request with the same key): retryable for creates and refunds.
/// * Any other 4xx never is: the same request cannot succeed.
pub fn retryable(op: Op, attempt: Attempt<'_>) -> bool {
    let repeatable = op != Op::SendEmail;
    match attempt {
        Attempt::Network => repeatable,
        Attempt::Status { status: 429, .. } => true,
        Attempt::Status { status: 409, .. } => op.idempotent(),
        Attempt::Status { status, .. } => (500..=599).contains(&status) && repeatable,
    }
}

/// `Retry-After` in ms: delta-seconds (PaySG sends none documented; the simulator sends
/// seconds). HTTP dates are not read (the computed backoff applies).
pub fn retry_after_ms(value: &str) -> Option<u64> {
    let secs: f64 = value.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| (secs * 1000.0).round() as u64)
}

/// How long to wait before retry number `retries_done + 1`, or `None` to stop and report.
///
/// Exponential backoff from [`BASE_DELAY_MS`], doubling, capped at [`MAX_DELAY_MS`], with
/// "equal jitter" (half fixed, half random from `random` in `0..1`); a `Retry-After` replaces it
/// (up to [`MAX_RETRY_AFTER_MS`]). Never past the deadline.
pub fn retry_delay(
    plan: &Plan,
    retries_done: u32,
    attempt: Attempt<'_>,
    now_ms: f64,
    random: f64,
) -> Option<u64> {
    if retries_done >= plan.max_retries || !retryable(plan.op, attempt) {
        return None;
    }
    let backoff = (BASE_DELAY_MS << retries_done.min(16)).min(MAX_DELAY_MS);
    let jittered = backoff / 2 + ((backoff / 2) as f64 * random.clamp(0.0, 1.0)) as u64;
    let delay = match attempt {
        Attempt::Status {
            retry_after: Some(v),
            ..
        } => match retry_after_ms(v) {
            Some(ms) if ms > MAX_RETRY_AFTER_MS => return None,
            Some(ms) => ms,
            None => jittered,
        },
        _ => jittered,
    };
    (now_ms + delay as f64 <= plan.deadline_ms).then_some(delay)
}

/// PaySG's error, decoded for `PaySGApiError`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiError {
    /// Always [`OutcomeKind::Api`]'s name.
    pub kind: &'static str,
    /// HTTP status.
    pub status: u16,
    /// PaySG's `error.type` (or `api_error` when the body is not PaySG's error format).
    pub r#type: String,
    /// PaySG's `error.code` (or `http_<status>`).
    pub code: String,
    /// PaySG's `error.message` (or a sentence naming the status).
    pub message: String,
    /// Whether PaySG's body has an `error.data` (the JS layer reads it from the body).
    #[serde(rename = "hasData")]
    pub has_data: bool,
    /// Whether the same call could succeed later.
    pub retryable: bool,
    /// Attempts made (1 here; the transport layer that retried sets it).
    pub attempts: u32,
    /// The request id PaySG's answer carried, if any (set by the transport layer).
    #[serde(rename = "requestId")]
    pub request_id: Option<String>,
}

/// Decodes a non-2xx answer. The API key is scrubbed from every text.
pub fn decode_error(plan: &Plan, status: u16, body: &str) -> ApiError {
    let retryable = retryable(
        plan.op,
        Attempt::Status {
            status,
            retry_after: None,
        },
    );
    let parsed = Json::parse(body).ok();
    let err = parsed
        .as_ref()
        .and_then(|v| v.get("error"))
        .filter(|e| matches!(e, Json::Obj(_)));
    let text = |k: &str| match err.and_then(|e| e.get(k)) {
        Some(Json::Str(s)) => Some(scrub(plan, s)),
        _ => None,
    };
    let (r#type, code, message) = match (text("type"), text("code"), text("message")) {
        (Some(t), Some(c), m) => (
            t,
            c,
            m.unwrap_or_else(|| format!("PaySG answered {status}")),
        ),
        _ => (
            "api_error".to_owned(),
            format!("http_{status}"),
            format!(
                "PaySG answered {status}{}",
                if body.trim().is_empty() {
                    " with an empty body"
                } else {
                    " with a body that is not PaySG's error format"
                }
            ),
        ),
    };
    let has_data = err
        .and_then(|e| e.get("data"))
        .is_some_and(|d| *d != Json::Null);
    ApiError {
        kind: OutcomeKind::Api.as_str(),
        status,
        r#type,
        code,
        message,
        has_data,
        retryable,
        attempts: 1,
        request_id: None,
    }
}

/// Removes the API key from a text that came from elsewhere (it should never be there).
pub fn scrub(plan: &Plan, text: &str) -> String {
    let key = plan.target.api_key.expose();
    if key.len() >= 8 && text.contains(key) {
        text.replace(key, "<api key>")
    } else {
        text.to_owned()
    }
}

/// Reads the return URL PaySG sends the payer back on: `(paysg_payment_id,
/// paysg_payment_service_id)` from its query.
///
/// # Errors
///
/// A problem for each parameter that is missing or malformed.
pub fn parse_return_url(url: &str) -> Result<(String, String), Vec<FieldError>> {
    let query = url
        .split('#')
        .next()
        .unwrap_or("")
        .split_once('?')
        .map_or("", |(_, q)| q);
    let mut id = None;
    let mut service = None;
    for pair in query.split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = crate::text::percent_decode(v, true);
        match k {
            "paysg_payment_id" => id = v,
            "paysg_payment_service_id" => service = v,
            _ => {}
        }
    }
    let mut p = Vec::new();
    let check = |p: &mut Vec<FieldError>, name: &str, v: Option<String>, prefix: &str| match v {
        None => {
            p.push(FieldError::new(name, Code::Required, format!("the return URL has no {name} query parameter (is this the URL PaySG redirected to?)")));
            None
        }
        Some(s)
            if s.is_empty()
                || !s.starts_with(prefix)
                || s.len() > 255
                || s.chars().any(|c| c.is_whitespace() || c.is_control()) =>
        {
            p.push(FieldError::new(
                name,
                Code::InvalidFormat,
                format!("{name} in the return URL is not a PaySG id"),
            ));
            None
        }
        Some(s) => Some(s),
    };
    let id = check(&mut p, "paysg_payment_id", id, "");
    let service = check(
        &mut p,
        "paysg_payment_service_id",
        service,
        crate::request::PAYMENT_SERVICE_PREFIX,
    );
    match (id, service) {
        (Some(i), Some(s)) if p.is_empty() => Ok((i, s)),
        _ => Err(p),
    }
}
