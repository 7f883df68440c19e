//! [`Given`]: what one field of the input holds, and [`string_field`], the rule every string
//! field shares. The bottom of the rules: every rule module reads its field through these, and
//! this module imports none of them.

use super::problems::{Code, Problems};
use crate::json::Json;
use crate::strings::{is_blank, js_length};

/// What one field of the input holds, however the input arrived: a [`Json`] view (the JSON
/// path) or strings in wasm memory (the fast path, [`crate::fast`]). The rules are written once,
/// over this, so both paths apply the same ones.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Given<'s> {
    /// Absent, `undefined` or `null`.
    Absent,
    /// A string.
    Str(&'s str),
    /// A string of this many UTF-16 code units whose text was not handed over because no rule
    /// needs it (the fast path's lean encoding). The fast path checked that it is non-empty and
    /// starts with a printable, non-space ASCII character, so it is not blank.
    Sized(usize),
    /// A number (`NaN` and `±Infinity` included: the JS layer marks them, see [`crate::json`]).
    Num(f64),
    /// A JS `Date`: its ISO text, or `None` for an invalid `Date`.
    Date(Option<&'s str>),
    /// Any other value; its JS type name, for messages.
    Other(&'static str),
}

impl<'s> Given<'s> {
    /// What a [`Json`] value (or its absence) holds.
    pub fn of(value: Option<&'s Json<'_>>) -> Self {
        match value {
            None | Some(Json::Null) => Given::Absent,
            Some(Json::Str(s)) => Given::Str(s),
            Some(Json::Num(n)) => Given::Num(*n),
            Some(other) => match other.js_date() {
                Some(iso) => Given::Date(iso),
                None => Given::Other(other.type_name()),
            },
        }
    }

    /// The JS type of the value, for messages.
    pub(crate) fn type_name(self) -> &'static str {
        match self {
            Given::Absent => "null",
            Given::Str(_) | Given::Sized(_) => "string",
            Given::Num(_) => "number",
            Given::Date(Some(_)) => "a Date",
            Given::Date(None) => "an invalid Date",
            Given::Other(t) => t,
        }
    }
}

/// Checks a string field; `max` is the limit in UTF-16 code units. The value when it goes into
/// the body (an optional `""` does not): [`Given::Str`] or [`Given::Sized`].
pub(crate) fn string_field<'s>(
    p: &mut Problems,
    field: &str,
    value: Given<'s>,
    max: usize,
    required: bool,
) -> Option<Given<'s>> {
    let len = match value {
        Given::Absent => {
            if required {
                p.push(field, Code::Required, || format!("{field} is required"));
            }
            return None;
        }
        Given::Str(s) => {
            if s.is_empty() && !required {
                return None;
            }
            if required && is_blank(s) {
                p.push(field, Code::Empty, || {
                    format!("{field} must not be empty or only whitespace")
                });
                return None;
            }
            js_length(s)
        }
        Given::Sized(units) => units,
        other => {
            p.push(field, Code::InvalidType, || {
                format!("{field} must be a string, got {}", other.type_name())
            });
            return None;
        }
    };
    if len > max {
        p.push(field, Code::TooLong, || {
            format!("{field} is {len} characters long; PaySG allows at most {max}")
        });
        return None;
    }
    Some(value)
}
