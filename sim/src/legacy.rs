//! The JSON state file of paysg-sim before the SQLite store, read once to migrate it. Its
//! idempotency records that were still "in progress" (a request killed mid-way) are dropped:
//! keeping them is what stranded keys.

use std::collections::HashMap;

use serde::Deserialize;

use crate::core::model::{Attempt, Change, Email, IdemRecord, Record};

/// What an old idempotency record held.
#[derive(Debug, Deserialize)]
enum IdemState {
    InProgress,
    Done { status: u16, body: String },
}

/// An old idempotency record.
#[derive(Debug, Deserialize)]
struct IdemEntry {
    fingerprint: String,
    created_ms: i64,
    state: IdemState,
}

/// The old state file.
#[derive(Debug, Default, Deserialize)]
pub struct Store {
    /// Payments in creation order.
    pub payments: Vec<Record>,
    #[serde(default)]
    idempotency: HashMap<String, IdemEntry>,
    #[serde(default)]
    emails: Vec<Email>,
    #[serde(default)]
    webhook_attempts: Vec<Attempt>,
    #[serde(default)]
    faults: HashMap<String, u64>,
}

impl Store {
    /// Everything it held, as one change: fault counts as repeated kinds, and only finished
    /// idempotency records (those "in progress" are dropped).
    pub fn into_change(self) -> Change {
        let mut faults: Vec<String> = Vec::new();
        for (kind, n) in self.faults {
            faults.extend(std::iter::repeat_n(kind, usize::try_from(n).unwrap_or(0)));
        }
        let idempotency = self
            .idempotency
            .into_iter()
            .filter_map(|(scope, e)| match e.state {
                IdemState::Done { status, body } => Some((
                    scope,
                    IdemRecord {
                        fingerprint: e.fingerprint,
                        created_ms: e.created_ms,
                        status,
                        body,
                    },
                )),
                IdemState::InProgress => None,
            })
            .collect();
        Change {
            payments: self.payments,
            idempotency,
            emails: self.emails,
            attempts: self.webhook_attempts,
            faults,
            prune_before_ms: None,
            reset: false,
        }
    }
}
