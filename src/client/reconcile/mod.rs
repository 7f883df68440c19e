//! Reconciliation's decisions, without I/O: which fields of a payment differ between what an
//! e-service stored and what PaySG returns now ([`changes`]), whether a stored record can be
//! reconciled at all ([`read_known`]), and the options of a run ([`check_options`]). The JS
//! layer (`pkg/src/reconcile.js`) reads the records, runs the `GET`s with bounded concurrency
//! and yields what these functions decide.
//!
//! Only the fields a record has are compared, so an e-service that does not track payouts is
//! not told about them; of PaySG's payment object, only the fields PaySG changes after
//! creation ([`FIELDS`]) are compared. Timestamps are compared as instants when both sides
//! read as ISO-8601 date-times with an offset (a database may hand back
//! `2023-08-03T09:36:52.634Z` for PaySG's `2023-08-03T17:36:52.634+08:00`, or a JS `Date`).
//!
//! [`text`] is the JSON-text face of these functions for the wasm exports, and the TypeScript
//! declarations of `reconcile`'s data types.

use crate::client::options::{self, Options};
use crate::json::Json;
use crate::loose::{self, Scalar};
use crate::request;
use crate::validate::{Code, FieldError, Given};
use serde::Serialize;

mod instant;
pub mod text;

pub use instant::instant_ms;

/// How many payments are read at once unless the caller says otherwise.
pub const DEFAULT_CONCURRENCY: u32 = 4;
/// The most payments a run may read at once (a Cloudflare Worker may hold 6 connections open).
pub const MAX_CONCURRENCY: u32 = 16;

/// The payment fields PaySG may change after creation, in the payment object's order: the ones
/// reconciliation compares (each only when the stored record has it).
pub const FIELDS: [&str; 12] = [
    "payment_status",
    "latest_status",
    "refund_status",
    "email_delivery_status",
    "stripe_payment_intent_id",
    "payout_id",
    "updated_at",
    "payment_sent_timestamp",
    "payment_succeeded_timestamp",
    "payment_cancelled_timestamp",
    "payment_fully_refunded_timestamp",
    "paid_out_timestamp",
];

/// The fields every stored record must have: without them a record could never be told it
/// changed (a record with the wrong column names would be silently "unchanged" forever).
pub const REQUIRED: [&str; 2] = ["payment_status", "latest_status"];

/// Whether `field` holds a timestamp (compared as an instant; a JS `Date` is accepted).
pub fn is_timestamp(field: &str) -> bool {
    field == "updated_at" || field.ends_with("_timestamp")
}

/// One field that differs: its stored value and PaySG's (`None` for `null`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The field's wire name (one of [`FIELDS`]).
    pub field: &'static str,
    /// What the e-service stored (a `Date` as its ISO text).
    pub before: Option<String>,
    /// What PaySG returns now.
    pub after: Option<String>,
}

/// A stored record that can be reconciled: its id and the fields it tracks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    /// The payment's id.
    pub id: String,
    /// Each field of [`FIELDS`] the record has, with its value (`None` for `null`).
    pub fields: Vec<(&'static str, Option<String>)>,
}

/// A value as the rules see it, with the JS layer's type marker (`{"\0type": …}`, written for
/// a value that is not a scalar) read as that type.
fn given<'a>(value: Option<&'a Json<'_>>) -> Given<'a> {
    match value {
        Some(Json::Obj(e)) if e.len() == 1 && e[0].0 == loose::TYPE_MARKER => match &e[0].1 {
            Json::Str(t) => Given::Other(loose::type_name(t)),
            _ => Given::Other("object"),
        },
        other => Given::of(other),
    }
}

/// The same as a [`Scalar`], for the client's option rules.
fn scalar(value: Option<&Json<'_>>) -> Scalar {
    match given(value) {
        Given::Absent => Scalar::Absent,
        Given::Str(s) => Scalar::Str(s.to_owned()),
        Given::Num(n) => Scalar::Num(n),
        other => Scalar::Other(other.type_name()),
    }
}

/// Checks the options of a run (`{ concurrency, paymentServiceId, timeoutMs,
/// attemptTimeoutMs, maxRetries }`, as the JS layer read them; `{ type }` when they were not an
/// object). The call options follow `getPayment`'s rules, which each read applies again.
///
/// # Errors
///
/// Every problem, naming the option, the rule and what was given.
pub fn check_options(o: &Json<'_>) -> Result<u32, Vec<FieldError>> {
    let opts = Options {
        payment_service_id: scalar(o.get("paymentServiceId")),
        timeout_ms: scalar(o.get("timeoutMs")),
        attempt_timeout_ms: scalar(o.get("attemptTimeoutMs")),
        max_retries: scalar(o.get("maxRetries")),
        given_as: scalar(o.get("type")),
        ..Options::default()
    };
    let mut p = Vec::new();
    opts.check_shape(
        &mut p,
        "the reconcile options { concurrency, signal, paymentServiceId, timeoutMs, … }",
    );
    request::payment_service_id(&mut p, opts.payment_service_id.given(), false);
    options::limits(&mut p, &opts);
    let concurrency = options::whole_number(
        &mut p,
        "concurrency",
        given(o.get("concurrency")),
        1,
        u64::from(MAX_CONCURRENCY),
    );
    if p.is_empty() {
        Ok(concurrency.map_or(DEFAULT_CONCURRENCY, |c| c as u32))
    } else {
        Err(p)
    }
}

