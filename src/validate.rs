//! Validation and normalisation of the create-payment and refund bodies, to PaySG's documented
//! rules (`paysg-api.md` §6.1 and §10), reporting every problem at once.
//!
//! Rules and choices (also in the README's "Validation" section):
//!
//! * Lengths count UTF-16 code units, as JavaScript's `String.prototype.length` does (PaySG's
//!   server is a Node.js service): a character outside the Basic Multilingual Plane, such as an
//!   emoji, counts 2. This never accepts a value that a JS-length check would refuse.
//! * Strings are sent exactly as given: nothing is trimmed. A required string that is empty or
//!   only whitespace is refused (`empty`).
//! * An optional field that is absent, `null` or `""` is left out of the body (never sent as
//!   `null`). `metadata` is always sent, as `{}` when absent (PaySG needs the object present).
//! * No type coercion: `"1100"` is not a number and `123` is not a metadata string.
//! * Messages name the field, the rule and the limit, never the value (values are often personal
//!   data and messages end up in logs).

use crate::dates::{self, Date, DateError};
use crate::json::Json;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use std::borrow::Cow;
use std::fmt::Write as _;

/// The most characters (UTF-16 code units) in `reference_id`.
pub const REFERENCE_ID_MAX: usize = 255;
/// The most characters in `payer_name`.
pub const PAYER_NAME_MAX: usize = 255;
/// The most characters in `payer_address`.
pub const PAYER_ADDRESS_MAX: usize = 255;
/// The most characters in `payer_identifier` (the guide's 10; Plumber allows 20, see §18 C3).
pub const PAYER_IDENTIFIER_MAX: usize = 10;
/// The most characters in `payer_email`.
pub const PAYER_EMAIL_MAX: usize = 255;
/// The most characters in `description`.
pub const DESCRIPTION_MAX: usize = 500;
/// The smallest `amount_in_cents` (S$0.01).
pub const AMOUNT_MIN: u32 = 1;
/// The largest `amount_in_cents` (S$999,999.99; the guide's S$200,000 is a business limit that
/// PaySG can lift, see §18 C1).
pub const AMOUNT_MAX: u32 = 99_999_999;
/// The most entries in `metadata`.
pub const METADATA_MAX_ENTRIES: usize = 10;
/// The most characters in a `metadata` key.
pub const METADATA_KEY_MAX: usize = 40;
/// The most characters in a `metadata` value.
pub const METADATA_VALUE_MAX: usize = 255;
/// The most characters in a line item's `description`.
pub const LINE_ITEM_DESCRIPTION_MAX: usize = 255;
/// The largest sum of all line items' `amount_in_cents` (S$200,000).
pub const LINE_ITEMS_TOTAL_MAX: u64 = 20_000_000;

/// The stable set of problem codes. Their strings are part of the public API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Code {
    /// A required field is missing, `undefined` or `null`.
    Required,
    /// The value has the wrong type (a number where a string is needed, …).
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
}

