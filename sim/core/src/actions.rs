//! The changes outside the API (pay, reset, an officer's refund or cancel, a failed attempt, a
//! payout): each run against the store's state, answered once its change is stored.

use serde_json::json;

use super::api_response::ApiResponse;
use super::ids::Entropy;
use super::model::{Change, Event, Record};
use super::ops::{self, PayError};
use super::outcome::{updated, Outcome};
use super::pages::{details, not_found_page, page, Action};
use super::reply::Reply;
use super::store::{Store, StoreError};
use super::{redirect_url, Config};
use paysg::dates::iso_sgt;

/// What an action decided: its reply once `change` is stored, and the events to send then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acted {
    /// The reply.
    pub reply: Reply,
    /// What to store (nothing when it changed nothing).
    pub change: Change,
    /// Webhook events to send once stored.
    pub events: Vec<Event>,
}

/// Runs an action against the store's current state.
///
/// # Errors
///
/// The store could not be read.
pub fn act(
    config: &Config,
    store: &dyn Store,
    action: &Action,
    now_ms: i64,
    entropy: &mut dyn Entropy,
) -> Result<Acted, StoreError> {
    Ok(match action {
        Action::Reset => Acted {
            reply: Reply::empty(204),
            change: Change {
                reset: true,
                ..Change::default()
            },
            events: Vec::new(),
        },
        Action::OfficerRefund { id, body } => {
            officer(store, id, |r| ops::refund(config, r, body, now_ms))?
        }
        Action::OfficerCancel(id) => officer(store, id, |r| ops::cancel(r, now_ms))?,
        Action::FailAttempt(id) => officer(store, id, |mut r| {
            if r.payment.latest_status != "unpaid" {
                return ApiResponse::state(
                    "payment_not_unpaid",
                    format!(
                        "the payment is {}; only an unpaid payment can be attempted",
                        r.payment.latest_status
                    ),
                )
                .into();
            }
            r.failed_attempts = r.failed_attempts.saturating_add(1);
            updated(r, 200)
        })?,
        Action::Payout(id) => officer(store, id, |mut r| {
            let p = &mut r.payment;
            if p.payment_status != "paid" {
                return ApiResponse::state("payment_not_paid", "only paid payments are paid out")
                    .into();
            }
            if p.payout_id.is_some() {
                return ApiResponse::error(
                    409,
                    "invalid_state_error",
                    "payment_already_paid_out",
                    "the payment was already paid out",
                )
                .into();
            }
            let at = iso_sgt(now_ms);
            p.payout_id = Some(format!("po_sim_{}", ops::short_id(&p.id)));
            p.paid_out_timestamp = Some(at.clone());
            p.updated_at = at;
            updated(r, 200)
        })?,
        Action::Pay { id, json } => match ops::pay(config, store, id, now_ms, entropy)? {
            Ok((p, outcome)) => Acted {
                reply: if *json {
                    ApiResponse::json(200, &json!({ "redirect_url": redirect_url(config, &p) }))
                        .into()
                } else {
                    match redirect_url(config, &p) {
                        Some(url) => Reply::see_other(&url),
                        None => Reply::html(
                            200,
                            page(
                                "Receipt",
                                &format!("<h1>Payment received</h1>{}", details(&p)),
                            ),
                        ),
                    }
                },
                change: outcome.change,
                events: outcome.events,
            },
            Err(why) => Acted {
                reply: pay_refused(why, *json),
                change: Change::default(),
                events: Vec::new(),
            },
        },
    })
}

/// Runs an officer's action on a payment (any service): its outcome's answer and change, no
/// webhook.
fn officer(
    store: &dyn Store,
    id: &str,
    f: impl FnOnce(Record) -> Outcome,
) -> Result<Acted, StoreError> {
    let outcome = match store.payment(id)? {
        Some(r) => f(r),
        None => ApiResponse::not_found("payment").into(),
    };
    Ok(Acted {
        reply: outcome.answer.into(),
        change: outcome.change,
        events: Vec::new(),
    })
}

fn pay_refused(why: PayError, json: bool) -> Reply {
    match (why, json) {
        (PayError::NotFound, false) => not_found_page(),
        (PayError::Paid, false) => Reply::html(
            409,
            page(
                "Already paid",
                "<h1>This payment has already been paid</h1>",
            ),
        ),
        (PayError::Cancelled, false) => Reply::html(
            402,
            page("Cancelled", "<h1>This payment was cancelled</h1>"),
        ),
        (PayError::NotFound, true) => {
            ApiResponse::error(404, "not_found", "payment_not_found", "no such payment").into()
        }
        (PayError::Paid, true) => ApiResponse::error(
            409,
            "invalid_state_error",
            "payment_already_paid",
            "the payment has already been paid",
        )
        .into(),
        (PayError::Cancelled, true) => ApiResponse::error(
            402,
            "invalid_state_error",
            "payment_cancelled",
            "the payment was cancelled",
        )
        .into(),
    }
}
