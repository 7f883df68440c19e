//! The payer's side (payment page, Pay, the redirect to `return_url`) and the simulator's own
//! pages and controls under `/sim`.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde_json::json;

use crate::api::respond;
use crate::core::answer::Answer;
use crate::core::model::{Payment, Record};
use crate::core::ops::{self, PayError};
use crate::core::redirect_url;
use crate::core::store::StoreError;
use crate::util::{self, html, now_ms, sgd, OsEntropy};
use crate::{blocking, webhooks, Shared};

/// How many rows the HTML pages show (newest first); the JSON endpoints give everything.
const PAGE_ROWS: usize = 200;

/// Reads the store on a blocking thread; a failure is reported and read as `None`.
async fn read<T: Send + 'static>(
    app: &Shared,
    f: impl FnOnce(&dyn crate::core::store::Store) -> Result<T, StoreError> + Send + 'static,
) -> Option<T> {
    match blocking(app, move |app| app.read(f)).await {
        Some(Ok(v)) => Some(v),
        Some(Err(e)) => {
            eprintln!("paysg-sim: cannot read the store: {e}");
            None
        }
        None => None,
    }
}

fn unavailable() -> Response {
    respond(Answer::error(
        503,
        "api_error",
        "storage_unavailable",
        "paysg-sim cannot read its store",
    ))
}

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
    let Some(found) = read(&app, move |s| s.payment(&id)).await else {
        return unavailable();
    };
    let Some(r) = found else {
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

/// Marks a payment paid, stores it, and sends its webhooks.
async fn pay(app: &Shared, id: String) -> Result<Result<Payment, PayError>, ()> {
    let runtime = tokio::runtime::Handle::current();
    let done = blocking(app, move |app| {
        let paid = app.write(|s| -> Result<_, StoreError> {
            let paid = ops::pay(&app.config, &*s, &id, now_ms(), &mut OsEntropy)?;
            if let Ok((_, outcome)) = &paid {
                s.commit(&outcome.change)?;
            }
            Ok(paid)
        });
        match paid {
            Ok(Ok((payment, outcome))) => {
                app.log(|| format!("payment {} paid", payment.id));
                webhooks::dispatch(app, &runtime, outcome.events);
                Ok(Ok(payment))
            }
            Ok(Err(why)) => Ok(Err(why)),
            Err(e) => {
                app.storage_failed(&e);
                Err(())
            }
        }
    })
    .await;
    done.unwrap_or(Err(()))
}

/// `POST /payments/{id}/pay` (the page's Pay button): redirect to `return_url`, or a receipt.
pub async fn pay_form(State(app): State<Shared>, Path(id): Path<String>) -> Response {
    let Ok(paid) = pay(&app, id).await else {
        return respond(Answer::storage_failed());
    };
    match paid {
        Ok(p) => match redirect_url(&app.config, &p) {
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
    let Ok(paid) = pay(&app, id).await else {
        return respond(Answer::storage_failed());
    };
    respond(match paid {
        Ok(p) => Answer::json(
            200,
            &json!({ "redirect_url": redirect_url(&app.config, &p) }),
        ),
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
}

/// `GET /v1/public/payments/{id}-qr.png`.
pub async fn qr_png(State(app): State<Shared>, Path(file): Path<String>) -> Response {
    let id = file.strip_suffix("-qr.png").unwrap_or("").to_owned();
    if !matches!(read(&app, move |s| s.payment(&id)).await, Some(Some(_))) {
        return crate::api::not_found().await;
    }
    ([(header::CONTENT_TYPE, "image/png")], PNG).into_response()
}

/// `GET /`: the newest payments.
pub async fn index(State(app): State<Shared>) -> Html<String> {
    let recent: Vec<Record> = read(&app, |s| s.recent_payments(PAGE_ROWS))
        .await
        .unwrap_or_default();
    let mut rows = String::new();
    for r in &recent {
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
    let emails = read(&app, |s| s.emails()).await.unwrap_or_default();
    let mut items = String::new();
    for e in emails.iter().rev().take(PAGE_ROWS) {
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
    match read(&app, |s| s.emails()).await {
        Some(emails) => respond(Answer::json(200, &json!({ "emails": emails }))),
        None => unavailable(),
    }
}

/// `GET /sim/webhooks`.
pub async fn webhooks_page(State(app): State<Shared>) -> Html<String> {
    let attempts = read(&app, |s| s.attempts()).await.unwrap_or_default();
    let mut rows = String::new();
    for a in attempts.iter().rev().take(PAGE_ROWS) {
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
    let pending = app.volatile().webhooks_pending;
    match read(&app, |s| s.attempts()).await {
        Some(attempts) => respond(Answer::json(
            200,
            &json!({ "attempts": attempts, "pending": pending }),
        )),
        None => unavailable(),
    }
}

/// `GET /sim/state`: counts for tests.
pub async fn state_json(State(app): State<Shared>) -> Response {
    let pending = app.volatile().webhooks_pending;
    match read(&app, |s| s.summary()).await {
        Some(summary) => {
            let mut v = json!(summary);
            if let Some(o) = v.as_object_mut() {
                o.insert("webhooks_pending".to_owned(), json!(pending));
            }
            respond(Answer::json(200, &v))
        }
        None => unavailable(),
    }
}

/// `POST /sim/reset`: forget everything.
pub async fn reset(State(app): State<Shared>) -> Response {
    app.volatile().reset();
    match blocking(&app, |app| app.write(|s| s.reset())).await {
        Some(Ok(())) => StatusCode::NO_CONTENT.into_response(),
        Some(Err(e)) => {
            app.storage_failed(&e);
            respond(Answer::storage_failed())
        }
        None => respond(Answer::storage_failed()),
    }
}