impl Code {
    /// Every code, in documentation order.
    pub const ALL: [Code; 13] = [
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
        }
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One problem with an input: `{ field, code, message }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The wire name of the field, with a path for nested values (`metadata.branch_code`,
    /// `line_items[0].description`); `""` for the input as a whole.
    pub field: String,
    /// What is wrong, from the stable set [`Code`].
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

/// A line item, as sent to PaySG.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineItem<'a> {
    /// What the item is, at most [`LINE_ITEM_DESCRIPTION_MAX`] characters.
    pub description: Cow<'a, str>,
    /// The item's amount in cents.
    pub amount_in_cents: u32,
}

/// A valid, normalised create-payment body. Serialises to exactly the JSON sent to PaySG, fields
/// in the order of PaySG's reference, optional fields left out when absent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CreatePayment<'a> {
    /// The agency's own reference.
    pub reference_id: Cow<'a, str>,
    /// The payer's name.
    pub payer_name: Cow<'a, str>,
    /// The payer's address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payer_address: Option<Cow<'a, str>>,
    /// NRIC, UEN or similar.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payer_identifier: Option<Cow<'a, str>>,
    /// Where the payment link and receipt go.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payer_email: Option<Cow<'a, str>>,
    /// Shown to the payer.
    pub description: Cow<'a, str>,
    /// Amount due, in cents.
    pub amount_in_cents: u32,
    /// `dd-MMM-yyyy`, upper-case month.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_date: Option<String>,
    /// String keys to string values, in the order given.
    #[serde(serialize_with = "serialize_pairs")]
    pub metadata: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    /// Line items, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_items: Option<Vec<LineItem<'a>>>,
    /// Where PaySG sends the payer after payment (https).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_url: Option<Cow<'a, str>>,
}

/// Serialises `(key, value)` pairs as a JSON object, in order.
pub(crate) fn serialize_pairs<K: Serialize, V: Serialize, S: Serializer>(
    pairs: &[(K, V)],
    s: S,
) -> Result<S::Ok, S::Error> {
    let mut map = s.serialize_map(Some(pairs.len()))?;
    for (k, v) in pairs {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

impl CreatePayment<'_> {
    /// The JSON body for PaySG.
    pub fn to_json(&self) -> String {
        // Serialising plain strings and integers into a String cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// A valid refund body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Refund {
    /// Amount to refund, in cents.
    pub refund_amount_in_cents: u32,
}

/// The fields of a create-payment body, in documentation order.
pub const CREATE_PAYMENT_FIELDS: [&str; 11] = [
    "reference_id",
    "payer_name",
    "payer_address",
    "payer_identifier",
    "payer_email",
    "description",
    "amount_in_cents",
    "due_date",
    "metadata",
    "line_items",
    "return_url",
];

/// The index of a create-payment field in [`CREATE_PAYMENT_FIELDS`].
fn field_index(key: &str) -> Option<usize> {
    Some(match key {
        "reference_id" => 0,
        "payer_name" => 1,
        "payer_address" => 2,
        "payer_identifier" => 3,
        "payer_email" => 4,
        "description" => 5,
        "amount_in_cents" => 6,
        "due_date" => 7,
        "metadata" => 8,
        "line_items" => 9,
        "return_url" => 10,
        _ => return None,
    })
}

/// Length as JavaScript counts it (UTF-16 code units).
pub fn js_length(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().map(char::len_utf16).sum()
    }
}

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
    /// needs it (the fast path's lean encoding): it is non-empty and starts with a printable,
    /// non-space ASCII character, so it is not blank.
    Sized(usize),
    /// A number.
    Num(f64),
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
            Some(other) => Given::Other(other.type_name()),
        }
    }

    fn type_name(self) -> &'static str {
        match self {
            Given::Absent => "null",
            Given::Str(_) | Given::Sized(_) => "string",
            Given::Num(_) => "number",
            Given::Other(t) => t,
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
            list: Vec::new(),
            collect: false,
            found: false,
            missing_text: false,
        }
    }

    fn push(&mut self, field: &str, code: Code, message: impl FnOnce() -> String) {
        self.push_at(|| field.to_owned(), code, message);
    }

    fn push_at(
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

    /// A rule needed the text of a [`Given::Sized`] string: the input counts as invalid and
    /// the caller must hand the text over to get an answer.
    fn need_text(&mut self) {
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

/// Keys from user input, shortened for use in a path or message.
fn shown_key(key: &str) -> Cow<'_, str> {
    const MAX: usize = 64;
    match key.char_indices().nth(MAX) {
        Some((i, _)) => Cow::Owned(format!("{}…", &key[..i])),
        None => Cow::Borrowed(key),
    }
}

/// Whether `s` is empty or only (Unicode) whitespace, quickly for the usual case.
fn is_blank(s: &str) -> bool {
    match s.as_bytes().first() {
        Some(c) if c.is_ascii_graphic() => false,
        _ => s.trim().is_empty(),
    }
}

/// Checks a string field; `max` is the limit in UTF-16 code units. The value when it goes into
/// the body (an optional `""` does not): [`Given::Str`] or [`Given::Sized`].
fn string_field<'s>(
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

/// The text of a string field whose rule reads it.
fn text_of<'s>(p: &mut Problems, value: Option<Given<'s>>) -> Option<&'s str> {
    match value? {
        Given::Str(s) => Some(s),
        _ => {
            p.need_text();
            None
        }
    }
}

/// Formats cents as dollars for messages: `99999999` → `S$999,999.99`.
fn dollars(cents: u64) -> String {
    let whole = (cents / 100).to_string();
    let mut out = String::from("S$");
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    let _ = write!(out, ".{:02}", cents % 100);
    out
}

/// Formats an integer with thousands separators: `20000000` → `20,000,000`.
fn grouped(n: u64) -> String {
    dollars(n * 100)
        .trim_start_matches("S$")
        .trim_end_matches(".00")
        .to_owned()
}

/// An integral number for a message, without pulling float formatting into the module.
fn shown_integer(n: f64) -> String {
    if n.abs() < 1e15 {
        (n as i64).to_string()
    } else if n > 0.0 {
        "more than 10^15".to_owned()
    } else {
        "less than -10^15".to_owned()
    }
}

/// Checks an amount in cents, an integer in `min..=max`.
fn amount_field(
    p: &mut Problems,
    field: &str,
    value: Given<'_>,
    min: u32,
    max: u32,
) -> Option<u32> {
    match value {
        Given::Absent => {
            p.push(field, Code::Required, || format!("{field} is required"));
            None
        }
        Given::Num(n) => {
            if n.fract() != 0.0 {
                p.push(field, Code::NotInteger, || {
                    format!("{field} must be a whole number of cents (S$1.50 is 150)")
                });
                None
            } else if n < f64::from(min) || n > f64::from(max) {
                p.push(field, Code::OutOfRange, || {
                    format!(
                        "{field} must be from {} to {} cents ({} to {}), got {}",
                        grouped(u64::from(min)),
                        grouped(u64::from(max)),
                        dollars(u64::from(min)),
                        dollars(u64::from(max)),
                        shown_integer(n),
                    )
                });
                None
            } else {
                Some(n as u32)
            }
        }
        other => {
            p.push(field, Code::InvalidType, || {
                format!(
                    "{field} must be a number (whole cents), got {}",
                    other.type_name()
                )
            });
            None
        }
    }
}

/// Byte classes for the one-pass checks: a lookup per byte instead of a chain of comparisons.
const SCHEME: u8 = 1;
const HOST: u8 = 2;
const PRINTABLE: u8 = 4;
const ATEXT: u8 = 8;
const LDH: u8 = 16;
const ALPHA: u8 = 32;

const CLASSES: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        let mut k = 0;
        let alpha = b.is_ascii_alphabetic();
        let alnum = b.is_ascii_alphanumeric();
        if alpha {
            k |= ALPHA;
        }
        if alnum || b == b'-' {
            k |= LDH;
        }
        if alnum || b == b'+' || b == b'.' || b == b'-' {
            k |= SCHEME;
        }
        if alnum || b == b'-' || b == b'.' {
            k |= HOST;
        }
        if b > b' ' && b < 0x7f {
            k |= PRINTABLE;
        }
        if alnum {
            k |= ATEXT;
        }
        let mut j = 0;
        let specials = b"!#$%&'*+/=?^_`{|}~-";
        while j < specials.len() {
            if specials[j] == b {
                k |= ATEXT;
            }
            j += 1;
        }
        t[c] = k;
        c += 1;
    }
    t
};

