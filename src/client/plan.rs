//! A call, checked and turned into its first request. Nothing is sent here: the caller (the JS
//! loop, or the Rust client over gloo-net) sends the request and brings the answer to
//! [`super::answer`], with the [`Context`] this returns.

use super::options::{self, Options};
use super::Op;
use crate::json::Json;
use crate::request::{self, HttpRequest, Target};
use crate::scalar::Scalar;
use crate::strings::percent_encode;
use crate::validate::{self, Code, FieldError, Given};
use serde::Deserialize;

/// The most payments one page may ask for (`limit`). PaySG documents no bounds (paysg-api.md
/// §13); the SDK and paysg-sim share this one, so a call the simulator accepts is one the SDK
/// sends, and the other way round.
pub const LIST_LIMIT_MAX: u64 = 100;

/// A call as the caller describes it: the operation, the client's options, this call's options
/// and its arguments. Every argument is loose: [`plan`] checks them all.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Call {
    /// What to do.
    pub op: Op,
    /// The client's options (`new PaySG(options)`).
    #[serde(default)]
    pub client: Options,
    /// This call's options (`opts`), which override the client's.
    #[serde(default)]
    pub options: Options,
    /// The payment (get, cancel, refund, send-email).
    #[serde(default)]
    pub payment_id: Scalar,
    /// The page (list).
    #[serde(default)]
    pub query: Query,
    /// What the caller runs in, for the `x-paysg-client` header (`"node v22.1.0"`).
    #[serde(default)]
    pub runtime: Scalar,
}

/// The query of a list call.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Query {
    /// Page size.
    pub limit: Scalar,
    /// A `start_cursor`: the page before it.
    pub before: Scalar,
    /// An `end_cursor`: the page after it.
    pub after: Scalar,
}

impl Query {
    /// Sets the field whose JS name is `name` (one of [`crate::surface::LIST_QUERY`]); false for
    /// another name.
    pub fn set(&mut self, name: &str, value: Scalar) -> bool {
        let field = match name {
            "limit" => &mut self.limit,
            "before" => &mut self.before,
            "after" => &mut self.after,
            _ => return false,
        };
        *field = value;
        true
    }
}

/// What [`super::answer`] needs to know about a call in flight; the caller keeps it and hands
/// it back with each answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Context {
    /// The operation.
    pub op: Op,
    /// Requests sent so far (the one in flight included).
    pub attempts: u32,
    /// Retries made so far.
    pub retries: u32,
    /// Retries allowed.
    pub max_retries: u32,
    /// When the call must be over (ms since the epoch).
    pub deadline_ms: f64,
    /// The call's deadline, in ms after it started.
    pub timeout_ms: u64,
    /// The time one attempt may take, in ms.
    pub attempt_timeout_ms: u64,
    /// The host, for messages.
    pub host: String,
    /// The `Idempotency-Key` sent (creates and refunds).
    pub idempotency_key: Option<String>,
    /// The payment's URL (cancel: to look whether an earlier attempt went through).
    pub payment_url: Option<String>,
    /// Whether the request in flight is the look before re-sending a cancel.
    pub checking: bool,
    /// The `x-paysg-client` header sent.
    pub client: String,
    /// The path of the call's request, without host or query (what events show).
    pub path: String,
    /// What the payment read must be (`confirmReturn`: see [`super::returns::plan`]).
    pub confirm: Option<super::returns::expect::Expected>,
}

/// A checked call: its first request and the context of its answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The request to send (it carries the API key: never log it).
    pub request: HttpRequest,
    /// To hand back with the answer.
    pub context: Context,
}

