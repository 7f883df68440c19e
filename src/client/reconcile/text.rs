//! The JSON-text face of [`super`] for the wasm exports (`pkg/src/reconcile.js` reads each
//! answer with `JSON.parse`), and the TypeScript declarations of `reconcile`'s data types.

use super::{changes, check_options, not_an_object, read_known};
use crate::json::{self, Json};
use crate::validate::{Code, FieldError};

fn problems_json(id: Option<&str>, errors: &[FieldError]) -> String {
    format!(
        r#"{{"ok":false,"id":{},"errors":{}}}"#,
        serde_json::to_string(&id).unwrap_or_else(|_| "null".to_owned()),
        serde_json::to_string(errors).unwrap_or_else(|_| "[]".to_owned())
    )
}

/// [`check_options`] for the JS layer: `{"ok":true,"concurrency":n}` or
/// `{"ok":false,"id":null,"errors":[…]}`.
pub fn options_text(text: &str) -> String {
    match json::from_js(text) {
        Ok(o) => match check_options(&o) {
            Ok(c) => format!(r#"{{"ok":true,"concurrency":{c}}}"#),
            Err(e) => problems_json(None, &e),
        },
        Err(got) => problems_json(
            None,
            &[FieldError::new(
                "",
                Code::InvalidType,
                format!("the reconcile options must be an object, got {got}"),
            )],
        ),
    }
}

/// [`read_known`] for the JS layer: `{"ok":true,"id":"…"}` or
/// `{"ok":false,"id":"…"|null,"errors":[…]}`.
pub fn known_text(text: &str, index: u32) -> String {
    let record = match json::from_js(text) {
        Ok(r) => r,
        Err(got) => return problems_json(None, &[not_an_object(index, &got)]),
    };
    match read_known(&record, index) {
        Ok(k) => format!(
            r#"{{"ok":true,"id":{}}}"#,
            serde_json::to_string(&k.id).unwrap_or_default()
        ),
        Err((id, e)) => problems_json(id.as_deref(), &e),
    }
}

/// [`changes`] for the JS layer: `{"ok":true,"changed":[{ field, before, after }…]}` or
/// `{"ok":false,"message":"…"}`.
pub fn changes_text(known: &str, fresh: &str, index: u32) -> String {
    let record = json::from_js(known).unwrap_or(Json::Null);
    let fresh = json::from_js(fresh).unwrap_or(Json::Null);
    let outcome = match read_known(&record, index) {
        Ok(k) => changes(&k, &fresh),
        Err((_, e)) => Err(e.first().map_or_else(String::new, |e| e.message.clone())),
    };
    match outcome {
        Ok(c) => format!(
            r#"{{"ok":true,"changed":{}}}"#,
            serde_json::to_string(&c).unwrap_or_else(|_| "[]".to_owned())
        ),
        Err(m) => format!(
            r#"{{"ok":false,"message":{}}}"#,
            serde_json::to_string(&m).unwrap_or_default()
        ),
    }
}

/// The TypeScript declarations of `reconcile`'s data types, from [`super::FIELDS`] and the
/// limits (the build puts them into the package's `index.d.ts`, with the other generated types).
pub fn typescript() -> String {
    use super::{is_timestamp, DEFAULT_CONCURRENCY, FIELDS, MAX_CONCURRENCY, REQUIRED};
    let union: Vec<String> = FIELDS.iter().map(|f| format!("{f:?}")).collect();
    let mut known = String::new();
    for f in FIELDS {
        let (optional, ty) = match (REQUIRED.contains(&f), is_timestamp(f)) {
            (true, _) => ("", "string"),
            (false, true) => ("?", "string | Date | null"),
            (false, false) => ("?", "string | null"),
        };
        known += &format!("  {f}{optional}: {ty};\n");
    }
    format!(
        r#"/** A payment field `reconcile` compares: the fields PaySG may change after creation. */
export type ReconcileField = {union};

/** One field PaySG has changed: what the e-service stored (a `Date` as its ISO text) and what PaySG says now. */
export interface ReconcileChange {{
  field: ReconcileField;
  before: string | null;
  after: string | null;
}}

/**
 * A payment as the e-service stored it. Only its own properties are read; of the fields below,
 * only those it has are compared (leave out what you do not track). Timestamps compare as
 * instants (`…Z` equals PaySG's `…+08:00`). Other properties are ignored.
 */
export interface KnownPayment {{
  /** The payment's id. */
  id: string;
{known}  [other: string]: unknown;
}}

/** Options of `reconcile`; the call options are applied to each `getPayment`. */
export interface ReconcileOptions {{
  /** How many payments are read at once: a whole number from 1 to {MAX_CONCURRENCY} (default {DEFAULT_CONCURRENCY}). */
  concurrency?: number;
  /** Aborting ends the run at once: the iterator rejects with the signal's reason. */
  signal?: PlatformAbortSignal;
  /** Another payment service than the client's. */
  paymentServiceId?: string;
  /** Deadline of each read, retries included, in ms. */
  timeoutMs?: number;
  /** Time one attempt of a read may take, in ms. */
  attemptTimeoutMs?: number;
  /** Retries of each read after its first attempt. */
  maxRetries?: number;
}}
"#,
        union = union.join(" | "),
    )
}
