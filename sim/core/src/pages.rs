//! The payer's side (payment page, Pay, the redirect to `return_url`) and the simulator's own
//! pages and controls under `/sim`: routes, HTML and JSON, and the actions that change state.

use serde_json::json;

use super::api_response::ApiResponse;
use super::model::Payment;
use super::reply::Reply;
use super::store::{Store, StoreError};
use paysg::strings::percent_encode;
use paysg::validate::money::dollars as sgd;

/// How many rows the HTML pages show (newest first); the JSON endpoints give everything.
pub const PAGE_ROWS: usize = 200;

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

/// A page that only reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageRead {
    /// `GET /`.
    Index,
    /// `GET /payments/{id}`.
    Payment(String),
    /// `GET /v1/public/payments/{id}-qr.png`.
    Qr(String),
    /// `GET /sim/emails` (`json`: `/sim/emails.json`).
    Emails {
        /// The JSON form.
        json: bool,
    },
    /// `GET /sim/webhooks` (`json`: `/sim/webhooks.json`).
    Webhooks {
        /// The JSON form.
        json: bool,
    },
    /// `GET /sim/state`.
    State,
}

pub use super::actions::{act, Acted};

/// A change outside the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// The payer pays (`json`: `POST /sim/payments/{id}/pay`; else the page's form).
    Pay {
        /// Payment id.
        id: String,
        /// ApiResponse JSON for a script, not a redirect.
        json: bool,
    },
    /// `POST /sim/reset`.
    Reset,
    /// An officer refunds on the dashboard (`POST /sim/payments/{id}/refund`, the API's body):
    /// the API's rules, and no webhook.
    OfficerRefund {
        /// Payment id.
        id: String,
        /// `{ "refund_amount_in_cents": … }`.
        body: Vec<u8>,
    },
    /// An officer cancels on the dashboard (`POST /sim/payments/{id}/cancel`): no webhook.
    OfficerCancel(String),
    /// A payer's attempt fails (`POST /sim/payments/{id}/fail`): the payment stays unpaid.
    FailAttempt(String),
    /// PaySG pays the payment out to the agency (`POST /sim/payments/{id}/payout`).
    Payout(String),
}

/// Escapes text for HTML content and attribute values.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

pub(super) fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<title>{} · paysg-sim</title><style>{STYLE}</style></head><body><main>{body}\
<p class=\"note\">paysg-sim — a local PaySG simulator. No real money moves.</p></main></body></html>",
        html(title)
    )
}

pub(super) fn not_found_page() -> Reply {
    Reply::html(404, page("Not found", "<h1>No such payment</h1>"))
}

pub(super) fn details(p: &Payment) -> String {
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

/// Renders a page that only reads. `pending` is the number of webhook deliveries under way.
///
/// # Errors
///
/// The store could not be read.
pub fn read(store: &dyn Store, what: &PageRead, pending: u64) -> Result<Reply, StoreError> {
    Ok(match what {
        PageRead::Payment(id) => match store.payment(id)? {
            None => not_found_page(),
            Some(r) => {
                let p = &r.payment;
                let action = if p.latest_status == "unpaid" {
                    format!(
                        "<form method=\"post\" action=\"/payments/{}/pay\"><button type=\"submit\" id=\"pay\">Pay {}</button></form>",
                        html(&percent_encode(&p.id)),
                        sgd(u64::from(p.amount_in_cents))
                    )
                } else if p.latest_status == "cancelled" {
                    "<p>This payment was cancelled and can no longer be paid.</p>".to_owned()
                } else {
                    "<p>This payment has been paid. Thank you.</p>".to_owned()
                };
                Reply::html(
                    200,
                    page(
                        "Payment",
                        &format!("<h1>Make a payment</h1>{}{action}", details(p)),
                    ),
                )
            }
        },
        PageRead::Qr(id) => match store.payment(id)? {
            Some(_) => Reply::new(200, "image/png", PNG),
            None => ApiResponse::no_route().into(),
        },
        PageRead::Index => {
            let mut rows = String::new();
            for r in store.recent_payments(PAGE_ROWS)? {
                let p = &r.payment;
                rows.push_str(&format!(
                    "<tr><td><a href=\"/payments/{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    html(&percent_encode(&p.id)),
                    html(&p.id),
                    html(&p.reference_id),
                    html(&p.payer_name),
                    sgd(u64::from(p.amount_in_cents)),
                    html(&p.latest_status),
                    html(&p.refund_status),
                ));
            }
            Reply::html(200, page(
                "Payments",
                &format!(
                    "<h1>paysg-sim</h1><p><a href=\"/sim/emails\">Emails</a> · <a href=\"/sim/webhooks\">Webhook deliveries</a> · <a href=\"/sim/state\">State (JSON)</a></p>\
<table><thead><tr><th>Payment</th><th>Reference</th><th>Payer</th><th>Amount</th><th>Status</th><th>Refund</th></tr></thead><tbody>{rows}</tbody></table>"
                ),
            ))
        }
        PageRead::Emails { json: true } => {
            ApiResponse::json(200, &json!({ "emails": store.emails()? })).into()
        }
        PageRead::Emails { json: false } => {
            let mut items = String::new();
            for e in store.emails()?.iter().rev().take(PAGE_ROWS) {
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
            Reply::html(200, page("Emails", &format!("<h1>Emails sent</h1>{items}")))
        }
        PageRead::Webhooks { json: true } => ApiResponse::json(
            200,
            &json!({ "attempts": store.attempts()?, "pending": pending }),
        )
        .into(),
        PageRead::Webhooks { json: false } => {
            let mut rows = String::new();
            for a in store.attempts()?.iter().rev().take(PAGE_ROWS) {
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
            Reply::html(200, page(
                "Webhooks",
                &format!("<h1>Webhook deliveries</h1><table><thead><tr><th>At</th><th>Event</th><th>Endpoint</th><th>Attempt</th><th>Result</th></tr></thead><tbody>{rows}</tbody></table>"),
            ))
        }
        PageRead::State => {
            let mut v = json!(store.summary()?);
            if let Some(o) = v.as_object_mut() {
                o.insert("webhooks_pending".to_owned(), json!(pending));
            }
            ApiResponse::json(200, &v).into()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(
            html("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
