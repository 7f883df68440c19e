//! The `metadata` rule: an object of at most 10 string keys (1–40 characters) to string values
//! (at most 255), always sent (`{}` when absent).

use super::given::Given;
use super::problems::{Code, Problems};
use crate::json::Json;
use crate::strings::{is_blank, js_length, shown_key};
use std::borrow::Cow;

/// The most entries in `metadata`.
pub const METADATA_MAX_ENTRIES: usize = 10;
/// The most characters in a `metadata` key.
pub const METADATA_KEY_MAX: usize = 40;
/// The most characters in a `metadata` value.
pub const METADATA_VALUE_MAX: usize = 255;

/// What `metadata` holds, however the input arrived.
#[derive(Debug, Clone, Copy)]
pub(crate) enum MetadataGiven<'j, 's> {
    /// Not an object (or absent): what [`Given`] says.
    Value(Given<'s>),
    /// An object read from JSON, entries in order.
    Entries(&'j [(Cow<'s, str>, Json<'s>)]),
    /// An object of strings (the fast path): keys and values as [`Given::Str`] or
    /// [`Given::Sized`].
    Strings(&'j [(Given<'s>, Given<'s>)]),
}

impl<'j> MetadataGiven<'j, 'j> {
    /// What a [`Json`] value (or its absence) holds.
    pub(crate) fn of(value: Option<&'j Json<'j>>) -> Self {
        match value {
            Some(Json::Obj(entries)) if value.and_then(Json::js_date).is_none() => {
                MetadataGiven::Entries(entries)
            }
            other => MetadataGiven::Value(Given::of(other)),
        }
    }
}

/// Checks `metadata` (named `field`).
pub(crate) fn metadata_field(p: &mut Problems, field: &str, value: MetadataGiven<'_, '_>) {
    let count = match value {
        MetadataGiven::Value(Given::Absent) => return,
        MetadataGiven::Value(other) => {
            p.push(field, Code::InvalidType, || {
                format!(
                    "{field} must be an object of string values, got {}",
                    other.type_name()
                )
            });
            return;
        }
        MetadataGiven::Entries(e) => e.len(),
        MetadataGiven::Strings(e) => e.len(),
    };
    if count > METADATA_MAX_ENTRIES {
        p.push(field, Code::TooManyEntries, || {
            format!("{field} has {count} entries; PaySG allows at most {METADATA_MAX_ENTRIES}")
        });
    }
    match value {
        MetadataGiven::Entries(e) => {
            for (k, v) in e {
                entry(p, field, Given::Str(k), Given::of(Some(v)));
            }
        }
        MetadataGiven::Strings(e) => {
            for (k, v) in e {
                entry(p, field, *k, *v);
            }
        }
        MetadataGiven::Value(_) => {}
    }
}

fn entry(p: &mut Problems, field: &str, key: Given<'_>, value: Given<'_>) {
    let (key_len, key_text) = match key {
        Given::Str(k) => (Some(js_length(k)).filter(|_| !is_blank(k)), k),
        Given::Sized(units) => (Some(units), "?"),
        _ => (None, "?"),
    };
    let path = || format!("{field}.{}", shown_key(key_text));
    match key_len {
        None => p.push_at(path, Code::Empty, || {
            format!("{field} keys must not be empty or only whitespace")
        }),
        Some(len) if len > METADATA_KEY_MAX => p.push_at(path, Code::TooLong, || {
            format!("{field} key is {len} characters long; PaySG allows at most {METADATA_KEY_MAX}")
        }),
        Some(_) => {}
    }
    let value_len = match value {
        Given::Str(v) => js_length(v),
        Given::Sized(units) => units,
        other => {
            p.push_at(path, Code::InvalidType, || {
                format!("{field} values must be strings, got {}", other.type_name())
            });
            return;
        }
    };
    if value_len > METADATA_VALUE_MAX {
        p.push_at(path, Code::TooLong, || {
            format!("{field} value is {value_len} characters long; PaySG allows at most {METADATA_VALUE_MAX}")
        });
    }
}