/// The body of a create or refund, as handed over.
#[derive(Debug, Clone)]
pub enum Body<'j, 'a> {
    /// No body was given.
    None,
    /// The body, read as [`Json`] (the JS layer's JSON text).
    Json(&'j Json<'a>),
    /// A body that could not be read at all (a cycle, a getter that throws): why.
    Unreadable(&'j str),
    /// A create body the fast path already checked ([`crate::fast::body_json`]): the
    /// normalised JSON, or its problems.
    Checked(Result<String, Vec<FieldError>>),
}

/// Builds the first request of `call`; `body` is the create or refund body, `random` 16 bytes
/// from a CSPRNG (the idempotency key when none was given), `now_ms` the time.
///
/// # Errors
///
/// Every problem with the call, its options and its body, together.
pub fn plan(
    call: &Call,
    body: Body<'_, '_>,
    random: [u8; 16],
    now_ms: f64,
) -> Result<Plan, Vec<FieldError>> {
    let mut p = Vec::new();
    let mut settings_problems = Vec::new();
    let rules = options::rules(&mut settings_problems, &call.client, &call.options);
    let (suffix, body) = path_and_body(&mut p, call, body, &rules);
    p.extend(settings_problems);
    let (client, opts) = (&call.client, &call.options);
    opts.check_shape(
        &mut p,
        "a call's options { idempotencyKey, timeoutMs, signal, … }",
    );
    let service = request::payment_service_id(
        &mut p,
        pick(&opts.payment_service_id, &client.payment_service_id),
        true,
    );
    let key_and_base =
        request::key_and_base_url(&mut p, client.api_key.given(), client.base_url.given());
    let [c_timeout, c_attempt, c_retries] = options::limits(&mut p, client);
    let [timeout, attempt, retries] = options::limits(&mut p, opts);
    let idempotency_key = if call.op.idempotent() {
        let given = request::idempotency_key(&mut p, opts.idempotency_key.given());
        Some(given.unwrap_or_else(|| request::uuid_v4(random)))
    } else {
        None
    };
    let (Some((api_key, base_url)), Some(payment_service_id), true) =
        (key_and_base, service, p.is_empty())
    else {
        return Err(p);
    };
    let target = Target {
        api_key,
        payment_service_id,
        base_url,
    };
    let timeout_ms = timeout.or(c_timeout).unwrap_or(options::DEFAULT_TIMEOUT_MS);
    let request = build(
        &target,
        call.op,
        &suffix,
        body,
        &idempotency_key,
        &call.runtime,
    );
    let payment_url =
        (call.op == Op::Cancel).then(|| request.url.trim_end_matches("/cancel").to_owned());
    let path = super::event::path_of(&request.url).to_owned();
    let client_header = request
        .header("x-paysg-client")
        .unwrap_or_default()
        .to_owned();
    Ok(Plan {
        request,
        context: Context {
            op: call.op,
            attempts: 1,
            retries: 0,
            max_retries: retries
                .or(c_retries)
                .map_or(options::DEFAULT_MAX_RETRIES, |r| r as u32),
            deadline_ms: now_ms + timeout_ms as f64,
            timeout_ms,
            attempt_timeout_ms: attempt
                .or(c_attempt)
                .unwrap_or(options::DEFAULT_ATTEMPT_TIMEOUT_MS),
            host: target.host().to_owned(),
            idempotency_key,
            payment_url,
            checking: false,
            client: client_header,
            path,
            confirm: None,
        },
    })
}

/// The call's value, or the client's when the call gives none.
fn pick<'a>(call: &'a Scalar, client: &'a Scalar) -> Given<'a> {
    match call {
        Scalar::Absent => client.given(),
        given => given.given(),
    }
}

/// The path after `…/payments` and the JSON body of the call.
fn path_and_body(
    p: &mut Vec<FieldError>,
    call: &Call,
    body: Body<'_, '_>,
    rules: &validate::Rules,
) -> (String, Option<String>) {
    let what = if call.op == Op::Refund {
        "refund"
    } else {
        "payment"
    };
    let body = match body {
        Body::Checked(result) if call.op == Op::Create => {
            return (String::new(), checked(p, result));
        }
        Body::Json(j) => Some(j),
        Body::None | Body::Checked(_) => Some(&Json::Null),
        Body::Unreadable(why) => {
            p.push(FieldError::new(
                "",
                Code::InvalidType,
                format!("the {what} cannot be read: {why}"),
            ));
            None
        }
    };
    match call.op {
        Op::Create => {
            let text = body.and_then(|b| {
                checked(
                    p,
                    validate::validate_create_payment_with(b, rules).map(|b| b.to_json()),
                )
            });
            (String::new(), text)
        }
        Op::List => (list_query(p, &call.query), None),
        Op::Get | Op::Cancel | Op::SendEmail | Op::Refund => {
            let mut suffix = match payment_id(p, call.payment_id.given()) {
                Some(id) => format!("/{}", percent_encode(id)),
                None => String::new(),
            };
            suffix.push_str(match call.op {
                Op::Cancel => "/cancel",
                Op::SendEmail => "/send-email",
                Op::Refund => "/refund",
                _ => "",
            });
            let text = match (call.op, body) {
                (Op::Refund, Some(b)) => {
                    let refund = validate::validate_refund(b);
                    checked(
                        p,
                        refund.map(|r| serde_json::to_string(&r).unwrap_or_default()),
                    )
                }
                _ => None,
            };
            (suffix, text)
        }
    }
}

/// The text of a checked body, or its problems noted.
fn checked(p: &mut Vec<FieldError>, result: Result<String, Vec<FieldError>>) -> Option<String> {
    result.map_err(|e| p.extend(e)).ok()
}

fn payment_id<'a>(p: &mut Vec<FieldError>, v: Given<'a>) -> Option<&'a str> {
    let id = request::string_option(p, "paymentId", v, true)?;
    if id.is_empty() || id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        p.push(FieldError::new(
            "paymentId",
            Code::InvalidFormat,
            "paymentId must be a non-empty id without spaces or control characters",
        ));
        return None;
    }
    Some(id)
}

