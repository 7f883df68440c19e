//! `reconcile`: re-reads the payments an e-service still considers open and reports those PaySG
//! has changed. The core decides (the options, whether a stored record can be reconciled, which
//! fields differ: [`paysg::client::reconcile`]); this runs the reads, at most `concurrency` at a
//! time.

use crate::client::PaySg;
use crate::config::CallOptions;
use futures_util::stream::{self, StreamExt};
use paysg::client::reconcile::{self, Change};
use paysg::client::ClientError;
use paysg::json::Json;
use paysg::model::Payment;
use serde::Serialize;

/// What a run reports about one stored payment (nothing is reported for an unchanged one).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Reconciled {
    /// PaySG's payment differs from the stored record in `changed`.
    Changed {
        /// The payment's id.
        id: String,
        /// PaySG's payment now.
        payment: Box<Payment>,
        /// Each compared field that differs, in PaySG's order.
        changed: Vec<Change>,
    },
    /// The stored record could not be reconciled.
    Failed {
        /// Its id, when it has a usable one.
        id: Option<String>,
        /// Why.
        error: ReconcileError,
    },
}

/// Why one stored payment could not be reconciled.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ReconcileError {
    /// The stored record (a validation error naming each problem), or reading the payment
    /// (after the client's retries).
    Client(ClientError),
    /// PaySG's answer is not the stored payment (`invalid_response` in the npm package).
    InvalidResponse(String),
}

impl PaySg {
    /// `reconcile`: re-reads each stored payment of `known` (each serialises to at least `id`,
    /// `payment_status` and `latest_status`, plus any other field of
    /// [`reconcile::FIELDS`] it tracks), `concurrency` at a time (1 to 16; default 4), and
    /// returns, in the order the reads complete, each that PaySG has changed and each that
    /// could not be read.
    ///
    /// # Errors
    ///
    /// [`ClientError::Validation`] when `concurrency` is out of range (nothing is read).
    pub async fn reconcile<T: Serialize>(
        &self,
        known: impl IntoIterator<Item = T>,
        concurrency: Option<u32>,
        opts: CallOptions,
    ) -> Result<Vec<Reconciled>, ClientError> {
        let options = match concurrency {
            Some(c) => format!(r#"{{"concurrency":{c}}}"#),
            None => "{}".to_owned(),
        };
        let options = Json::parse(&options).unwrap_or(Json::Null);
        let concurrency = reconcile::check_options(&options)
            .map_err(|errors| ClientError::Validation { errors })?;
        let records: Vec<String> = known
            .into_iter()
            .map(|r| serde_json::to_string(&r).unwrap_or_default())
            .collect();
        let reads = records
            .iter()
            .enumerate()
            .map(|(i, text)| self.check(text, u32::try_from(i).unwrap_or(u32::MAX), &opts));
        let done: Vec<Option<Reconciled>> = stream::iter(reads)
            .buffer_unordered(usize::try_from(concurrency).unwrap_or(1))
            .collect()
            .await;
        Ok(done.into_iter().flatten().collect())
    }

    /// One stored record (JSON text, at `index`): `None` when PaySG's payment is unchanged.
    async fn check(&self, text: &str, index: u32, opts: &CallOptions) -> Option<Reconciled> {
        let record = Json::parse(text).unwrap_or(Json::Null);
        let known = match reconcile::read_known(&record, index) {
            Ok(k) => k,
            Err((id, errors)) => {
                return Some(Reconciled::Failed {
                    id,
                    error: ReconcileError::Client(ClientError::Validation { errors }),
                })
            }
        };
        let payment = match self.get_payment(&known.id, opts.clone()).await {
            Ok(p) => p,
            Err(e) => {
                return Some(Reconciled::Failed {
                    id: Some(known.id),
                    error: ReconcileError::Client(e),
                })
            }
        };
        let fresh_text = serde_json::to_string(&payment).unwrap_or_default();
        let fresh = Json::parse(&fresh_text).unwrap_or(Json::Null);
        match reconcile::changes(&known, &fresh) {
            Ok(changed) if changed.is_empty() => None,
            Ok(changed) => Some(Reconciled::Changed {
                id: known.id,
                payment: Box::new(payment),
                changed,
            }),
            Err(message) => Some(Reconciled::Failed {
                id: Some(known.id),
                error: ReconcileError::InvalidResponse(message),
            }),
        }
    }
}
