//! The store the core reads from and tells what to change: a trait the shell implements (SQLite
//! natively with `--data`; memory otherwise, and from JS), and [`MemStore`], the in-memory one.
//! A [`Change`] is applied whole or not at all; a failure is a [`StoreError`], which the core
//! turns into a 503 with nothing applied.

use std::collections::{BTreeMap, HashMap};

use super::model::{Attempt, Change, Email, IdemRecord, PendingDelivery, Record, Summary};

/// A storage failure (a full disk, a read-only file, …), as text for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a page of a list starts (cursors are `(created_ms, id)`; lists are newest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageFrom {
    /// The newest payments.
    Start,
    /// The payments after (older than) this one.
    After((i64, String)),
    /// The payments before (newer than) this one.
    Before((i64, String)),
}

/// One page of a list, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The payments.
    pub items: Vec<Record>,
    /// Whether older payments follow.
    pub has_next: bool,
    /// Whether newer payments precede.
    pub has_previous: bool,
}

/// What the core needs of a store. Reads see every committed change.
pub trait Store {
    /// The payment with this id, in any service.
    fn payment(&self, id: &str) -> Result<Option<Record>, StoreError>;
    /// A page of one service's payments.
    fn page(&self, service: &str, from: &PageFrom, limit: usize) -> Result<Page, StoreError>;
    /// The stored answer of an idempotency scope.
    fn idempotency(&self, scope: &str) -> Result<Option<IdemRecord>, StoreError>;
    /// Applies a change: all of it, or (on error) none of it.
    fn commit(&mut self, change: &Change) -> Result<(), StoreError>;
    /// Counts for `/sim/state`.
    fn summary(&self) -> Result<Summary, StoreError>;
    /// The newest `n` payments of every service, newest first.
    fn recent_payments(&self, n: usize) -> Result<Vec<Record>, StoreError>;
    /// Every email, oldest first.
    fn emails(&self) -> Result<Vec<Email>, StoreError>;
    /// Every webhook attempt, oldest first.
    fn attempts(&self) -> Result<Vec<Attempt>, StoreError>;
    /// Every webhook delivery not yet ended (none delivered it, and attempts remain), first due
    /// first, with the attempts made so far: what a shell resumes at start.
    fn pending_deliveries(&self) -> Result<Vec<PendingDelivery>, StoreError>;
}