/// The problem of a stored record at position `index` that is not an object (`got`: its type).
pub fn not_an_object(index: u32, got: &str) -> FieldError {
    let at = format!("known[{index}]");
    let message = format!("{at} must be an object (a payment as your e-service stored it: id, payment_status, latest_status, …), got {got}");
    FieldError::new(at, Code::InvalidType, message)
}

/// Reads the stored record at position `index` of `known` (the JS layer's copy of its own
/// `id` and [`FIELDS`]): its id and the fields it tracks.
///
/// # Errors
///
/// Its id when it has a usable one, and every problem: no object, no `id`, a missing
/// [`REQUIRED`] field, a value that is neither a string nor `null` (nor a `Date`, for a
/// timestamp). Values are never shown, only their types.
pub fn read_known(
    record: &Json<'_>,
    index: u32,
) -> Result<Known, (Option<String>, Vec<FieldError>)> {
    let at = format!("known[{index}]");
    match given(Some(record)) {
        Given::Other("object") => {}
        other => return Err((None, vec![not_an_object(index, other.type_name())])),
    }
    let mut p = Vec::new();
    let name = format!("{at}.id");
    let id = match given(record.get("id")) {
        Given::Str(s) if !s.trim().is_empty() => Some(s.to_owned()),
        Given::Str(_) => {
            p.push(FieldError::new(
                &name,
                Code::Empty,
                format!("{name} must be the payment's id, got an empty string"),
            ));
            None
        }
        Given::Absent => {
            p.push(FieldError::new(
                &name,
                Code::Required,
                format!("{name} is required: the payment's id, as PaySG gave it"),
            ));
            None
        }
        other => {
            let got = other.type_name();
            p.push(FieldError::new(
                &name,
                Code::InvalidType,
                format!("{name} must be a string (the payment's id), got {got}"),
            ));
            None
        }
    };
    let mut fields = Vec::new();
    for field in FIELDS {
        let name = format!("{at}.{field}");
        let required = REQUIRED.contains(&field);
        let value = record.get(field);
        let v = match given(value) {
            Given::Absent if required => {
                let message = format!("{name} is required: reconcile compares it with PaySG's (store it with the payment)");
                p.push(FieldError::new(name, Code::Required, message));
                continue;
            }
            Given::Absent if value.is_none() => continue, // not tracked
            Given::Absent => None,
            Given::Str(s) => Some(s.to_owned()),
            Given::Date(Some(iso)) if is_timestamp(field) => Some(iso.to_owned()),
            other => {
                let what = if is_timestamp(field) {
                    "a string, a Date or null"
                } else if required {
                    "a string"
                } else {
                    "a string or null"
                };
                let message = format!("{name} must be {what}, got {}", other.type_name());
                p.push(FieldError::new(name, Code::InvalidType, message));
                continue;
            }
        };
        fields.push((field, v));
    }
    match id {
        Some(id) if p.is_empty() => Ok(Known { id, fields }),
        id => Err((id, p)),
    }
}

/// The fields of `known` whose value differs in `fresh`, PaySG's payment now, in [`FIELDS`]
/// order (empty when nothing changed). A field `fresh` lacks reads as `null`.
///
/// # Errors
///
/// A sentence when `fresh` is not a payment object, is another payment, or holds a compared
/// field that is neither a string nor `null`.
pub fn changes(known: &Known, fresh: &Json<'_>) -> Result<Vec<Change>, String> {
    let id = &known.id;
    if !matches!(fresh, Json::Obj(_)) {
        return Err(format!(
            "PaySG's answer for payment {id} is not a payment object"
        ));
    }
    match fresh.get("id") {
        Some(Json::Str(s)) if s == id => {}
        _ => {
            return Err(format!(
                "PaySG's answer for payment {id} is another payment"
            ))
        }
    }
    let mut out = Vec::new();
    for (field, before) in &known.fields {
        let after = match fresh.get(field) {
            None | Some(Json::Null) => None,
            Some(Json::Str(s)) => Some(s.to_string()),
            Some(other) => {
                return Err(format!(
                    "PaySG's payment {id} has a {field} of type {}, not a string or null",
                    other.type_name()
                ))
            }
        };
        if !same(field, before.as_deref(), after.as_deref()) {
            out.push(Change {
                field,
                before: before.clone(),
                after,
            });
        }
    }
    Ok(out)
}

/// Whether a stored value and PaySG's are the same (timestamps: the same instant).
fn same(field: &str, before: Option<&str>, after: Option<&str>) -> bool {
    match (before, after) {
        (None, None) => true,
        (Some(a), Some(b)) if a == b => true,
        (Some(a), Some(b)) if is_timestamp(field) => {
            matches!((instant_ms(a), instant_ms(b)), (Some(x), Some(y)) if x == y)
        }
        _ => false,
    }
}
