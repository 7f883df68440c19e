//! PaySG's operations, as functions of the store's state, the time and randomness: each returns
//! its answer, what to store ([`Change`]) and the webhook events to send. Nothing is stored
//! here: the shell commits the change, and answers 503 if it cannot.

use paysg::validate;

use super::api_response::ApiResponse;
use super::create::{create, parse_json, validation_failed};
use super::ids::{payment_id, Entropy};
use super::list::list;
use super::model::{Change, Delivery, Email, Payment, Record, RefundRecord};
use super::outcome::{updated, Outcome};
use super::store::{Store, StoreError};
use super::{webhook_event, Config};
use paysg::dates::iso_sgt;

/// An operation of the API, read from its request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// `GET …/payments`.
    List {
        /// Payment service.
        service: String,
        /// The query's pairs.
        query: Vec<(String, String)>,
    },
    /// `POST …/payments`.
    Create {
        /// Payment service.
        service: String,
        /// The caller's key (for `creator_id`).
        api_key: String,
        /// The JSON body.
        body: Vec<u8>,
    },
    /// `GET …/payments/{id}`.
    Retrieve {
        /// Payment service.
        service: String,
        /// Payment id.
        id: String,
    },
    /// `POST …/cancel`.
    Cancel {
        /// Payment service.
        service: String,
        /// Payment id.
        id: String,
    },
    /// `POST …/refund`.
    Refund {
        /// Payment service.
        service: String,
        /// Payment id.
        id: String,
        /// The JSON body.
        body: Vec<u8>,
    },
    /// `POST …/send-email`.
    SendEmail {
        /// Payment service.
        service: String,
        /// Payment id.
        id: String,
    },
}

impl Op {
    /// Whether it only reads.
    pub fn reads_only(&self) -> bool {
        matches!(self, Op::List { .. } | Op::Retrieve { .. })
    }
}

/// Runs an operation against the store's current state.
///
/// # Errors
///
/// The store could not be read.
pub fn execute(
    config: &Config,
    store: &dyn Store,
    op: &Op,
    now_ms: i64,
    entropy: &mut dyn Entropy,
) -> Result<Outcome, StoreError> {
    let in_service = |service: &str, id: &str| -> Result<Option<Record>, StoreError> {
        Ok(store
            .payment(id)?
            .filter(|r| r.payment.payment_service_id == service))
    };
    Ok(match op {
        Op::List { service, query } => list(store, service, query)?.into(),
        Op::Retrieve { service, id } => match in_service(service, id)? {
            Some(r) => ApiResponse::json(200, &r.payment).into(),
            None => ApiResponse::not_found("payment").into(),
        },
        Op::Create {
            service,
            api_key,
            body,
        } => create(config, store, service, api_key, body, now_ms, entropy)?,
        Op::Cancel { service, id } => match in_service(service, id)? {
            Some(r) => cancel(r, now_ms),
            None => ApiResponse::not_found("payment").into(),
        },
        Op::Refund { service, id, body } => match in_service(service, id)? {
            Some(r) => refund(config, r, body, now_ms),
            None => ApiResponse::not_found("payment").into(),
        },
        Op::SendEmail { service, id } => match in_service(service, id)? {
            Some(r) => send_email(r, now_ms),
            None => ApiResponse::not_found("payment").into(),
        },
    })
}

/// A payout id's tail, derived from the payment's id (stable, so a replay shows the same).
pub(crate) fn short_id(id: &str) -> String {
    super::ids::sha256_hex(id.as_bytes())[..16].to_owned()
}

/// Cancels `r` (the API's, or an officer's on the dashboard: the same rules).
pub(crate) fn cancel(mut r: Record, now: i64) -> Outcome {
    let p = &mut r.payment;
    if p.latest_status == "cancelled" {
        return ApiResponse::state(
            "payment_already_cancelled",
            "the payment is already cancelled",
        )
        .into();
    }
    if p.payment_status != "unpaid" {
        return ApiResponse::state(
            "payment_not_cancellable",
            "only unpaid payments can be cancelled; this one is paid",
        )
        .into();
    }
    let at = iso_sgt(now);
    p.latest_status = "cancelled".to_owned();
    p.payment_cancelled_timestamp = Some(at.clone());
    p.updated_at = at;
    updated(r, 200)
}

/// How long after payment a refund is possible (PaySG: 90 days; after that, outside PaySG).
pub const REFUND_WINDOW_MS: i64 = 90 * 24 * 3600 * 1000;

