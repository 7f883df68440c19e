//! What the simulator keeps: payments with their refunds, idempotency records, emails and
//! webhook attempts. The store (the shell's: memory or SQLite) keeps them; the core reads them
//! through [`super::store::Store`] and says what to change with a [`Change`].

use serde::{Deserialize, Serialize};

pub use paysg::model::{LineItem, Pairs, Payment};

/// One refund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundRecord {
    /// Amount refunded, in cents.
    pub amount_in_cents: u32,
    /// When.
    pub at: String,
    /// When it stops being pending and succeeds (ms); until then it blocks the next refund.
    #[serde(default)]
    pub settles_ms: i64,
}

impl RefundRecord {
    /// `pending` or `succeeded` at `now_ms`.
    pub fn status(&self, now_ms: i64) -> &'static str {
        if now_ms < self.settles_ms {
            "pending"
        } else {
            "succeeded"
        }
    }
}

/// A payment with what the simulator keeps beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// What the API returns.
    pub payment: Payment,
    /// Creation time in ms (the list order, with the id).
    pub created_ms: i64,
    /// Refunds so far.
    pub refunds: Vec<RefundRecord>,
    /// When it was paid (ms): refunds are allowed for 90 days after.
    #[serde(default)]
    pub paid_ms: Option<i64>,
    /// Payment attempts that failed (the payer's card was declined, say): the payment stays
    /// unpaid and PaySG sends no event.
    #[serde(default)]
    pub failed_attempts: u32,
}

impl Record {
    /// Cents refunded so far.
    pub fn refunded(&self) -> u64 {
        self.refunds
            .iter()
            .map(|r| u64::from(r.amount_in_cents))
            .sum()
    }

    /// Its place in a list (newest first): creation time, then id.
    pub fn list_key(&self) -> (i64, String) {
        (self.created_ms, self.payment.id.clone())
    }
}

/// The stored answer of an idempotency key. Only finished requests are stored, in the same
/// change as what they did: a key is never left "in progress" in the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdemRecord {
    /// SHA-256 of the first request's body.
    pub fingerprint: String,
    /// When it was first used (ms).
    pub created_ms: i64,
    /// HTTP status.
    pub status: u16,
    /// Response body (empty for 204).
    pub body: String,
}

/// An email "sent" by send-email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email {
    /// Recipient.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// Payment id.
    pub payment_id: String,
    /// When.
    pub sent_at: String,
}

/// One webhook delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    /// Event id.
    pub event_id: String,
    /// Endpoint.
    pub url: String,
    /// 1 for the first try.
    pub attempt: u32,
    /// HTTP status, when the endpoint answered.
    pub status: Option<u16>,
    /// Why it failed, when it did without a status.
    pub error: Option<String>,
    /// Whether this attempt delivered the event (2xx).
    pub delivered: bool,
    /// When.
    pub at: String,
    /// When, in ms (the simulator's time): where a resumed delivery's schedule continues from.
    #[serde(default)]
    pub at_ms: i64,
}

/// A webhook delivery owed: one event to one endpoint, stored in the same change as the event
/// (an outbox). It is pending until an attempt delivers it (2xx) or its last attempt fails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// Event id.
    pub event_id: String,
    /// Endpoint.
    pub url: String,
    /// The event's JSON body, as signed and sent.
    pub body: String,
    /// When its first attempt is due (ms, the simulator's time).
    pub due_ms: i64,
    /// How many attempts it gets (`--webhook-max-attempts` when the event was made).
    pub max_attempts: u32,
}

/// A delivery not yet ended, with the attempts made so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingDelivery {
    /// The delivery.
    pub delivery: Delivery,
    /// The highest attempt number made so far (0: none yet).
    pub attempts: u32,
    /// When the last attempt was made (ms), if any was.
    pub last_ms: Option<i64>,
}

impl PendingDelivery {
    /// Whether `attempt` ends it: it delivered, or it was the last one allowed.
    pub fn ends(&self, attempt: &Attempt) -> bool {
        attempt.delivered || attempt.attempt >= self.delivery.max_attempts
    }
}

/// What one request changes, applied by the store all at once or not at all. It serialises
/// (as one line of the npm package's journal).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Change {
    /// Payments created or updated (whole records).
    pub payments: Vec<Record>,
    /// Idempotency records (the request's), under their scopes.
    pub idempotency: Vec<(String, IdemRecord)>,
    /// Emails sent.
    pub emails: Vec<Email>,
    /// Webhook attempts made.
    pub attempts: Vec<Attempt>,
    /// Webhook deliveries owed for the events this change makes (applied before `attempts`).
    pub deliveries: Vec<Delivery>,
    /// Faults injected, by kind (one count each).
    pub faults: Vec<String>,
    /// Idempotency records first used before this time (ms) are forgotten.
    pub prune_before_ms: Option<i64>,
    /// Forget everything first (`POST /sim/reset`).
    pub reset: bool,
}

impl Change {
    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        *self == Change::default()
    }
}

/// A `payment.succeeded` event to deliver to every webhook endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Its id (`evt_…`).
    pub id: String,
    /// The JSON body, as signed and sent.
    pub body: String,
}

/// Counts for `/sim/state`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Payments.
    pub payments: u64,
    /// Payments per `reference_id`.
    pub payments_by_reference: std::collections::BTreeMap<String, u64>,
    /// Idempotency records kept (expired ones included until pruned).
    pub idempotency_keys: u64,
    /// Emails sent.
    pub emails: u64,
    /// Webhook attempts made.
    pub webhook_attempts: u64,
    /// Faults injected, by kind.
    pub faults: std::collections::BTreeMap<String, u64>,
}
