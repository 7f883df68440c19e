//! The JSON-text face of [`super`] for the wasm exports (`pkg/src/reconcile.js` reads each
//! answer with `JSON.parse`), and the TypeScript declarations of `reconcile`'s data types.

use super::{changes, check_options, not_an_object, read_known};
use crate::json::{self, Json};
use crate::validate::FieldError;

/// `s` as a JSON string, or `null`.
fn json_text(s: Option<&str>) -> String {
    s.map_or_else(
        || "null".to_owned(),
        |s| serde_json::to_string(s).unwrap_or_default(),
    )
}

fn problems_json(id: Option<&str>, errors: &[FieldError]) -> String {
    format!(
        r#"{{"ok":false,"id":{},"errors":{}}}"#,
        json_text(id),
        serde_json::to_string(errors).unwrap_or_else(|_| "[]".to_owned())
    )
}

/// [`check_options`] for the JS layer: `{"ok":true,"concurrency":n}` or
/// `{"ok":false,"id":null,"errors":[…]}`.
pub fn options_text(text: &str) -> String {
    let options = json::from_js(text).unwrap_or(Json::Null);
    match check_options(&options) {
        Ok(c) => format!(r#"{{"ok":true,"concurrency":{c}}}"#),
        Err(e) => problems_json(None, &e),
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
        Ok(k) => format!(r#"{{"ok":true,"id":{}}}"#, json_text(Some(&k.id))),
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
        Ok(changed) => {
            let mut out = String::from(r#"{"ok":true,"changed":["#);
            for (i, c) in changed.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(r#"{"field":""#);
                out.push_str(c.field);
                out.push_str(r#"","before":"#);
                out.push_str(&json_text(c.before.as_deref()));
                out.push_str(r#","after":"#);
                out.push_str(&json_text(c.after.as_deref()));
                out.push('}');
            }
            out.push_str("]}");
            out
        }
        Err(m) => format!(r#"{{"ok":false,"message":{}}}"#, json_text(Some(&m))),
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

/** Options of `reconcile` (each read is the client's `getPayment`, with its retries and deadline). */
export interface ReconcileOptions {{
  /** How many payments are read at once: a whole number from 1 to {MAX_CONCURRENCY} (default {DEFAULT_CONCURRENCY}). */
  concurrency?: number;
  /** Aborting ends the run at once: the iterator rejects with the signal's reason. */
  signal?: PlatformAbortSignal;
}}
"#,
        union = union.join(" | "),
    )
}