/// Whether byte `c` is in class `class`.
fn is(c: u8, class: u8) -> bool {
    CLASSES[c as usize] & class != 0
}

/// Whether `s` looks like an email address: `local@domain.tld`, with the characters RFC 5322
/// allows unquoted in the local part, and a domain of LDH labels ending in an alphabetic TLD.
pub fn is_email(s: &str) -> bool {
    let b = s.as_bytes();
    let Some(at) = b.iter().rposition(|&c| c == b'@') else {
        return false;
    };
    let (local, domain) = (&b[..at], &b[at + 1..]);
    if local.is_empty() || local.len() > 64 || domain.len() > 253 {
        return false;
    }
    // Local part: atext characters, dots only between them.
    let mut prev_dot = true;
    for &c in local {
        let dot = c == b'.';
        if (dot && prev_dot) || !(dot || is(c, ATEXT)) {
            return false;
        }
        prev_dot = dot;
    }
    if prev_dot {
        return false;
    }
    // Domain: two or more LDH labels of 1 to 63, the last alphabetic and at least 2 long.
    let mut labels = 0;
    let mut last: &[u8] = &[];
    for label in domain.split(|&c| c == b'.') {
        let ok = !label.is_empty()
            && label.len() <= 63
            && label[0] != b'-'
            && label[label.len() - 1] != b'-'
            && label.iter().all(|&c| is(c, LDH));
        if !ok {
            return false;
        }
        labels += 1;
        last = label;
    }
    labels >= 2 && last.len() >= 2 && last.iter().all(|&c| is(c, ALPHA))
}

