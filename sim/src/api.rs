//! PaySG's REST endpoints under `/v1/payment-services/{paymentServiceId}/payments…`: auth,
//! routing, faults, idempotency and the six operations.

use std::collections::HashMap;
use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use paysg::json::Json;
use paysg::request::{PAYMENT_SERVICE_PREFIX, STAGING_KEY_PREFIX};
use paysg::validate::{self, Code, FieldError};
use serde_json::json;

use crate::faults::{Fault, FaultPlan};
use crate::store::{Email, IdemEntry, IdemState, LineItem, Pairs, Payment, Record, RefundRecord};
use crate::util::{self, iso_sgt, now_ms};
use crate::{Dropper, Shared};

/// The largest request body accepted.
pub const MAX_BODY: usize = 1 << 20;
/// The longest `Idempotency-Key`.
pub const MAX_IDEMPOTENCY_KEY: usize = 255;
/// How long idempotency keys are kept.
pub const IDEMPOTENCY_TTL_MS: i64 = 24 * 3600 * 1000;
/// Page size when `limit` is not given, and its bounds.
pub const DEFAULT_LIMIT: usize = 10;
/// The largest `limit`.
pub const MAX_LIMIT: usize = 100;
/// The longest `x-paysg-sim-delay-ms`.
const MAX_DELAY_MS: u64 = 60_000;

/// A status and a JSON body (`None` for 204).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// JSON text.
    pub body: Option<String>,
    /// Seconds for a `Retry-After` header.
    pub retry_after: Option<u64>,
}

impl Answer {
    /// A JSON answer.
    pub fn json(status: u16, value: &impl serde::Serialize) -> Answer {
        Answer {
            status,
            body: Some(serde_json::to_string(value).unwrap_or_else(|_| "{}".to_owned())),
            retry_after: None,
        }
    }

    /// PaySG's error body `{ "error": { type, code, message, data? } }`.
    pub fn error(status: u16, kind: &str, code: &str, message: impl Into<String>) -> Answer {
        Answer::error_body(status, kind, code, message.into(), None)
    }

    fn error_with(
        status: u16,
        kind: &str,
        code: &str,
        message: String,
        data: serde_json::Value,
    ) -> Answer {
        Answer::error_body(status, kind, code, message, Some(data))
    }

    fn error_body(
        status: u16,
        kind: &str,
        code: &str,
        message: String,
        data: Option<serde_json::Value>,
    ) -> Answer {
        #[derive(serde::Serialize)]
        struct Inner<'a> {
            r#type: &'a str,
            code: &'a str,
            message: String,
            #[serde(skip_serializing_if = "Option::is_none")]
            data: Option<serde_json::Value>,
        }
        #[derive(serde::Serialize)]
        struct Body<'a> {
            error: Inner<'a>,
        }
        Answer::json(
            status,
            &Body {
                error: Inner {
                    r#type: kind,
                    code,
                    message,
                    data,
                },
            },
        )
    }

    fn not_found(what: &str) -> Answer {
        Answer::error(
            404,
            "not_found",
            &format!("{what}_not_found"),
            format!("no such {}", what.replace('_', " ")),
        )
    }

    fn state(code: &str, message: impl Into<String>) -> Answer {
        Answer::error(402, "invalid_state_error", code, message)
    }

    /// The HTTP response (`replayed`: an idempotent replay, marked with `Idempotent-Replayed`).
    pub(crate) fn into_response(self, replayed: bool) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut res = match self.body {
            Some(body) => (
                status,
                [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
                body,
            )
                .into_response(),
            None => status.into_response(),
        };
        if replayed {
            res.headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
        }
        if let Some(secs) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

/// Any path the simulator does not serve.
pub async fn not_found() -> Response {
    Answer::error(404, "not_found", "route_not_found", "no such endpoint").into_response(false)
}

/// Which operation a request is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Route {
    List,
    Create,
    Retrieve(String),
    Cancel(String),
    Refund(String),
    SendEmail(String),
}

