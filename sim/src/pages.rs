//! The payer's side (payment page, Pay, the redirect to `return_url`) and the simulator's own
//! pages and controls under `/sim`.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde_json::json;

use crate::api::Answer;
use crate::store::Payment;
use crate::util::{self, html, iso_sgt, now_ms, sgd};
use crate::{webhooks, Shared};

/// A 1×1 PNG: what `payment_qr_code_url` serves (the simulator draws no real QR codes).
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f6f8;color:#1b1f24}\
main{max-width:40rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:12px;box-shadow:0 1px 4px #0002}\
h1{font-size:1.4rem;margin-top:0}.amount{font-size:2rem;font-weight:700}dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}\
dt{color:#57606a}button{font:inherit;padding:.75rem 1.5rem;border:0;border-radius:8px;background:#0b57d0;color:#fff;cursor:pointer}\
table{border-collapse:collapse;width:100%;font-size:.9rem}td,th{text-align:left;padding:.3rem;border-bottom:1px solid #ddd}\
.badge{display:inline-block;padding:.1rem .5rem;border-radius:999px;background:#eef;font-size:.85rem}.note{color:#57606a;font-size:.9rem}";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<title>{} · paysg-sim</title><style>{STYLE}</style></head><body><main>{body}\
<p class=\"note\">paysg-sim — a local PaySG simulator. No real money moves.</p></main></body></html>",
        html(title)
    )
}

fn details(p: &Payment) -> String {
    format!(
        "<p class=\"amount\">{}</p><dl><dt>For</dt><dd>{}</dd><dt>Payer</dt><dd>{}</dd><dt>Reference</dt><dd>{}</dd>\
<dt>Status</dt><dd><span class=\"badge\" id=\"status\">{}</span></dd></dl>",
        sgd(u64::from(p.amount_in_cents)),
        html(&p.description),
        html(&p.payer_name),
        html(&p.reference_id),
        html(&p.latest_status),
    )
}

/// `GET /payments/{id}`: the payment page.
pub async fn payment_page(State(app): State<Shared>, Path(id): Path<String>) -> Response {
    let store = app.store();
    let Some(r) = store.payments.iter().find(|r| r.payment.id == id) else {
        return (
            StatusCode::NOT_FOUND,
            Html(page("Not found", "<h1>No such payment</h1>")),
        )
            .into_response();
    };
    let p = &r.payment;
    let action = if p.latest_status == "unpaid" {
        format!(
            "<form method=\"post\" action=\"/payments/{}/pay\"><button type=\"submit\" id=\"pay\">Pay {}</button></form>",
            html(&util::query_encode(&p.id)),
            sgd(u64::from(p.amount_in_cents))
        )
    } else if p.latest_status == "cancelled" {
        "<p>This payment was cancelled and can no longer be paid.</p>".to_owned()
    } else {
        "<p>This payment has been paid. Thank you.</p>".to_owned()
    };
    Html(page(
        "Payment",
        &format!("<h1>Make a payment</h1>{}{action}", details(p)),
    ))
    .into_response()
}

/// Why a payment cannot be paid.
enum PayError {
    NotFound,
    Paid,
    Cancelled,
}

/// Marks a payment paid and sends its webhooks.
fn pay(app: &Shared, id: &str) -> Result<Payment, PayError> {
    let mut store = app.store();
    let r = store.by_id_mut(id).ok_or(PayError::NotFound)?;
    let p = &mut r.payment;
    if p.latest_status == "cancelled" {
        return Err(PayError::Cancelled);
    }
    if p.payment_status == "paid" {
        return Err(PayError::Paid);
    }
    let at = iso_sgt(now_ms());
    p.payment_status = "paid".to_owned();
    p.latest_status = "paid".to_owned();
    p.payment_succeeded_timestamp = Some(at.clone());
    p.stripe_payment_intent_id = Some(format!("pi_sim_{}", util::payment_id()));
    p.updated_at = at;
    let paid = p.clone();
    app.persist(&store);
    drop(store);
    app.log(|| format!("payment {} paid", paid.id));
    webhooks::dispatch(app, &paid);
    Ok(paid)
}

/// `return_url` (after `--return-url-map`) with `paysg_payment_id` and
/// `paysg_payment_service_id` added to its query.
pub fn redirect_url(app: &Shared, p: &Payment) -> Option<String> {
    let given = p.return_url.as_deref()?;
    let mapped = app.config.return_url_map.iter().find_map(|(from, to)| {
        given
            .strip_prefix(from.as_str())
            .map(|rest| format!("{to}{rest}"))
    });
    let url = mapped.as_deref().unwrap_or(given);
    let (base, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let sep = if base.contains('?') {
        if base.ends_with('?') || base.ends_with('&') {
            ""
        } else {
            "&"
        }
    } else {
        "?"
    };
    let mut out = format!(
        "{base}{sep}paysg_payment_id={}&paysg_payment_service_id={}",
        util::query_encode(&p.id),
        util::query_encode(&p.payment_service_id)
    );
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    Some(out)
}

/// `POST /payments/{id}/pay` (the page's Pay button): redirect to `return_url`, or a receipt.
pub async fn pay_form(State(app): State<Shared>, Path(id): Path<String>) -> Response {
    match pay(&app, &id) {
        Ok(p) => match redirect_url(&app, &p) {
            Some(url) => Redirect::to(&url).into_response(),
            None => Html(page(
                "Receipt",
                &format!("<h1>Payment received</h1>{}", details(&p)),
            ))
            .into_response(),
        },
        Err(PayError::NotFound) => (
            StatusCode::NOT_FOUND,
            Html(page("Not found", "<h1>No such payment</h1>")),
        )
            .into_response(),
        Err(PayError::Paid) => (
            StatusCode::CONFLICT,
            Html(page(
                "Already paid",
                "<h1>This payment has already been paid</h1>",
            )),
        )
            .into_response(),
        Err(PayError::Cancelled) => (
            StatusCode::PAYMENT_REQUIRED,
            Html(page("Cancelled", "<h1>This payment was cancelled</h1>")),
        )
            .into_response(),
    }
}

/// `POST /sim/payments/{id}/pay`: pay from a script; `{ "redirect_url": … }`.
pub async fn pay_json(State(app): State<Shared>, Path(id): Path<String>) -> Response {
    (match pay(&app, &id) {
        Ok(p) => Answer::json(200, &json!({ "redirect_url": redirect_url(&app, &p) })),
        Err(PayError::NotFound) => {
            Answer::error(404, "not_found", "payment_not_found", "no such payment")
        }
        Err(PayError::Paid) => Answer::error(
            409,
            "invalid_state_error",
            "payment_already_paid",
            "the payment has already been paid",
        ),
        Err(PayError::Cancelled) => Answer::error(
            402,
            "invalid_state_error",
            "payment_cancelled",
            "the payment was cancelled",
        ),
    })
    .into_response(false)
}

/// `GET /v1/public/payments/{id}-qr.png`.
pub async fn qr_png(State(app): State<Shared>, Path(file): Path<String>) -> Response {
    let id = file.strip_suffix("-qr.png").unwrap_or("");
    if app.store().by_id_mut(id).is_none() {
        return crate::api::not_found().await;
    }
    ([(header::CONTENT_TYPE, "image/png")], PNG).into_response()
}

/// `GET /`: every payment.
pub async fn index(State(app): State<Shared>) -> Html<String> {
    let store = app.store();
    let mut rows = String::new();
    for r in store.payments.iter().rev() {
        let p = &r.payment;
        rows.push_str(&format!(
            "<tr><td><a href=\"/payments/{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            html(&util::query_encode(&p.id)),
            html(&p.id),
            html(&p.reference_id),
            html(&p.payer_name),
            sgd(u64::from(p.amount_in_cents)),
            html(&p.latest_status),
            html(&p.refund_status),
        ));
    }
    Html(page(
        "Payments",
        &format!(
            "<h1>paysg-sim</h1><p><a href=\"/sim/emails\">Emails</a> · <a href=\"/sim/webhooks\">Webhook deliveries</a> · <a href=\"/sim/state\">State (JSON)</a></p>\
<table><thead><tr><th>Payment</th><th>Reference</th><th>Payer</th><th>Amount</th><th>Status</th><th>Refund</th></tr></thead><tbody>{rows}</tbody></table>"
        ),
    ))
}

/// `GET /sim/emails`.
pub async fn emails_page(State(app): State<Shared>) -> Html<String> {
    let store = app.store();
    let mut items = String::new();
    for e in store.emails.iter().rev() {
        items.push_str(&format!(
            "<article><h2>{}</h2><p class=\"note\">To {} · {}</p><pre>{}</pre></article>",
            html(&e.subject),
            html(&e.to),
            html(&e.sent_at),
            html(&e.body)
        ));
    }
    if items.is_empty() {
        items.push_str("<p>No emails yet.</p>");
    }
    Html(page("Emails", &format!("<h1>Emails sent</h1>{items}")))
}

/// `GET /sim/emails.json`.
pub async fn emails_json(State(app): State<Shared>) -> Response {
    let store = app.store();
    Answer::json(200, &json!({ "emails": store.emails })).into_response(false)
}

/// `GET /sim/webhooks`.
pub async fn webhooks_page(State(app): State<Shared>) -> Html<String> {
    let store = app.store();
    let mut rows = String::new();
    for a in store.webhook_attempts.iter().rev() {
        rows.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            html(&a.at),
            html(&a.event_id),
            html(&a.url),
            a.attempt,
            html(
                &a.status
                    .map_or_else(|| a.error.clone().unwrap_or_default(), |s| s.to_string())
            ),
        ));
    }
    Html(page(
        "Webhooks",
        &format!("<h1>Webhook deliveries</h1><table><thead><tr><th>At</th><th>Event</th><th>Endpoint</th><th>Attempt</th><th>Result</th></tr></thead><tbody>{rows}</tbody></table>"),
    ))
}