/// Why a URL was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlError {
    /// Not an absolute `scheme://host…` URL (or it has spaces or control characters).
    Invalid,
    /// An absolute URL with a scheme that is not the one required.
    Scheme,
}

/// Checks an absolute URL `scheme://[userinfo@]host[:port][/path][?query][#fragment]` whose
/// scheme is one of `schemes` (compared case-insensitively).
///
/// # Errors
///
/// [`UrlError::Invalid`] when it is not such a URL, [`UrlError::Scheme`] when the scheme differs.
pub fn check_url(s: &str, schemes: &[&str]) -> Result<(), UrlError> {
    match quick_url(s.as_bytes()) {
        Some(scheme)
            if schemes
                .iter()
                .any(|w| scheme.eq_ignore_ascii_case(w.as_bytes())) =>
        {
            Ok(())
        }
        Some(_) => Err(UrlError::Scheme),
        None => check_url_general(s, schemes),
    }
}

/// One pass over the usual URL, `scheme://host[:port][/…|?…|#…]` in printable ASCII with a host
/// of letters, digits, `-` and single dots: its scheme. `None` when the URL is anything else, and
/// [`check_url_general`] decides (it accepts everything this accepts).
fn quick_url(b: &[u8]) -> Option<&[u8]> {
    let n = b.len();
    let mut i = 0;
    while i < n && is(b[i], SCHEME) {
        i += 1;
    }
    if i == 0 || !b[0].is_ascii_alphabetic() || b.get(i..i + 3) != Some(b"://") {
        return None;
    }
    let scheme = &b[..i];
    i += 3;
    let host_start = i;
    while i < n {
        match b[i] {
            b'.' if i == host_start || b[i - 1] == b'.' => return None,
            c if is(c, HOST) => i += 1,
            _ => break,
        }
    }
    if i == host_start {
        return None;
    }
    if b.get(i) == Some(&b':') {
        i += 1;
        let port_start = i;
        let mut port = 0u32;
        while i < n && b[i].is_ascii_digit() && i - port_start < 5 {
            port = port * 10 + u32::from(b[i] - b'0');
            i += 1;
        }
        if i == port_start || port > 65_535 {
            return None;
        }
    }
    if i < n && !matches!(b[i], b'/' | b'?' | b'#') {
        return None;
    }
    b[i..].iter().all(|&c| is(c, PRINTABLE)).then_some(scheme)
}

/// The general reading behind [`check_url`]: every case, including userinfo, IPv6 literals and
/// non-ASCII hosts.
fn check_url_general(s: &str, schemes: &[&str]) -> Result<(), UrlError> {
    let b = s.as_bytes();
    let mut ascii = true;
    for &c in b {
        if c <= b' ' || c == 0x7f {
            return Err(UrlError::Invalid);
        }
        if c >= 0x80 {
            ascii = false;
            break;
        }
    }
    if !ascii && s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(UrlError::Invalid);
    }
    let colon = b.iter().position(|&c| c == b':').ok_or(UrlError::Invalid)?;
    let (scheme, rest) = (&b[..colon], &b[colon + 1..]);
    let rest = rest.strip_prefix(b"//").ok_or(UrlError::Invalid)?;
    let scheme_ok = scheme.first().is_some_and(u8::is_ascii_alphabetic)
        && scheme
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'.' | b'-'));
    if !scheme_ok {
        return Err(UrlError::Invalid);
    }
    let end = rest
        .iter()
        .position(|&c| matches!(c, b'/' | b'?' | b'#'))
        .unwrap_or(rest.len());
    let authority = &rest[..end];
    let hostport = match authority.iter().rposition(|&c| c == b'@') {
        Some(at) => &authority[at + 1..],
        None => authority,
    };
    let (host, port) = if let Some(v6) = hostport.strip_prefix(b"[") {
        let close = v6
            .iter()
            .position(|&c| c == b']')
            .ok_or(UrlError::Invalid)?;
        let h = &v6[..close];
        if h.is_empty()
            || !h
                .iter()
                .all(|&c| c.is_ascii_hexdigit() || c == b':' || c == b'.')
        {
            return Err(UrlError::Invalid);
        }
        (h, v6[close + 1..].strip_prefix(b":"))
    } else {
        match hostport.iter().rposition(|&c| c == b':') {
            Some(i) => (&hostport[..i], Some(&hostport[i + 1..])),
            None => (hostport, None),
        }
    };
    let host_chars_ok = if ascii {
        host.iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b':'))
    } else {
        // Split at ASCII bytes, so still UTF-8.
        std::str::from_utf8(host).is_ok_and(|h| {
            h.chars()
                // Internationalised host names: any non-ASCII character (whitespace and control
                // characters were refused above); ASCII must be a letter, digit, '-', '.' or ':'.
                .all(|c| !c.is_ascii() || c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | ':'))
        })
    };
    let host_ok = !host.is_empty()
        && host[0] != b'.'
        && !host.windows(2).any(|w| w == b"..")
        && host_chars_ok;
    let port_ok = port.is_none_or(|p| {
        !p.is_empty()
            && p.len() <= 5
            && p.iter().all(u8::is_ascii_digit)
            && p.iter().fold(0u32, |n, &c| n * 10 + u32::from(c - b'0')) <= 65_535
    });
    if !host_ok || !port_ok {
        return Err(UrlError::Invalid);
    }
    let scheme_wanted = schemes
        .iter()
        .any(|want| scheme.eq_ignore_ascii_case(want.as_bytes()));
    if !scheme_wanted {
        return Err(UrlError::Scheme);
    }
    Ok(())
}

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