/// A refund of `r` (the API's, or an officer's on the dashboard: the same rules). Only one
/// refund is processed at a time: one still pending blocks the next.
pub(crate) fn refund(config: &Config, mut r: Record, body: &[u8], now: i64) -> Outcome {
    let input = match parse_json(body) {
        Ok(j) => j,
        Err(a) => return a.into(),
    };
    let amount = match validate::validate_refund(&input) {
        Ok(v) => v.refund_amount_in_cents,
        Err(errors) => return validation_failed(&errors).into(),
    };
    if r.payment.payment_status != "paid" {
        return ApiResponse::state("payment_not_paid", "only paid payments can be refunded").into();
    }
    if let Some(paid) = r
        .paid_ms
        .filter(|paid| now > paid.saturating_add(REFUND_WINDOW_MS))
    {
        return ApiResponse::state(
            "refund_window_closed",
            format!(
                "refunds are possible up to 90 days after payment; this payment was paid on {}",
                iso_sgt(paid)
            ),
        )
        .into();
    }
    if r.refunds.iter().any(|f| f.status(now) == "pending") {
        return ApiResponse::state(
            "refund_pending",
            "an earlier refund of this payment is still pending; only one refund is processed at a time",
        )
        .into();
    }
    let total = u64::from(r.payment.amount_in_cents);
    let refunded = r.refunded();
    if refunded >= total {
        return ApiResponse::state(
            "payment_fully_refunded",
            "the payment is already fully refunded",
        )
        .into();
    }
    let remaining = total - refunded;
    if u64::from(amount) > remaining {
        return ApiResponse::state(
            "refund_exceeds_remaining",
            format!("refund_amount_in_cents is more than the {remaining} cents left to refund"),
        )
        .into();
    }
    let at = iso_sgt(now);
    r.refunds.push(RefundRecord {
        amount_in_cents: amount,
        at: at.clone(),
        settles_ms: now.saturating_add(config.refund_settle_ms),
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
    updated(r, 200)
}

fn send_email(mut r: Record, now: i64) -> Outcome {
    let p = &mut r.payment;
    let Some(to) = p.payer_email.clone() else {
        return ApiResponse::invalid(
            "payer_email_missing",
            "the payment has no payer_email to send the link to",
        )
        .into();
    };
    if p.latest_status != "unpaid" {
        return ApiResponse::state(
            "payment_not_unpaid",
            format!(
                "the payment is {}; only unpaid payments can be emailed",
                p.latest_status
            ),
        )
        .into();
    }
    let at = iso_sgt(now);
    p.email_delivery_status = "sent".to_owned();
    p.payment_sent_timestamp = Some(at.clone());
    p.updated_at = at.clone();
    let email = Email {
        to,
        subject: format!("Payment request: {}", p.description),
        body: format!(
            "Dear {},\n\nPlease pay {} for {} (reference {}) at {}\n",
            p.payer_name,
            paysg::validate::money::dollars(u64::from(p.amount_in_cents)),
            p.description,
            p.reference_id,
            p.payment_url
        ),
        payment_id: p.id.clone(),
        sent_at: at,
    };
    Outcome {
        answer: ApiResponse::no_content(),
        change: Change {
            payments: vec![r],
            emails: vec![email],
            ..Change::default()
        },
        events: Vec::new(),
    }
}

/// Why a payment cannot be paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayError {
    /// No such payment.
    NotFound,
    /// Already paid.
    Paid,
    /// Cancelled.
    Cancelled,
}

/// The payer pays: the payment as paid, what to store, and its `payment.succeeded` event (when
/// webhooks are configured).
///
/// # Errors
///
/// The store could not be read (outer), or the payment cannot be paid (inner).
pub fn pay(
    config: &Config,
    store: &dyn Store,
    id: &str,
    now: i64,
    entropy: &mut dyn Entropy,
) -> Result<Result<(Payment, Outcome), PayError>, StoreError> {
    let Some(mut r) = store.payment(id)? else {
        return Ok(Err(PayError::NotFound));
    };
    let p = &mut r.payment;
    if p.latest_status == "cancelled" {
        return Ok(Err(PayError::Cancelled));
    }
    if p.payment_status == "paid" {
        return Ok(Err(PayError::Paid));
    }
    let at = iso_sgt(now);
    p.payment_status = "paid".to_owned();
    p.latest_status = "paid".to_owned();
    p.payment_succeeded_timestamp = Some(at.clone());
    if p.stripe_payment_intent_id.is_none() {
        p.stripe_payment_intent_id = Some(format!("pi_sim_{}", payment_id(entropy)));
    }
    p.updated_at = at;
    let paid = p.clone();
    r.paid_ms = Some(now);
    let events = if config.webhook_urls.is_empty() || config.webhook_secret.is_none() {
        Vec::new()
    } else {
        vec![webhook_event(&paid, now, entropy)]
    };
    let mut outcome = updated(r, 200);
    // The outbox: each delivery is stored with the payment's change, so a restart resumes it.
    outcome.change.deliveries = events
        .iter()
        .flat_map(|e| {
            config.webhook_urls.iter().map(|url| Delivery {
                event_id: e.id.clone(),
                url: url.clone(),
                body: e.body.clone(),
                due_ms: now,
                max_attempts: config.webhook_max_attempts.max(1),
            })
        })
        .collect();
    outcome.events = events;
    Ok(Ok((paid, outcome)))
}