/// Routes `/v1/…` by method and decoded path segments.
fn route(method: &Method, path: &str) -> Result<(String, Route), Answer> {
    let segments: Option<Vec<String>> = path
        .trim_start_matches("/v1/")
        .split('/')
        .map(util::percent_decode)
        .collect();
    let Some(segments) = segments else {
        return Err(Answer::error(
            400,
            "invalid_request_error",
            "invalid_path",
            "the path has a malformed %-escape",
        ));
    };
    let s: Vec<&str> = segments.iter().map(String::as_str).collect();
    let (service, route, allowed) = match s.as_slice() {
        ["payment-services", ps, "payments"] => (
            ps,
            if method == Method::GET {
                Some(Route::List)
            } else if method == Method::POST {
                Some(Route::Create)
            } else {
                None
            },
            "GET, POST",
        ),
        ["payment-services", ps, "payments", id] => (
            ps,
            (method == Method::GET).then(|| Route::Retrieve((*id).to_owned())),
            "GET",
        ),
        ["payment-services", ps, "payments", id, action] => {
            let r = match *action {
                "cancel" => Route::Cancel((*id).to_owned()),
                "refund" => Route::Refund((*id).to_owned()),
                "send-email" => Route::SendEmail((*id).to_owned()),
                _ => {
                    return Err(Answer::error(
                        404,
                        "not_found",
                        "route_not_found",
                        "no such endpoint",
                    ))
                }
            };
            (ps, (method == Method::POST).then_some(r), "POST")
        }
        _ => {
            return Err(Answer::error(
                404,
                "not_found",
                "route_not_found",
                "no such endpoint",
            ))
        }
    };
    let Some(route) = route else {
        return Err(Answer::error(
            405,
            "invalid_request_error",
            "method_not_allowed",
            format!("this endpoint accepts {allowed}"),
        ));
    };
    if !service.starts_with(PAYMENT_SERVICE_PREFIX) || service.len() == PAYMENT_SERVICE_PREFIX.len()
    {
        return Err(Answer::not_found("payment_service"));
    }
    Ok(((*service).to_owned(), route))
}