/// `GET /sim/webhooks.json`.
pub async fn webhooks_json(State(app): State<Shared>) -> Response {
    let store = app.store();
    Answer::json(
        200,
        &json!({ "attempts": store.webhook_attempts, "pending": store.webhooks_pending }),
    )
    .into_response(false)
}

/// `GET /sim/state`: counts for tests.
pub async fn state_json(State(app): State<Shared>) -> Response {
    let store = app.store();
    let mut by_reference = serde_json::Map::new();
    for r in &store.payments {
        let n = by_reference
            .entry(r.payment.reference_id.clone())
            .or_insert(json!(0));
        *n = json!(n.as_u64().unwrap_or(0) + 1);
    }
    Answer::json(
        200,
        &json!({
            "payments": store.payments.len(),
            "payments_by_reference": by_reference,
            "idempotency_keys": store.idempotency.len(),
            "emails": store.emails.len(),
            "webhook_attempts": store.webhook_attempts.len(),
            "webhooks_pending": store.webhooks_pending,
            "faults": store.faults,
        }),
    )
    .into_response(false)
}

/// `POST /sim/reset`: forget everything.
pub async fn reset(State(app): State<Shared>) -> Response {
    let mut store = app.store();
    store.reset();
    app.persist(&store);
    StatusCode::NO_CONTENT.into_response()
}