fn list_query(p: &mut Vec<FieldError>, q: &Query) -> String {
    let limit = options::whole_number(p, "limit", q.limit.given(), 1, LIST_LIMIT_MAX);
    let cursor = |p: &mut Vec<FieldError>, name: &str, v: &Scalar| match v {
        Scalar::Absent => None,
        Scalar::Str(s) if !s.is_empty() => Some(percent_encode(s)),
        _ => {
            p.push(FieldError::new(
                name,
                Code::InvalidType,
                format!("{name} must be a cursor string from page_info"),
            ));
            None
        }
    };
    let before = cursor(p, "before", &q.before);
    let after = cursor(p, "after", &q.after);
    if before.is_some() && after.is_some() {
        p.push(FieldError::new(
            "before",
            Code::InvalidFormat,
            "give before or after, not both (PaySG refuses both)",
        ));
    }
    let params: Vec<String> = [
        limit.map(|l| format!("limit={l}")),
        before.map(|b| format!("before={b}")),
        after.map(|a| format!("after={a}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if params.is_empty() {
        String::new()
    } else {
        format!("?{}", params.join("&"))
    }
}

/// The request of an operation: every request the SDK sends is built here.
pub(crate) fn build(
    target: &Target,
    op: Op,
    suffix: &str,
    body: Option<String>,
    idempotency_key: &Option<String>,
    runtime: &Scalar,
) -> HttpRequest {
    let client = match runtime.as_str() {
        Some(r) if !r.is_empty() && r.bytes().all(|b| b == b' ' || b.is_ascii_graphic()) => {
            format!("paysg-js/{} ({r})", crate::VERSION)
        }
        _ => format!("paysg/{}", crate::VERSION),
    };
    let mut headers = vec![
        ("x-api-key", target.api_key.expose().to_owned()),
        ("accept", "application/json".to_owned()),
        ("x-paysg-client", client),
    ];
    if body.is_some() {
        headers.push(("content-type", "application/json".to_owned()));
    }
    if let Some(k) = idempotency_key.as_ref().filter(|_| op.idempotent()) {
        headers.push((crate::request::IDEMPOTENCY_KEY_HEADER, k.clone()));
    }
    HttpRequest {
        method: op.method(),
        url: format!("{}{suffix}", target.payments_url()),
        headers,
        body,
    }
}