/// Whether the API key is accepted: any `paysg_stag_` key, or only the `--api-key` ones.
fn accepted(app: &Shared, key: &str) -> bool {
    if app.config.api_keys.is_empty() {
        key.starts_with(STAGING_KEY_PREFIX) && key.len() > STAGING_KEY_PREFIX.len()
    } else {
        app.config.api_keys.iter().any(|k| k == key)
    }
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The handler of every `/v1/…` request.
pub async fn handle(State(app): State<Shared>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let started = std::time::Instant::now();
    let path = parts.uri.path().to_owned();
    let method = parts.method.clone();
    let (answer, replayed) = respond(&app, parts, body).await;
    let status = answer.status;
    let mut res = answer.into_response(replayed);
    if status == 413 {
        // The rest of the oversized body was never read: the connection cannot be reused.
        res.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    app.log(|| {
        format!(
            "{method} {path} → {status} ({} ms)",
            started.elapsed().as_millis()
        )
    });
    res
}

async fn respond(app: &Shared, parts: axum::http::request::Parts, body: Body) -> (Answer, bool) {
    // Read the body first, whatever the answer: a client still writing it when the server answers
    // and moves on would see a broken connection.
    let body = match to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return (
                Answer::error(
                    413,
                    "invalid_request_error",
                    "body_too_large",
                    format!("the request body is over {MAX_BODY} bytes"),
                ),
                false,
            )
        }
    };
    let headers = &parts.headers;
    let Some(api_key) = header_str(headers, "x-api-key").filter(|k| accepted(app, k)) else {
        let message = if headers.contains_key("x-api-key") {
            "the API key is not valid for this environment"
        } else {
            "send your API key in the x-api-key header"
        };
        return (
            Answer::error(401, "authentication_error", "invalid_api_key", message),
            false,
        );
    };
    let api_key = api_key.to_owned();
    let (service, route) = match route(&parts.method, parts.uri.path()) {
        Ok(r) => r,
        Err(a) => return (a, false),
    };
    let plan = match header_str(headers, "x-paysg-sim-fault") {
        Some(h) => match FaultPlan::from_header(h) {
            Ok(p) => p,
            Err(e) => {
                return (
                    Answer::error(400, "invalid_request_error", "invalid_fault_header", e),
                    false,
                )
            }
        },
        None => app.config.faults.clone(),
    };
    let mut fault = plan.draw();
    if let (Some(n), Some(_)) = (plan.first, fault) {
        // Only the first `n` requests of this operation: count them by Idempotency-Key, or by
        // method and path.
        let scope = match header_str(headers, "idempotency-key") {
            Some(k) => format!("key {k}"),
            None => format!("{} {}", parts.method, parts.uri.path()),
        };
        let mut store = app.store();
        let seen = store.first_faults.entry(scope).or_default();
        if *seen >= n {
            fault = None;
        } else {
            *seen += 1;
        }
    }
    if let Some(f) = fault {
        *app.store().faults.entry(f.name().to_owned()).or_default() += 1;
        app.log(|| {
            format!(
                "injecting fault {} into {} {}",
                f.name(),
                parts.method,
                parts.uri.path()
            )
        });
    }
    match fault {
        Some(Fault::Internal) => {
            return (
                Answer::error(
                    500,
                    "api_error",
                    "simulated_fault",
                    "simulated internal error (paysg-sim fault injection)",
                ),
                false,
            )
        }
        Some(Fault::Unavailable) => {
            let mut a = Answer::error(
                503,
                "api_error",
                "simulated_unavailable",
                "simulated outage of a dependency (paysg-sim fault injection)",
            );
            a.retry_after = Some(app.config.retry_after_secs);
            return (a, false);
        }
        Some(Fault::RateLimited) => {
            let mut a = Answer::error(
                429,
                "rate_limit_error",
                "simulated_rate_limit",
                "too many requests (paysg-sim fault injection)",
            );
            a.retry_after = Some(app.config.retry_after_secs);
            return (a, false);
        }
        _ => {}
    }
    let delay = header_str(headers, "x-paysg-sim-delay-ms")
        .and_then(|d| d.trim().parse::<u64>().ok())
        .map(|ms| Duration::from_millis(ms.min(MAX_DELAY_MS)));
    let idempotency_key = header_str(headers, "idempotency-key").map(str::to_owned);
    let query = Query::<HashMap<String, String>>::try_from_uri(&parts.uri).map(|q| q.0);
    let json_body = || -> Result<(), Answer> {
        if body.is_empty() {
            return Ok(());
        }
        let ct = header_str(headers, "content-type").unwrap_or("");
        let mime = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if mime == "application/json" || mime.ends_with("+json") {
            Ok(())
        } else {
            Err(Answer::error(
                415,
                "invalid_request_error",
                "unsupported_media_type",
                "send the body as application/json",
            ))
        }
    };

    let (answer, replayed) = match &route {
        Route::List => (
            match query {
                Ok(q) => list(app, &service, &q),
                Err(_) => Answer::error(
                    400,
                    "invalid_request_error",
                    "invalid_query",
                    "the query string is malformed",
                ),
            },
            false,
        ),
        Route::Retrieve(id) => (retrieve(app, &service, id), false),
        Route::Cancel(id) => {
            sleep(delay).await;
            (cancel(app, &service, id), false)
        }
        Route::SendEmail(id) => {
            sleep(delay).await;
            (send_email(app, &service, id), false)
        }
        Route::Create | Route::Refund(_) => match json_body() {
            Err(a) => (a, false),
            Ok(()) => {
                let refund_of = match &route {
                    Route::Refund(id) => Some(id.as_str()),
                    _ => None,
                };
                let endpoint = match refund_of {
                    Some(id) => format!("refund {service} {id}"),
                    None => format!("create {service}"),
                };
                idempotent(
                    app,
                    &api_key,
                    &endpoint,
                    idempotency_key.as_deref(),
                    &body,
                    delay,
                    || match refund_of {
                        Some(id) => refund(app, &service, id, &body),
                        None => create(app, &service, &api_key, &body),
                    },
                )
                .await
            }
        },
    };
    match fault {
        Some(Fault::Stall) => tokio::time::sleep(app.config.stall).await,
        Some(Fault::Drop) => {
            if let Some(dropper) = parts.extensions.get::<Dropper>() {
                dropper.drop_connection();
                std::future::pending::<()>().await;
            }
        }
        _ => {}
    }
    (answer, replayed)
}

async fn sleep(delay: Option<Duration>) {
    if let Some(d) = delay {
        tokio::time::sleep(d).await;
    }
}