/// The fields of a create-payment input, as the rules see them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PaymentFields<'j, 's> {
    pub reference_id: Given<'s>,
    pub payer_name: Given<'s>,
    pub payer_address: Given<'s>,
    pub payer_identifier: Given<'s>,
    pub payer_email: Given<'s>,
    pub description: Given<'s>,
    pub amount_in_cents: Given<'s>,
    pub due_date: Given<'s>,
    pub metadata: MetadataGiven<'j, 's>,
    pub return_url: Given<'s>,
}

/// The outcome of the rules for a valid input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Checked {
    /// Bit `i` is set when field `CREATE_PAYMENT_FIELDS[i]` goes into the body.
    pub kept: u32,
    /// The amount.
    pub amount_in_cents: u32,
    /// The due date, when one was given.
    pub due_date: Option<Date>,
}

/// Every create-payment rule, in field order. `line_items` (which only the JSON path reads) is
/// checked by `line_items` at its place in that order; it answers whether they go into the body.
pub(crate) fn check_payment(
    p: &mut Problems,
    f: &PaymentFields<'_, '_>,
    line_items: impl FnOnce(&mut Problems) -> bool,
) -> Option<Checked> {
    let mut kept = 0u32;
    let mut keep = |i: usize, k: bool| {
        if k {
            kept |= 1 << i;
        }
    };
    let reference_id = string_field(p, "reference_id", f.reference_id, REFERENCE_ID_MAX, true);
    keep(0, true);
    let payer_name = string_field(p, "payer_name", f.payer_name, PAYER_NAME_MAX, true);
    keep(1, true);
    let address = string_field(
        p,
        "payer_address",
        f.payer_address,
        PAYER_ADDRESS_MAX,
        false,
    );
    keep(2, address.is_some());
    let identifier = string_field(
        p,
        "payer_identifier",
        f.payer_identifier,
        PAYER_IDENTIFIER_MAX,
        false,
    );
    keep(3, identifier.is_some());
    let email = string_field(p, "payer_email", f.payer_email, PAYER_EMAIL_MAX, false);
    if let Some(email) = text_of(p, email) {
        if !is_email(email) {
            p.push("payer_email", Code::InvalidEmail, || {
                "payer_email must be an email address such as name@agency.gov.sg".to_owned()
            });
        }
    }
    keep(4, email.is_some());
    let description = string_field(p, "description", f.description, DESCRIPTION_MAX, true);
    keep(5, true);
    let amount = amount_field(
        p,
        "amount_in_cents",
        f.amount_in_cents,
        AMOUNT_MIN,
        AMOUNT_MAX,
    );
    keep(6, true);
    let due_date = due_date_field(p, f.due_date);
    keep(7, due_date.is_some());
    metadata_field(p, f.metadata);
    keep(8, true);
    keep(9, line_items(p));
    let return_url = string_field(p, "return_url", f.return_url, usize::MAX, false);
    if let Some(url) = text_of(p, return_url) {
        match check_url(url, &["https"]) {
            Ok(()) => {}
            Err(UrlError::Invalid) => p.push("return_url", Code::InvalidUrl, || {
                "return_url must be an absolute URL such as https://agency.gov.sg/paid".to_owned()
            }),
            Err(UrlError::Scheme) => p.push("return_url", Code::NotHttps, || {
                "return_url must use https (PaySG blocks payment creation otherwise)".to_owned()
            }),
        }
    }
    keep(10, return_url.is_some());
    match (reference_id, payer_name, description, amount) {
        (Some(_), Some(_), Some(_), Some(amount_in_cents)) if p.is_empty() => Some(Checked {
            kept,
            amount_in_cents,
            due_date,
        }),
        _ => None,
    }
}

