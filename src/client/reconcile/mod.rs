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

use crate::client::options;
use crate::json::Json;
use crate::scalar;
use crate::validate::{Code, FieldError, Given};
use serde::Serialize;

mod instant;
pub mod json_entry;

pub use instant::instant_ms;

/// How many payments are read at once unless the caller says otherwise.
pub const DEFAULT_CONCURRENCY: u32 = 4;
/// The most payments a run may read at once (a Cloudflare Worker may hold 6 connections open).
pub const MAX_CONCURRENCY: u32 = 16;

/// [`FIELDS`] as a JSON array, for the JS layer (a test checks it against [`FIELDS`]).
pub const FIELDS_JSON: &str = r#"["payment_status","latest_status","refund_status","email_delivery_status","stripe_payment_intent_id","payout_id","updated_at","payment_sent_timestamp","payment_succeeded_timestamp","payment_cancelled_timestamp","payment_fully_refunded_timestamp","paid_out_timestamp"]"#;

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
/// a value that is not a scalar) read as that type. Out of line: one copy, not one per use.
#[inline(never)]
fn given<'a>(value: Option<&'a Json<'_>>) -> Given<'a> {
    match value {
        Some(Json::Obj(e)) if e.len() == 1 && e[0].0 == scalar::TYPE_MARKER => match &e[0].1 {
            Json::Str(t) => Given::Other(scalar::type_name(t)),
            _ => Given::Other("object"),
        },
        other => Given::of(other),
    }
}

/// The problem of `field`: its message is `"{field} {rule}"`, and `", got {got}"` when `got`
/// names what was given (its type: never the value). One copy of the formatting, kept out of
/// line, so that each problem costs the module a call.
#[inline(never)]
fn problem(field: String, code: Code, rule: &str, got: Option<&str>) -> FieldError {
    let message = match got {
        Some(got) => format!("{field} {rule}, got {got}"),
        None => format!("{field} {rule}"),
    };
    FieldError::new(field, code, message)
}

/// Checks the options of a run (`{ concurrency }` as the JS layer read it, or `{ type }` when
/// they were not an object): the concurrency, [`DEFAULT_CONCURRENCY`] when not given.
///
/// # Errors
///
/// Every problem, naming the option, the rule and what was given.
pub fn check_options(o: &Json<'_>) -> Result<u32, Vec<FieldError>> {
    let mut p = Vec::new();
    if let Given::Str(t) = given(o.get("type")) {
        let message =
            format!("the reconcile options {{ concurrency, signal }} must be an object, got {t}");
        p.push(FieldError::new("", Code::InvalidType, message));
    }
    let max = u64::from(MAX_CONCURRENCY);
    let concurrency =
        options::whole_number(&mut p, "concurrency", given(o.get("concurrency")), 1, max);
    match concurrency {
        _ if !p.is_empty() => Err(p),
        Some(c) => Ok(c as u32),
        None => Ok(DEFAULT_CONCURRENCY),
    }
}

/// The problem of a stored record at position `index` that is not an object (`got`: its type).
pub fn not_an_object(index: u32, got: &str) -> FieldError {
    let rule = "must be an object (a payment as your e-service stored it: id, payment_status, latest_status, …)";
    problem(
        format!("known[{index}]"),
        Code::InvalidType,
        rule,
        Some(got),
    )
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
    match given(Some(record)) {
        Given::Other("object") => {}
        other => return Err((None, vec![not_an_object(index, other.type_name())])),
    }
    let mut p = Vec::new();
    let id = match given(record.get("id")) {
        Given::Str(s) if !s.trim().is_empty() => Some(s.to_owned()),
        other => {
            let (code, rule, got) = match other {
                Given::Absent => (
                    Code::Required,
                    "is required: the payment's id, as PaySG gave it",
                    None,
                ),
                Given::Str(_) => (
                    Code::Empty,
                    "must be the payment's id",
                    Some("an empty string"),
                ),
                other => (
                    Code::InvalidType,
                    "must be a string (the payment's id)",
                    Some(other.type_name()),
                ),
            };
            p.push(problem(format!("known[{index}].id"), code, rule, got));
            None
        }
    };
    let mut fields = Vec::new();
    for field in FIELDS {
        let value = record.get(field);
        let required = REQUIRED.contains(&field);
        let (code, rule, got) = match given(value) {
            Given::Absent if required => (
                Code::Required,
                "is required: reconcile compares it with PaySG's (store it with the payment)",
                None,
            ),
            Given::Absent if value.is_none() => continue, // not tracked
            Given::Absent => {
                fields.push((field, None));
                continue;
            }
            Given::Str(s) => {
                fields.push((field, Some(s.to_owned())));
                continue;
            }
            Given::Date(Some(iso)) if is_timestamp(field) => {
                fields.push((field, Some(iso.to_owned())));
                continue;
            }
            other => {
                let rule = if is_timestamp(field) {
                    "must be a string, a Date or null"
                } else if required {
                    "must be a string"
                } else {
                    "must be a string or null"
                };
                (Code::InvalidType, rule, Some(other.type_name()))
            }
        };
        p.push(problem(format!("known[{index}].{field}"), code, rule, got));
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