/// Runs `exec` under PaySG's idempotency rules (paysg-api.md §12) when a key is given.
#[allow(clippy::too_many_arguments)]
async fn idempotent(
    app: &Shared,
    api_key: &str,
    endpoint: &str,
    key: Option<&str>,
    body: &[u8],
    delay: Option<Duration>,
    exec: impl FnOnce() -> Answer,
) -> (Answer, bool) {
    let Some(key) = key else {
        sleep(delay).await;
        return (exec(), false);
    };
    if key.is_empty() || key.chars().count() > MAX_IDEMPOTENCY_KEY {
        return (
            Answer::error(
                400,
                "invalid_request_error",
                "invalid_idempotency_key",
                format!("Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} characters"),
            ),
            false,
        );
    }
    let scope = format!("{} {endpoint} {key}", util::sha256_hex(api_key.as_bytes()));
    let fingerprint = util::sha256_hex(body);
    let now = now_ms();
    {
        let mut store = app.store();
        match store.idempotency.get(&scope) {
            Some(e) if e.created_ms + IDEMPOTENCY_TTL_MS > now => match &e.state {
                IdemState::InProgress => {
                    return (
                        Answer::error(409, "idempotency_error", "idempotency_key_in_use", "another request with this Idempotency-Key is still being processed; retry shortly"),
                        false,
                    )
                }
                IdemState::Done { .. } if e.fingerprint != fingerprint => {
                    return (
                        Answer::error(400, "idempotency_error", "idempotency_key_reused", "this Idempotency-Key was used with a different request body"),
                        false,
                    )
                }
                IdemState::Done { status, body } => {
                    let body = Some(body.clone()).filter(|_| *status != 204);
                    return (Answer { status: *status, body, retry_after: None }, true);
                }
            },
            _ => {}
        }
        store.idempotency.insert(
            scope.clone(),
            IdemEntry {
                fingerprint,
                created_ms: now,
                state: IdemState::InProgress,
            },
        );
    }
    sleep(delay).await;
    let answer = exec();
    let mut store = app.store();
    if matches!(answer.status, 400 | 413 | 415) {
        // Failed validation: nothing is stored, the key can be used again.
        store.idempotency.remove(&scope);
    } else if let Some(e) = store.idempotency.get_mut(&scope) {
        e.state = IdemState::Done {
            status: answer.status,
            body: answer.body.clone().unwrap_or_default(),
        };
    }
    app.persist(&store);
    (answer, false)
}

/// Parses a JSON body into the SDK's loose view, or the 400 answer.
fn parse_json(body: &[u8]) -> Result<Json<'_>, Answer> {
    let text = std::str::from_utf8(body).map_err(|_| invalid_json("the body is not UTF-8"))?;
    if text.trim().is_empty() {
        return Err(invalid_json("the body is empty; send a JSON object"));
    }
    Json::parse(text).map_err(|e| invalid_json(&format!("the body is not valid JSON ({e})")))
}

fn invalid_json(message: &str) -> Answer {
    Answer::error(400, "invalid_request_error", "invalid_json", message)
}

fn validation_failed(errors: &[FieldError]) -> Answer {
    let first = errors
        .first()
        .map_or("the request is invalid".to_owned(), |e| e.message.clone());
    let message = match errors.len() {
        0 | 1 => first,
        n => format!(
            "{first} (and {} more problem{})",
            n - 1,
            if n == 2 { "" } else { "s" }
        ),
    };
    Answer::error_with(
        400,
        "invalid_request_error",
        "validation_failed",
        message,
        json!({ "errors": errors }),
    )
}

/// Whether `s` is exactly `dd-MMM-yyyy` (PaySG's form; the SDK normalises others before sending).
fn is_paysg_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 11
        && b[2] == b'-'
        && b[6] == b'-'
        && b[..2].iter().all(u8::is_ascii_digit)
        && b[3..6].iter().all(u8::is_ascii_alphabetic)
        && b[7..].iter().all(u8::is_ascii_digit)
}