/// A string field of a valid JSON input, as it goes into the body.
fn kept_str<'a>(value: Option<&Json<'a>>) -> Option<Cow<'a, str>> {
    match value {
        Some(Json::Str(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

/// Validates and normalises a create-payment body.
///
/// # Errors
///
/// Every problem found, in field order (unknown fields first).
pub fn validate_create_payment<'a>(input: &Json<'a>) -> Result<CreatePayment<'a>, Vec<FieldError>> {
    let mut p = Problems::collecting();
    let Json::Obj(entries) = input else {
        p.push("", Code::InvalidType, || {
            format!("the payment must be an object, got {}", input.type_name())
        });
        return Err(p.into_list());
    };
    let mut slots: [Option<&Json<'a>>; 11] = [None; 11];
    for (key, value) in entries {
        match field_index(key) {
            Some(i) => slots[i] = Some(value),
            None => {
                let k = shown_key(key);
                p.push(&k, Code::UnknownField, || {
                    format!(
                        "{k} is not a create-payment field; PaySG accepts {}",
                        CREATE_PAYMENT_FIELDS.join(", ")
                    )
                });
            }
        }
    }
    let [reference_id, payer_name, payer_address, payer_identifier, payer_email, description, amount, due_date, metadata, line_items, return_url] =
        slots;
    let fields = PaymentFields {
        reference_id: Given::of(reference_id),
        payer_name: Given::of(payer_name),
        payer_address: Given::of(payer_address),
        payer_identifier: Given::of(payer_identifier),
        payer_email: Given::of(payer_email),
        description: Given::of(description),
        amount_in_cents: Given::of(amount),
        due_date: Given::of(due_date),
        metadata: match metadata {
            Some(Json::Obj(entries)) => MetadataGiven::Entries(entries),
            other => MetadataGiven::Value(Given::of(other)),
        },
        return_url: Given::of(return_url),
    };
    let mut items = None;
    let checked = check_payment(&mut p, &fields, |p| {
        items = line_items_field(p, line_items);
        items.is_some()
    });
    let Some(checked) = checked else {
        return Err(p.into_list());
    };
    let metadata = match metadata {
        Some(Json::Obj(entries)) => entries
            .iter()
            .filter_map(|(k, v)| match v {
                Json::Str(v) => Some((k.clone(), v.clone())),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    Ok(CreatePayment {
        reference_id: kept_str(reference_id).unwrap_or_default(),
        payer_name: kept_str(payer_name).unwrap_or_default(),
        payer_address: kept_str(payer_address),
        payer_identifier: kept_str(payer_identifier),
        payer_email: kept_str(payer_email),
        description: kept_str(description).unwrap_or_default(),
        amount_in_cents: checked.amount_in_cents,
        due_date: checked.due_date.map(Date::to_paysg),
        metadata,
        line_items: items,
        return_url: kept_str(return_url),
    })
}

fn due_date_field(p: &mut Problems, value: Given<'_>) -> Option<Date> {
    let given = string_field(p, "due_date", value, usize::MAX, false);
    let s = text_of(p, given)?;
    match dates::parse_due_date(s) {
        Ok(d) => Some(d),
        Err(DateError::Format) => {
            p.push("due_date", Code::InvalidFormat, || {
                "due_date must be a date as dd-MMM-yyyy (31-DEC-2023), YYYY-MM-DD or an ISO date-time".to_owned()
            });
            None
        }
        Err(DateError::Calendar) => {
            p.push("due_date", Code::InvalidDate, || {
                "due_date is not a real calendar date (check the day of the month and leap years)"
                    .to_owned()
            });
            None
        }
    }
}

fn metadata_field(p: &mut Problems, value: MetadataGiven<'_, '_>) {
    let count = match value {
        MetadataGiven::Value(Given::Absent) => return,
        MetadataGiven::Value(other) => {
            p.push("metadata", Code::InvalidType, || {
                format!(
                    "metadata must be an object of string values, got {}",
                    other.type_name()
                )
            });
            return;
        }
        MetadataGiven::Entries(e) => e.len(),
        MetadataGiven::Strings(e) => e.len(),
    };
    if count > METADATA_MAX_ENTRIES {
        p.push("metadata", Code::TooManyEntries, || {
            format!("metadata has {count} entries; PaySG allows at most {METADATA_MAX_ENTRIES}")
        });
    }
    match value {
        MetadataGiven::Entries(e) => {
            for (k, v) in e {
                metadata_entry(p, Given::Str(k), Given::of(Some(v)));
            }
        }
        MetadataGiven::Strings(e) => {
            for (k, v) in e {
                metadata_entry(p, *k, *v);
            }
        }
        MetadataGiven::Value(_) => {}
    }
}

fn metadata_entry(p: &mut Problems, key: Given<'_>, value: Given<'_>) {
    let (key_len, key_text) = match key {
        Given::Str(k) => (Some(js_length(k)).filter(|_| !is_blank(k)), k),
        Given::Sized(units) => (Some(units), "?"),
        _ => (None, "?"),
    };
    let field = || format!("metadata.{}", shown_key(key_text));
    match key_len {
        None => p.push_at(field, Code::Empty, || {
            "metadata keys must not be empty or only whitespace".to_owned()
        }),
        Some(len) if len > METADATA_KEY_MAX => p.push_at(field, Code::TooLong, || {
            format!(
                "metadata key is {len} characters long; PaySG allows at most {METADATA_KEY_MAX}"
            )
        }),
        Some(_) => {}
    }
    let value_len = match value {
        Given::Str(v) => js_length(v),
        Given::Sized(units) => units,
        other => {
            p.push_at(field, Code::InvalidType, || {
                format!("metadata values must be strings, got {}", other.type_name())
            });
            return;
        }
    };
    if value_len > METADATA_VALUE_MAX {
        p.push_at(field, Code::TooLong, || {
            format!("metadata value is {value_len} characters long; PaySG allows at most {METADATA_VALUE_MAX}")
        });
    }
}

fn line_items_field<'a>(p: &mut Problems, value: Option<&Json<'a>>) -> Option<Vec<LineItem<'a>>> {
    let items = match value? {
        Json::Null => return None,
        Json::Arr(items) => items,
        other => {
            p.push("line_items", Code::InvalidType, || {
                format!("line_items must be an array, got {}", other.type_name())
            });
            return None;
        }
    };
    let mut out = Vec::with_capacity(items.len());
    let mut total: u64 = 0;
    for (i, item) in items.iter().enumerate() {
        let path = format!("line_items[{i}]");
        let Json::Obj(entries) = item else {
            p.push(&path, Code::InvalidType, || {
                format!("{path} must be an object, got {}", item.type_name())
            });
            continue;
        };
        let (mut description, mut amount) = (None, None);
        for (key, value) in entries {
            match key.as_ref() {
                "description" => description = Some(value),
                "amount_in_cents" => amount = Some(value),
                other => {
                    let field = format!("{path}.{}", shown_key(other));
                    p.push(&field, Code::UnknownField, || {
                        format!("{field} is not a line-item field; a line item has description and amount_in_cents")
                    });
                }
            }
        }
        let kept = string_field(
            p,
            &format!("{path}.description"),
            Given::of(description),
            LINE_ITEM_DESCRIPTION_MAX,
            true,
        );
        let amount = amount_field(
            p,
            &format!("{path}.amount_in_cents"),
            Given::of(amount),
            AMOUNT_MIN,
            AMOUNT_MAX,
        );
        if let Some(a) = amount {
            total += u64::from(a);
        }
        if let (Some(_), Some(amount_in_cents), Some(description)) =
            (kept, amount, kept_str(description))
        {
            out.push(LineItem {
                description,
                amount_in_cents,
            });
        }
    }
    if total > LINE_ITEMS_TOTAL_MAX {
        p.push("line_items", Code::OutOfRange, || {
            format!(
                "the line items add up to {} cents; PaySG allows at most {} ({})",
                grouped(total),
                grouped(LINE_ITEMS_TOTAL_MAX),
                dollars(LINE_ITEMS_TOTAL_MAX)
            )
        });
    }
    Some(out)
}

/// Validates a refund body `{ refund_amount_in_cents }`. Whether the amount is within what is
/// left to refund is only known to PaySG.
///
/// # Errors
///
/// Every problem found.
pub fn validate_refund(input: &Json<'_>) -> Result<Refund, Vec<FieldError>> {
    let mut p = Problems::collecting();
    let Json::Obj(entries) = input else {
        p.push("", Code::InvalidType, || {
            format!("the refund must be an object, got {}", input.type_name())
        });
        return Err(p.into_list());
    };
    let mut amount = None;
    for (key, value) in entries {
        if key == "refund_amount_in_cents" {
            amount = Some(value);
        } else {
            let k = shown_key(key);
            p.push(&k, Code::UnknownField, || {
                format!("{k} is not a refund field; PaySG accepts refund_amount_in_cents")
            });
        }
    }
    let amount = amount_field(
        &mut p,
        "refund_amount_in_cents",
        Given::of(amount),
        AMOUNT_MIN,
        AMOUNT_MAX,
    );
    match amount {
        Some(refund_amount_in_cents) if p.is_empty() => Ok(Refund {
            refund_amount_in_cents,
        }),
        _ => Err(p.into_list()),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The straightforward reading of the email rule, kept as the reference for the one-pass
    /// [`is_email`].
    fn is_email_reference(s: &str) -> bool {
        let Some((local, domain)) = s.rsplit_once('@') else {
            return false;
        };
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~.-".contains(&c));
        if !local_ok || domain.len() > 253 {
            return false;
        }
        domain.contains('.')
            && domain.split('.').all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
            })
            && domain
                .rsplit('.')
                .next()
                .is_some_and(|t| t.len() >= 2 && t.bytes().all(|c| c.is_ascii_alphabetic()))
    }

    const URLS: [&str; 24] = [
        "https://open.gov.sg",
        "https://agency.gov.sg/payments/return?x=1#f",
        "HTTPS://A.B",
        "http://open.gov.sg",
        "ftp://x.y",
        "https://user:pw@host.sg:8443/p",
        "https://[::1]:443/",
        "https://[::1",
        "https://a..b",
        "https://.a.b",
        "https://a.b.",
        "https://a.b:",
        "https://a.b:65535",
        "https://a.b:65536",
        "https://a.b:123456",
        "https://é.sg/x",
        "https://a.sg/é",
        "https://a.sg/ x",
        "https://a.sg/\u{7f}",
        "https:/a.sg",
        "1https://a.sg",
        "https//a.sg",
        "https://a_b.sg",
        "https://",
    ];

    #[test]
    fn quick_url_agrees_with_the_general_reading_on_known_cases() {
        for u in URLS {
            assert_eq!(
                check_url(u, &["https"]),
                check_url_general(u, &["https"]),
                "{u}"
            );
        }
        assert_eq!(check_url("https://open.gov.sg", &["https"]), Ok(()));
        assert_eq!(
            check_url("http://open.gov.sg", &["https"]),
            Err(UrlError::Scheme)
        );
        assert_eq!(
            check_url("https://a.b:65536", &["https"]),
            Err(UrlError::Invalid)
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5000))]

        #[test]
        fn quick_url_agrees_with_the_general_reading(
            s in "(https?|ftp|[a-z+.-]{0,4}|[0-9])(://|:/|//)?([a-z0-9.@:\\[\\]_-]|é){0,16}(:[0-9]{0,6})?([/?#][ -~é\u{7f}]{0,8})?"
        ) {
            prop_assert_eq!(check_url(&s, &["https"]), check_url_general(&s, &["https"]));
        }

        #[test]
        fn is_email_agrees_with_the_reference(
            s in "[a-z0-9.!#_+-]{0,5}(@|@@)?([a-z0-9-]{0,4}\\.?){0,4}[a-z0-9.é]{0,3}"
        ) {
            prop_assert_eq!(is_email(&s), is_email_reference(&s));
        }

        #[test]
        fn is_email_agrees_with_the_reference_on_any_text(s in "\\PC{0,40}") {
            prop_assert_eq!(is_email(&s), is_email_reference(&s));
        }
    }
}
