//! The problem codes and how problems are collected: every validation reports `{ field, code,
//! message }` for each problem it finds, all at once.

use serde::{Serialize, Serializer};

/// The stable set of problem codes. Their strings are part of the public API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Code {
    /// A required field is missing, `undefined` or `null`.
    Required,
    /// The value has the wrong type (a number where a string is needed, `NaN` as an amount, …).
    InvalidType,
    /// A required string is empty or only whitespace.
    Empty,
    /// A string is longer than PaySG allows.
    TooLong,
    /// An amount is not a whole number of cents.
    NotInteger,
    /// A number is outside the allowed range.
    OutOfRange,
    /// Not an email address.
    InvalidEmail,
    /// A string does not have the required format.
    InvalidFormat,
    /// A well-formed date that does not exist (`31-APR-2024`, `29-FEB-2023`).
    InvalidDate,
    /// Not an absolute URL.
    InvalidUrl,
    /// An absolute URL whose scheme is not `https`.
    NotHttps,
    /// An object with more entries than allowed.
    TooManyEntries,
    /// A field PaySG does not accept (often a typo).
    UnknownField,
    /// Payer text with a character PaySG refuses (it takes only ASCII there).
    NonAscii,
}

impl Code {
    /// Every code, in documentation order. The fast path sends a code as its index here.
    pub const ALL: [Code; 14] = [
        Code::Required,
        Code::InvalidType,
        Code::Empty,
        Code::TooLong,
        Code::NotInteger,
        Code::OutOfRange,
        Code::InvalidEmail,
        Code::InvalidFormat,
        Code::InvalidDate,
        Code::InvalidUrl,
        Code::NotHttps,
        Code::TooManyEntries,
        Code::UnknownField,
        Code::NonAscii,
    ];

    /// The code's stable string, e.g. `"too_long"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Required => "required",
            Code::InvalidType => "invalid_type",
            Code::Empty => "empty",
            Code::TooLong => "too_long",
            Code::NotInteger => "not_integer",
            Code::OutOfRange => "out_of_range",
            Code::InvalidEmail => "invalid_email",
            Code::InvalidFormat => "invalid_format",
            Code::InvalidDate => "invalid_date",
            Code::InvalidUrl => "invalid_url",
            Code::NotHttps => "not_https",
            Code::TooManyEntries => "too_many_entries",
            Code::UnknownField => "unknown_field",
            Code::NonAscii => "non_ascii",
        }
    }

    /// What the code means, for people: the README's table and the TypeScript docs are
    /// generated from this.
    pub fn meaning(self) -> &'static str {
        match self {
            Code::Required => "missing, `undefined` or `null`",
            Code::InvalidType => {
                "wrong type (a number where a string is needed, a `BigInt`, a `Date` where only \
                 `due_date` takes one, an invalid `Date`, `NaN` as an amount, a non-object input)"
            }
            Code::Empty => "a required string that is empty or only whitespace",
            Code::TooLong => {
                "longer than PaySG allows (the message gives the length and the limit)"
            }
            Code::NotInteger => "an amount that is not a whole number of cents",
            Code::OutOfRange => {
                "a number outside its range (`Infinity` too), or line items adding up to more \
                 than S$200,000"
            }
            Code::InvalidEmail => "not an email address",
            Code::InvalidFormat => "a date, id or key in the wrong format",
            Code::InvalidDate => {
                "a well-formed date that does not exist (`29-FEB-2023`, `31-APR-2024`)"
            }
            Code::InvalidUrl => "not an absolute URL",
            Code::NotHttps => "an absolute URL that is not `https`",
            Code::TooManyEntries => "`metadata` with more than 10 entries",
            Code::UnknownField => {
                "a field PaySG does not accept (usually a typo, such as `amount`)"
            }
            Code::NonAscii => {
                "`payer_name` or `payer_address` with a character outside ASCII, which PaySG \
                 refuses (the message names the character and its index in UTF-16 code units; \
                 `normaliseText: true` maps the common ones first)"
            }
        }
    }

    /// The code at `index` in [`Code::ALL`].
    pub fn from_index(index: usize) -> Option<Code> {
        Code::ALL.get(index).copied()
    }

    /// This code's index in [`Code::ALL`].
    pub fn index(self) -> usize {
        // `ALL` lists every variant, so the search always succeeds.
        Code::ALL.iter().position(|c| *c == self).unwrap_or(0)
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One problem with an input: `{ field, code, message }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "contract", derive(tsify::Tsify))]
pub struct FieldError {
    /// The wire name of the field, with a path for nested values (`metadata.branch_code`,
    /// `line_items[0].description`); `""` for the input as a whole. Request options use their
    /// option names (`apiKey`, `paymentServiceId`, `timeoutMs`, …).
    pub field: String,
    /// What is wrong, from a small stable set.
    #[cfg_attr(feature = "contract", tsify(type = "FieldErrorCode"))]
    pub code: Code,
    /// A sentence a person can act on, naming the rule and the limit (never the value).
    pub message: String,
}

impl FieldError {
    /// A problem with `field`.
    pub fn new(field: impl Into<String>, code: Code, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            code,
            message: message.into(),
        }
    }
}

/// Collects the problems a validation finds. Counting only (the fast path's first run) skips
/// building field paths and messages: it only has to know whether there is any problem.
pub(crate) struct Problems {
    list: Vec<FieldError>,
    collect: bool,
    found: bool,
    missing_text: bool,
}

impl Problems {
    /// Keeps every problem with its message.
    pub(crate) fn collecting() -> Self {
        Problems {
            list: Vec::new(),
            collect: true,
            found: false,
            missing_text: false,
        }
    }

    /// Only notes that there was a problem.
    pub(crate) fn counting() -> Self {
        Problems {
            collect: false,
            ..Problems::collecting()
        }
    }

    /// A problem with `field`; the message is built only when problems are collected.
    pub(crate) fn push(&mut self, field: &str, code: Code, message: impl FnOnce() -> String) {
        self.push_at(|| field.to_owned(), code, message);
    }

    /// Like [`Problems::push`], with the field path built only when needed.
    pub(crate) fn push_at(
        &mut self,
        field: impl FnOnce() -> String,
        code: Code,
        message: impl FnOnce() -> String,
    ) {
        self.found = true;
        if self.collect {
            self.list.push(FieldError::new(field(), code, message()));
        }
    }

    /// A rule needed the text of a string that was passed by length only: the input counts as
    /// invalid and the caller must hand the text over to get an answer.
    pub(crate) fn need_text(&mut self) {
        self.found = true;
        self.missing_text = true;
    }

    /// Whether nothing was found.
    pub(crate) fn is_empty(&self) -> bool {
        !self.found
    }

    /// Whether a rule needed text that was not handed over.
    pub(crate) fn missing_text(&self) -> bool {
        self.missing_text
    }

    /// The problems found (empty when only counting).
    pub(crate) fn into_list(self) -> Vec<FieldError> {
        self.list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_through_their_index_and_serialise_as_their_string() {
        for (i, c) in Code::ALL.iter().enumerate() {
            assert_eq!(c.index(), i);
            assert_eq!(Code::from_index(i), Some(*c));
            assert_eq!(
                serde_json::to_string(c).ok(),
                Some(format!("\"{}\"", c.as_str()))
            );
            assert!(!c.meaning().is_empty());
        }
        assert_eq!(Code::from_index(Code::ALL.len()), None);
    }
}
