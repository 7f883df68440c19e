//! The simulator's state: payments, idempotency records, emails and webhook attempts, kept in
//! memory and optionally in a JSON file that is rewritten atomically after every change.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

pub use paysg::model::{LineItem, Pairs, Payment};

/// One refund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundRecord {
    /// Amount refunded, in cents.
    pub amount_in_cents: u32,
    /// When.
    pub at: String,
}

/// A payment with what the simulator keeps beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// What the API returns.
    pub payment: Payment,
    /// Creation time in ms (the list order).
    pub created_ms: i64,
    /// Refunds so far.
    pub refunds: Vec<RefundRecord>,
}

impl Record {
    /// Cents refunded so far.
    pub fn refunded(&self) -> u64 {
        self.refunds
            .iter()
            .map(|r| u64::from(r.amount_in_cents))
            .sum()
    }
}

/// What an idempotency key holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum IdemState {
    /// The first request is still executing.
    InProgress,
    /// The stored answer.
    Done {
        /// HTTP status.
        status: u16,
        /// Response body.
        body: String,
    },
}

/// One idempotency key's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdemEntry {
    /// SHA-256 of the first request's body.
    pub fingerprint: String,
    /// When it was first used (ms).
    pub created_ms: i64,
    /// Its state.
    pub state: IdemState,
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
}

/// Everything the simulator remembers.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Store {
    /// Payments in creation order.
    pub payments: Vec<Record>,
    /// Idempotency records by scope (`<api key hash> <endpoint> <key>`).
    pub idempotency: HashMap<String, IdemEntry>,
    /// Emails sent.
    pub emails: Vec<Email>,
    /// Webhook attempts.
    pub webhook_attempts: Vec<Attempt>,
    /// Faults injected, by kind.
    pub faults: HashMap<String, u64>,
    /// Webhook deliveries still being attempted (not kept across restarts).
    #[serde(skip)]
    pub webhooks_pending: u64,
    /// Requests faulted so far per operation, for `x-paysg-sim-fault: …;first=<n>`.
    #[serde(skip)]
    pub first_faults: HashMap<String, u32>,
    #[serde(skip)]
    index: HashMap<String, usize>,
}

impl Store {
    /// Rebuilds the id index (after loading).
    fn reindex(&mut self) {
        self.index = self
            .payments
            .iter()
            .enumerate()
            .map(|(i, r)| (r.payment.id.clone(), i))
            .collect();
    }

    /// Adds a payment.
    pub fn insert(&mut self, record: Record) {
        self.index
            .insert(record.payment.id.clone(), self.payments.len());
        self.payments.push(record);
    }

    /// The payment with this id in this service.
    pub fn get_mut(&mut self, service: &str, id: &str) -> Option<&mut Record> {
        let i = *self.index.get(id)?;
        self.payments
            .get_mut(i)
            .filter(|r| r.payment.payment_service_id == service)
    }

    /// The payment with this id, any service (the payer's pages).
    pub fn by_id_mut(&mut self, id: &str) -> Option<&mut Record> {
        let i = *self.index.get(id)?;
        self.payments.get_mut(i)
    }

    /// Forgets everything but the pending-webhook count.
    pub fn reset(&mut self) {
        let pending = self.webhooks_pending;
        *self = Store::default();
        self.webhooks_pending = pending;
    }

    /// Loads a data file; a missing file is an empty store.
    ///
    /// # Errors
    ///
    /// When the file exists but cannot be read or is not a store.
    pub fn load(path: &Path) -> Result<Store, String> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Store::default()),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        let mut store: Store = serde_json::from_str(&text).map_err(|e| {
            format!(
                "{} is not a paysg-sim data file ({e}); move it away or pass another --data",
                path.display()
            )
        })?;
        store.reindex();
        Ok(store)
    }

    /// Writes the store to `path` atomically: a temporary file in the same folder, flushed to
    /// disk, then renamed over the old one. A crash leaves either the old or the new file.
    ///
    /// # Errors
    ///
    /// The I/O error, as text.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        let text = serde_json::to_vec(self).map_err(|e| e.to_string())?;
        let tmp: PathBuf = {
            let mut name = path.file_name().unwrap_or_default().to_os_string();
            name.push(format!(".tmp-{}", std::process::id()));
            path.with_file_name(name)
        };
        let write = || -> std::io::Result<()> {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(&text)?;
            f.sync_all()?;
            std::fs::rename(&tmp, path)?;
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                // Make the rename itself durable (best effort: not every platform allows it).
                let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
            }
            Ok(())
        };
        write().map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            format!("cannot write {}: {e}", path.display())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_and_load_round_trip_and_refuse_garbage() {
        let dir = std::env::temp_dir().join(format!("paysg-sim-store-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.json");
        let mut s = Store::default();
        s.emails.push(Email {
            to: "a@b.sg".into(),
            subject: "s".into(),
            body: "b".into(),
            payment_id: "p".into(),
            sent_at: "t".into(),
        });
        s.save(&path).unwrap();
        assert_eq!(Store::load(&path).unwrap().emails, s.emails);
        std::fs::write(&path, "{not json").unwrap();
        assert!(Store::load(&path)
            .unwrap_err()
            .contains("not a paysg-sim data file"));
        assert!(Store::load(&dir.join("missing.json"))
            .unwrap()
            .payments
            .is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
