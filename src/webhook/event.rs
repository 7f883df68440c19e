//! The body of a verified webhook: a PaySG event, its payment normalised to snake_case (older
//! PaySG docs show camelCase inside `data.object`).

use super::failure::{fail, Failure, Reason};
use crate::json::Json;
use std::borrow::Cow;
use std::fmt::Write as _;

/// Checks that a verified body is a PaySG event and normalises its payment to snake_case.
pub(super) fn event(body: &[u8]) -> Result<Option<String>, Failure> {
    let invalid = |why: &str| {
        fail(
            Reason::InvalidPayload,
            format!("the webhook verified, but its body is not a PaySG event: {why}"),
        )
    };
    let text = std::str::from_utf8(body).map_err(|_| invalid("it is not UTF-8"))?;
    let json = Json::parse(text).map_err(|_| invalid("it is not JSON"))?;
    if !matches!(json, Json::Obj(_)) {
        return Err(invalid("it is not a JSON object"));
    }
    if !matches!(json.get("id"), Some(Json::Str(_)))
        || !matches!(json.get("type"), Some(Json::Str(_)))
    {
        return Err(invalid("it has no string id and type"));
    }
    let Some(data @ Json::Obj(_)) = json.get("data") else {
        return Err(invalid("it has no data object"));
    };
    let Some(Json::Obj(object)) = data.get("object") else {
        return Err(invalid("it has no data.object"));
    };
    if !object
        .iter()
        .any(|(k, _)| k.bytes().any(|c| c.is_ascii_uppercase()))
    {
        return Ok(None);
    }
    let mut out = String::with_capacity(text.len() + 32);
    write_json(&json, &mut out, 0);
    Ok(Some(out))
}

/// `dueDate` → `due_date`; `stripe_payment_intentId` → `stripe_payment_intent_id`.
pub fn snake_case(key: &str) -> Cow<'_, str> {
    if !key.bytes().any(|c| c.is_ascii_uppercase()) {
        return Cow::Borrowed(key);
    }
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn write_str(s: &str, out: &mut String) {
    out.push_str(&serde_json::to_string(s).unwrap_or_default());
}

/// Writes JSON; at depth 2 under `data.object` (the payment), keys become snake_case, except
/// inside `metadata` (the agency's own keys).
fn write_json(v: &Json<'_>, out: &mut String, path: u8) {
    // path: 0 = event, 1 = data, 2 = payment, 3 = below (keys kept)
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => {
            let _ = write!(out, "{}", *n as i64);
        }
        Json::Num(n) => {
            out.push_str(&serde_json::to_string(n).unwrap_or_else(|_| "null".to_owned()))
        }
        Json::Str(s) => write_str(s, out),
        Json::Arr(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out, 3);
            }
            out.push(']');
        }
        Json::Obj(entries) => {
            out.push('{');
            for (i, (k, val)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let key = if path == 2 {
                    snake_case(k)
                } else {
                    Cow::Borrowed(k.as_ref())
                };
                write_str(&key, out);
                out.push(':');
                let next = match (path, key.as_ref()) {
                    (0, "data") => 1,
                    (1, "object") => 2,
                    _ => 3,
                };
                write_json(val, out, next);
            }
            out.push('}');
        }
    }
}