fn create(app: &Shared, service: &str, api_key: &str, body: &[u8]) -> Answer {
    let input = match parse_json(body) {
        Ok(j) => j,
        Err(a) => return a,
    };
    let mut strict = Vec::new();
    if let Json::Obj(entries) = &input {
        for (k, v) in entries {
            if let (true, Json::Str(d)) = (k == "due_date", v) {
                if !d.is_empty() && !is_paysg_date(d) {
                    strict.push(FieldError::new(
                        "due_date",
                        Code::InvalidFormat,
                        "due_date must be dd-MMM-yyyy, such as 31-DEC-2023",
                    ));
                }
            }
        }
    }
    let body = match validate::validate_create_payment(&input) {
        Ok(b) if strict.is_empty() => b,
        Ok(_) => return validation_failed(&strict),
        Err(mut errors) => {
            if !errors.iter().any(|e| e.field == "due_date") {
                errors.extend(strict);
            }
            return validation_failed(&errors);
        }
    };
    let now = now_ms();
    let at = iso_sgt(now);
    let mut store = app.store();
    let id = loop {
        let id = util::payment_id();
        if store.by_id_mut(&id).is_none() {
            break id;
        }
    };
    let public = &app.config.public_url;
    let text = |name: &str| body.text(name).map(str::to_owned);
    let payment = Payment {
        payment_url: format!("{public}/payments/{id}"),
        payment_qr_code_url: format!("{public}/v1/public/payments/{id}-qr.png"),
        id,
        payment_service_id: service.to_owned(),
        reference_id: text("reference_id").unwrap_or_default(),
        payer_name: text("payer_name").unwrap_or_default(),
        payer_address: text("payer_address"),
        payer_identifier: text("payer_identifier"),
        payer_email: text("payer_email"),
        description: text("description").unwrap_or_default(),
        amount_in_cents: body.amount("amount_in_cents").unwrap_or_default(),
        due_date: text("due_date"),
        metadata: Pairs(
            body.metadata()
                .iter()
                .map(|(k, v)| (k.clone().into_owned(), v.clone().into_owned()))
                .collect(),
        ),
        line_items: body.line_items().map(|items| {
            items
                .iter()
                .map(|i| LineItem {
                    description: i.description.clone().into_owned(),
                    amount_in_cents: i.amount_in_cents,
                })
                .collect()
        }),
        return_url: text("return_url"),
        payment_status: "unpaid".to_owned(),
        latest_status: "unpaid".to_owned(),
        refund_status: "not_refunded".to_owned(),
        email_delivery_status: "unsent".to_owned(),
        stripe_payment_intent_id: None,
        payout_id: None,
        creator_id: format!("user_{}", util::uuid_from(api_key)),
        created_at: at.clone(),
        updated_at: at,
        payment_sent_timestamp: None,
        payment_succeeded_timestamp: None,
        payment_cancelled_timestamp: None,
        payment_fully_refunded_timestamp: None,
        paid_out_timestamp: None,
    };
    let answer = Answer::json(201, &payment);
    store.insert(Record {
        payment,
        created_ms: now,
        refunds: Vec::new(),
    });
    app.persist(&store);
    answer
}

fn retrieve(app: &Shared, service: &str, id: &str) -> Answer {
    match app.store().get_mut(service, id) {
        Some(r) => Answer::json(200, &r.payment),
        None => Answer::not_found("payment"),
    }
}

/// An opaque list cursor: base64url of `<created ms>:<id>`.
fn cursor(r: &Record) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}:{}", r.created_ms, r.payment.id))
}

fn parse_cursor(c: &str) -> Option<(i64, String)> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(c).ok()?).ok()?;
    let (ms, id) = text.split_once(':')?;
    Some((ms.parse().ok()?, id.to_owned()))
}

fn list(app: &Shared, service: &str, q: &HashMap<String, String>) -> Answer {
    let limit = match q.get("limit").map(|l| l.trim().parse::<usize>()) {
        None => DEFAULT_LIMIT,
        Some(Ok(n)) if (1..=MAX_LIMIT).contains(&n) => n,
        Some(_) => {
            return Answer::error(
                400,
                "invalid_request_error",
                "invalid_limit",
                format!("limit must be a whole number from 1 to {MAX_LIMIT}"),
            )
        }
    };
    let (before, after) = (q.get("before"), q.get("after"));
    if before.is_some() && after.is_some() {
        return Answer::error(
            400,
            "invalid_request_error",
            "conflicting_cursors",
            "send before or after, not both",
        );
    }
    let bad_cursor = || {
        Answer::error(
            400,
            "invalid_request_error",
            "invalid_cursor",
            "the cursor is not one this API gave out",
        )
    };
    let store = app.store();
    let mut items: Vec<&Record> = store
        .payments
        .iter()
        .filter(|r| r.payment.payment_service_id == service)
        .collect();
    items.sort_by(|a, b| (b.created_ms, &b.payment.id).cmp(&(a.created_ms, &a.payment.id)));
    let key = |r: &Record| (r.created_ms, r.payment.id.clone());
    let (start, end) = if let Some(c) = after {
        let Some(c) = parse_cursor(c) else {
            return bad_cursor();
        };
        let start = items.iter().position(|r| key(r) < c).unwrap_or(items.len());
        (start, (start + limit).min(items.len()))
    } else if let Some(c) = before {
        let Some(c) = parse_cursor(c) else {
            return bad_cursor();
        };
        let end = items.iter().take_while(|r| key(r) > c).count();
        (end.saturating_sub(limit), end)
    } else {
        (0, limit.min(items.len()))
    };
    #[derive(serde::Serialize)]
    struct PageInfo {
        has_next_page: bool,
        has_previous_page: bool,
        start_cursor: Option<String>,
        end_cursor: Option<String>,
    }
    #[derive(serde::Serialize)]
    struct Page<'a> {
        data: Vec<&'a Payment>,
        page_info: PageInfo,
    }
    let page = &items[start..end];
    Answer::json(
        200,
        &Page {
            data: page.iter().map(|r| &r.payment).collect(),
            page_info: PageInfo {
                has_next_page: end < items.len(),
                has_previous_page: start > 0,
                start_cursor: page.first().map(|r| cursor(r)),
                end_cursor: page.last().map(|r| cursor(r)),
            },
        },
    )
}