/// Orders pending deliveries as [`Store::pending_deliveries`] returns them.
pub fn sort_pending(pending: &mut [PendingDelivery]) {
    pending.sort_by(|a, b| {
        let key = |p: &PendingDelivery| {
            (
                p.delivery.due_ms,
                p.delivery.event_id.clone(),
                p.delivery.url.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
}

/// The list order of a service's payments: `(service, created_ms, id)`, iterated backwards.
type ListKey = (String, i64, String);

/// The in-memory store: the default without `--data`, and what the core runs on from JS.
#[derive(Debug, Default, Clone)]
pub struct MemStore {
    payments: HashMap<String, Record>,
    order: BTreeMap<ListKey, ()>,
    idempotency: HashMap<String, IdemRecord>,
    emails: Vec<Email>,
    attempts: Vec<Attempt>,
    /// Deliveries not yet ended, by `(event id, url)`.
    pending: HashMap<(String, String), PendingDelivery>,
    faults: BTreeMap<String, u64>,
}

impl MemStore {
    /// Everything it holds, as one change that rebuilds it on an empty store (a journal's
    /// compaction).
    pub fn snapshot(&self) -> Change {
        let mut payments: Vec<Record> = self.payments.values().cloned().collect();
        payments.sort_by_key(Record::list_key);
        Change {
            payments,
            idempotency: self
                .idempotency
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            emails: self.emails.clone(),
            attempts: self.attempts.clone(),
            // The attempts (applied after) bring back each one's progress.
            deliveries: self
                .pending_sorted()
                .into_iter()
                .map(|p| p.delivery)
                .collect(),
            faults: self
                .faults
                .iter()
                .flat_map(|(k, n)| std::iter::repeat_n(k.clone(), usize::try_from(*n).unwrap_or(0)))
                .collect(),
            prune_before_ms: None,
            reset: true,
        }
    }

    /// The pending deliveries, first due first.
    fn pending_sorted(&self) -> Vec<PendingDelivery> {
        let mut all: Vec<PendingDelivery> = self.pending.values().cloned().collect();
        sort_pending(&mut all);
        all
    }

    fn key(r: &Record) -> ListKey {
        (
            r.payment.payment_service_id.clone(),
            r.created_ms,
            r.payment.id.clone(),
        )
    }
}

impl Store for MemStore {
    fn payment(&self, id: &str) -> Result<Option<Record>, StoreError> {
        Ok(self.payments.get(id).cloned())
    }

    fn page(&self, service: &str, from: &PageFrom, limit: usize) -> Result<Page, StoreError> {
        // The service's keys lie in `lo..hi`: `service + "\0"` sorts after every key of it.
        let lo = (service.to_owned(), i64::MIN, String::new());
        let hi = (format!("{service}\0"), i64::MIN, String::new());
        let at = |c: &(i64, String)| (service.to_owned(), c.0, c.1.clone());
        let (mut keys, more, has_next, has_previous): (Vec<&ListKey>, _, _, _) = match from {
            PageFrom::Start => {
                let keys: Vec<_> = self
                    .order
                    .range(lo..hi)
                    .rev()
                    .map(|(k, ())| k)
                    .take(limit + 1)
                    .collect();
                (keys, false, false, false)
            }
            PageFrom::After(c) => {
                let keys: Vec<_> = self
                    .order
                    .range(lo..at(c))
                    .rev()
                    .map(|(k, ())| k)
                    .take(limit + 1)
                    .collect();
                let previous = self.order.range(at(c)..hi).next().is_some();
                (keys, false, false, previous)
            }
            PageFrom::Before(c) => {
                use std::ops::Bound::{Excluded, Included};
                let keys: Vec<_> = self
                    .order
                    .range((Excluded(at(c)), Excluded(hi)))
                    .map(|(k, ())| k)
                    .take(limit + 1)
                    .collect();
                let next = self
                    .order
                    .range((Included(lo), Included(at(c))))
                    .next_back()
                    .is_some();
                (keys, true, next, false)
            }
        };
        // `more`: the keys run oldest first (a `before` page); otherwise newest first.
        let overflow = keys.len() > limit;
        keys.truncate(limit);
        if more {
            keys.reverse();
        }
        let items = keys
            .iter()
            .filter_map(|k| self.payments.get(&k.2).cloned())
            .collect();
        Ok(Page {
            items,
            has_next: if more { has_next } else { overflow },
            has_previous: if more { overflow } else { has_previous },
        })
    }

    fn idempotency(&self, scope: &str) -> Result<Option<IdemRecord>, StoreError> {
        Ok(self.idempotency.get(scope).cloned())
    }

    fn commit(&mut self, change: &Change) -> Result<(), StoreError> {
        if change.reset {
            *self = MemStore::default();
        }
        for r in &change.payments {
            if let Some(old) = self.payments.get(&r.payment.id) {
                self.order.remove(&MemStore::key(old));
            }
            self.order.insert(MemStore::key(r), ());
            self.payments.insert(r.payment.id.clone(), r.clone());
        }
        for (scope, record) in &change.idempotency {
            self.idempotency.insert(scope.clone(), record.clone());
        }
        self.emails.extend(change.emails.iter().cloned());
        for d in &change.deliveries {
            self.pending.insert(
                (d.event_id.clone(), d.url.clone()),
                PendingDelivery {
                    delivery: d.clone(),
                    attempts: 0,
                    last_ms: None,
                },
            );
        }
        for a in &change.attempts {
            let key = (a.event_id.clone(), a.url.clone());
            if let Some(p) = self.pending.get_mut(&key) {
                p.attempts = p.attempts.max(a.attempt);
                p.last_ms = Some(a.at_ms);
                if p.ends(a) {
                    self.pending.remove(&key);
                }
            }
        }
        self.attempts.extend(change.attempts.iter().cloned());
        for kind in &change.faults {
            *self.faults.entry(kind.clone()).or_default() += 1;
        }
        if let Some(before) = change.prune_before_ms {
            self.idempotency.retain(|_, r| r.created_ms >= before);
        }
        Ok(())
    }

    fn summary(&self) -> Result<Summary, StoreError> {
        let mut by_reference = BTreeMap::new();
        for r in self.payments.values() {
            *by_reference
                .entry(r.payment.reference_id.clone())
                .or_default() += 1;
        }
        Ok(Summary {
            payments: self.payments.len() as u64,
            payments_by_reference: by_reference,
            idempotency_keys: self.idempotency.len() as u64,
            emails: self.emails.len() as u64,
            webhook_attempts: self.attempts.len() as u64,
            faults: self.faults.clone(),
        })
    }

    fn recent_payments(&self, n: usize) -> Result<Vec<Record>, StoreError> {
        let mut all: Vec<&Record> = self.payments.values().collect();
        all.sort_by_key(|r| std::cmp::Reverse(r.list_key()));
        Ok(all.into_iter().take(n).cloned().collect())
    }

    fn emails(&self) -> Result<Vec<Email>, StoreError> {
        Ok(self.emails.clone())
    }

    fn attempts(&self) -> Result<Vec<Attempt>, StoreError> {
        Ok(self.attempts.clone())
    }

    fn pending_deliveries(&self) -> Result<Vec<PendingDelivery>, StoreError> {
        Ok(self.pending_sorted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Delivery;

    /// A delivery of event `id` to `url`, first due at `due_ms`, with `max` attempts (tests).
    fn delivery(id: &str, url: &str, due_ms: i64, max: u32) -> Delivery {
        Delivery {
            event_id: id.to_owned(),
            url: url.to_owned(),
            body: format!("{{\"id\":\"{id}\"}}"),
            due_ms,
            max_attempts: max,
        }
    }

    fn attempt(id: &str, url: &str, n: u32, delivered: bool, at_ms: i64) -> Attempt {
        Attempt {
            event_id: id.to_owned(),
            url: url.to_owned(),
            attempt: n,
            status: Some(if delivered { 200 } else { 500 }),
            error: None,
            delivered,
            at: String::new(),
            at_ms,
        }
    }

    #[test]
    fn a_delivery_is_pending_until_delivered_or_out_of_attempts() {
        let mut s = MemStore::default();
        let change = Change {
            deliveries: vec![delivery("e1", "u", 10, 3), delivery("e2", "u", 5, 2)],
            ..Change::default()
        };
        s.commit(&change).unwrap();
        let pending = s.pending_deliveries().unwrap();
        assert_eq!(pending.len(), 2);
        assert_eq!(pending[0].delivery.event_id, "e2");
        assert_eq!((pending[0].attempts, pending[0].last_ms), (0, None));
        let tried = Change {
            attempts: vec![
                attempt("e1", "u", 1, false, 20),
                attempt("e2", "u", 1, false, 21),
            ],
            ..Change::default()
        };
        s.commit(&tried).unwrap();
        let pending = s.pending_deliveries().unwrap();
        assert_eq!(pending.len(), 2);
        assert_eq!((pending[1].attempts, pending[1].last_ms), (1, Some(20)));
        // e2's second (last) attempt fails; e1's second delivers.
        let ended = Change {
            attempts: vec![
                attempt("e2", "u", 2, false, 30),
                attempt("e1", "u", 2, true, 31),
            ],
            ..Change::default()
        };
        s.commit(&ended).unwrap();
        assert!(s.pending_deliveries().unwrap().is_empty());
    }

    #[test]
    fn the_snapshot_keeps_pending_deliveries_and_their_progress() {
        let mut s = MemStore::default();
        let change = Change {
            deliveries: vec![delivery("e1", "u", 10, 3), delivery("e2", "u", 11, 3)],
            attempts: vec![
                attempt("e1", "u", 1, false, 12),
                attempt("e2", "u", 1, true, 12),
            ],
            ..Change::default()
        };
        s.commit(&change).unwrap();
        let mut back = MemStore::default();
        back.commit(&s.snapshot()).unwrap();
        let pending = back.pending_deliveries().unwrap();
        assert_eq!(pending, s.pending_deliveries().unwrap());
        assert_eq!(pending.len(), 1);
        assert_eq!((pending[0].attempts, pending[0].last_ms), (1, Some(12)));
        let reset = Change {
            reset: true,
            ..Change::default()
        };
        back.commit(&reset).unwrap();
        assert!(back.pending_deliveries().unwrap().is_empty());
    }
}
