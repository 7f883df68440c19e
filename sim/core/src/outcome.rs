//! [`Outcome`]: what an operation decided (its answer, what to store, the webhooks to send),
//! shared by the operations ([`super::ops`], [`super::create`]) and the dashboard's actions.

use super::api_response::ApiResponse;
use super::model::{Change, Event, Record};

/// What an operation decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The answer, once the change is stored.
    pub answer: ApiResponse,
    /// What to store.
    pub change: Change,
    /// Events to deliver once it is stored.
    pub events: Vec<Event>,
}

impl From<ApiResponse> for Outcome {
    fn from(answer: ApiResponse) -> Outcome {
        Outcome {
            answer,
            change: Change::default(),
            events: Vec::new(),
        }
    }
}

/// An outcome that stores `record` and answers it.
pub fn updated(record: Record, status: u16) -> Outcome {
    Outcome {
        answer: ApiResponse::json(status, &record.payment),
        change: Change {
            payments: vec![record],
            ..Change::default()
        },
        events: Vec::new(),
    }
}