fn cancel(app: &Shared, service: &str, id: &str) -> Answer {
    let mut store = app.store();
    let Some(r) = store.get_mut(service, id) else {
        return Answer::not_found("payment");
    };
    let p = &mut r.payment;
    if p.latest_status == "cancelled" {
        return Answer::state(
            "payment_already_cancelled",
            "the payment is already cancelled",
        );
    }
    if p.payment_status != "unpaid" {
        return Answer::state(
            "payment_not_cancellable",
            "only unpaid payments can be cancelled; this one is paid",
        );
    }
    let at = iso_sgt(now_ms());
    p.latest_status = "cancelled".to_owned();
    p.payment_cancelled_timestamp = Some(at.clone());
    p.updated_at = at;
    let answer = Answer::json(200, &*p);
    app.persist(&store);
    answer
}

fn refund(app: &Shared, service: &str, id: &str, body: &[u8]) -> Answer {
    let mut store = app.store();
    let Some(r) = store.get_mut(service, id) else {
        return Answer::not_found("payment");
    };
    let input = match parse_json(body) {
        Ok(j) => j,
        Err(a) => return a,
    };
    let amount = match validate::validate_refund(&input) {
        Ok(v) => v.refund_amount_in_cents,
        Err(errors) => return validation_failed(&errors),
    };
    if r.payment.payment_status != "paid" {
        return Answer::state("payment_not_paid", "only paid payments can be refunded");
    }
    let total = u64::from(r.payment.amount_in_cents);
    let refunded = r.refunded();
    if refunded >= total {
        return Answer::state(
            "payment_fully_refunded",
            "the payment is already fully refunded",
        );
    }
    let remaining = total - refunded;
    if u64::from(amount) > remaining {
        return Answer::state(
            "refund_exceeds_remaining",
            format!("refund_amount_in_cents is more than the {remaining} cents left to refund"),
        );
    }
    let at = iso_sgt(now_ms());
    r.refunds.push(RefundRecord {
        amount_in_cents: amount,
        at: at.clone(),
    });
    let full = r.refunded() >= total;
    let p = &mut r.payment;
    p.refund_status = if full {
        "fully_refunded"
    } else {
        "partially_refunded"
    }
    .to_owned();
    if full {
        p.payment_fully_refunded_timestamp = Some(at.clone());
    }
    p.updated_at = at;
    let answer = Answer::json(200, &*p);
    app.persist(&store);
    answer
}

fn send_email(app: &Shared, service: &str, id: &str) -> Answer {
    let mut store = app.store();
    let Some(r) = store.get_mut(service, id) else {
        return Answer::not_found("payment");
    };
    let p = &mut r.payment;
    let Some(to) = p.payer_email.clone() else {
        return Answer::error(
            400,
            "invalid_request_error",
            "payer_email_missing",
            "the payment has no payer_email to send the link to",
        );
    };
    if p.latest_status != "unpaid" {
        return Answer::state(
            "payment_not_unpaid",
            format!(
                "the payment is {}; only unpaid payments can be emailed",
                p.latest_status
            ),
        );
    }
    let at = iso_sgt(now_ms());
    p.email_delivery_status = "sent".to_owned();
    p.payment_sent_timestamp = Some(at.clone());
    p.updated_at = at.clone();
    let email = Email {
        to,
        subject: format!("Payment request: {}", p.description),
        body: format!(
            "Dear {},\n\nPlease pay {} for {} (reference {}) at {}\n",
            p.payer_name,
            util::sgd(u64::from(p.amount_in_cents)),
            p.description,
            p.reference_id,
            p.payment_url
        ),
        payment_id: p.id.clone(),
        sent_at: at,
    };
    store.emails.push(email);
    app.persist(&store);
    Answer {
        status: 204,
        body: None,
        retry_after: None,
    }
}
