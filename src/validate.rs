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

use crate::dates::{self, DateError};
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

/// Collects problems while a validation runs.
#[derive(Default)]
struct Problems(Vec<FieldError>);

impl Problems {
    fn push(&mut self, field: impl Into<String>, code: Code, message: String) {
        self.0.push(FieldError::new(field, code, message));
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

/// Reads a string field. `max` is the limit in UTF-16 code units.
fn string_field<'a>(
    p: &mut Problems,
    field: &str,
    value: Option<&Json<'a>>,
    max: usize,
    required: bool,
) -> Option<Cow<'a, str>> {
    match value {
        None | Some(Json::Null) => {
            if required {
                p.push(field, Code::Required, format!("{field} is required"));
            }
            None
        }
        Some(Json::Str(s)) => {
            if s.is_empty() && !required {
                return None;
            }
            if required && s.trim().is_empty() {
                p.push(
                    field,
                    Code::Empty,
                    format!("{field} must not be empty or only whitespace"),
                );
                return None;
            }
            let len = js_length(s);
            if len > max {
                p.push(
                    field,
                    Code::TooLong,
                    format!("{field} is {len} characters long; PaySG allows at most {max}"),
                );
                return None;
            }
            Some(s.clone())
        }
        Some(other) => {
            p.push(
                field,
                Code::InvalidType,
                format!("{field} must be a string, got {}", other.type_name()),
            );
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

/// Reads an amount in cents, an integer in `min..=max`.
fn amount_field(
    p: &mut Problems,
    field: &str,
    value: Option<&Json<'_>>,
    min: u32,
    max: u32,
) -> Option<u32> {
    match value {
        None | Some(Json::Null) => {
            p.push(field, Code::Required, format!("{field} is required"));
            None
        }
        Some(Json::Num(n)) => {
            let n = *n;
            if n.fract() != 0.0 {
                p.push(
                    field,
                    Code::NotInteger,
                    format!("{field} must be a whole number of cents (S$1.50 is 150)"),
                );
                None
            } else if n < f64::from(min) || n > f64::from(max) {
                p.push(
                    field,
                    Code::OutOfRange,
                    format!(
                        "{field} must be from {} to {} cents ({} to {}), got {}",
                        grouped(u64::from(min)),
                        grouped(u64::from(max)),
                        dollars(u64::from(min)),
                        dollars(u64::from(max)),
                        shown_integer(n),
                    ),
                );
                None
            } else {
                Some(n as u32)
            }
        }
        Some(other) => {
            p.push(
                field,
                Code::InvalidType,
                format!(
                    "{field} must be a number (whole cents), got {}",
                    other.type_name()
                ),
            );
            None
        }
    }
}

/// Whether `s` looks like an email address: `local@domain.tld`, with the characters RFC 5322
/// allows unquoted in the local part, and a domain of LDH labels ending in an alphabetic TLD.
pub fn is_email(s: &str) -> bool {
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
            .is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|c| c.is_ascii_alphabetic()))
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
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(UrlError::Invalid);
    }
    let (scheme, rest) = s.split_once(':').ok_or(UrlError::Invalid)?;
    let scheme_ok = scheme
        .bytes()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"+.-".contains(&c));
    let rest = rest.strip_prefix("//").ok_or(UrlError::Invalid)?;
    if !scheme_ok {
        return Err(UrlError::Invalid);
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
        let (h, after) = v6.split_once(']').ok_or(UrlError::Invalid)?;
        if h.is_empty()
            || !h
                .bytes()
                .all(|c| c.is_ascii_hexdigit() || c == b':' || c == b'.')
        {
            return Err(UrlError::Invalid);
        }
        (h, after.strip_prefix(':'))
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (hostport, None),
        }
    };
    let host_ok = !host.is_empty()
        && !host.starts_with('.')
        && !host.contains("..")
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.' || c == ':');
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.parse::<u16>().is_ok());
    if !host_ok || !port_ok {
        return Err(UrlError::Invalid);
    }
    if !schemes.iter().any(|want| scheme.eq_ignore_ascii_case(want)) {
        return Err(UrlError::Scheme);
    }
    Ok(())
}

/// Validates and normalises a create-payment body.
///
/// # Errors
///
/// Every problem found, in field order.
pub fn validate_create_payment<'a>(input: &Json<'a>) -> Result<CreatePayment<'a>, Vec<FieldError>> {
    let mut p = Problems::default();
    let Json::Obj(entries) = input else {
        p.push(
            "",
            Code::InvalidType,
            format!("the payment must be an object, got {}", input.type_name()),
        );
        return Err(p.0);
    };
    let mut slots: [Option<&Json<'a>>; 11] = [None; 11];
    for (key, value) in entries {
        match field_index(key) {
            Some(i) => slots[i] = Some(value),
            None => {
                let k = shown_key(key);
                p.push(
                    k.as_ref(),
                    Code::UnknownField,
                    format!(
                        "{k} is not a create-payment field; PaySG accepts {}",
                        CREATE_PAYMENT_FIELDS.join(", ")
                    ),
                );
            }
        }
    }
    let [reference_id, payer_name, payer_address, payer_identifier, payer_email, description, amount, due_date, metadata, line_items, return_url] =
        slots;

    let reference_id = string_field(&mut p, "reference_id", reference_id, REFERENCE_ID_MAX, true);
    let payer_name = string_field(&mut p, "payer_name", payer_name, PAYER_NAME_MAX, true);
    let payer_address = string_field(
        &mut p,
        "payer_address",
        payer_address,
        PAYER_ADDRESS_MAX,
        false,
    );
    let payer_identifier = string_field(
        &mut p,
        "payer_identifier",
        payer_identifier,
        PAYER_IDENTIFIER_MAX,
        false,
    );
    let payer_email = string_field(&mut p, "payer_email", payer_email, PAYER_EMAIL_MAX, false);
    if let Some(email) = &payer_email {
        if !is_email(email) {
            p.push(
                "payer_email",
                Code::InvalidEmail,
                "payer_email must be an email address such as name@agency.gov.sg".to_owned(),
            );
        }
    }
    let description = string_field(&mut p, "description", description, DESCRIPTION_MAX, true);
    let amount = amount_field(&mut p, "amount_in_cents", amount, AMOUNT_MIN, AMOUNT_MAX);
    let due_date = due_date_field(&mut p, due_date);
    let metadata = metadata_field(&mut p, metadata);
    let line_items = line_items_field(&mut p, line_items);
    let return_url = string_field(&mut p, "return_url", return_url, usize::MAX, false);
    if let Some(url) = &return_url {
        match check_url(url, &["https"]) {
            Ok(()) => {}
            Err(UrlError::Invalid) => p.push(
                "return_url",
                Code::InvalidUrl,
                "return_url must be an absolute URL such as https://agency.gov.sg/paid".to_owned(),
            ),
            Err(UrlError::Scheme) => p.push(
                "return_url",
                Code::NotHttps,
                "return_url must use https (PaySG blocks payment creation otherwise)".to_owned(),
            ),
        }
    }

    match (reference_id, payer_name, description, amount) {
        (Some(reference_id), Some(payer_name), Some(description), Some(amount_in_cents))
            if p.0.is_empty() =>
        {
            Ok(CreatePayment {
                reference_id,
                payer_name,
                payer_address,
                payer_identifier,
                payer_email,
                description,
                amount_in_cents,
                due_date,
                metadata,
                line_items,
                return_url,
            })
        }
        _ => Err(p.0),
    }
}

fn due_date_field(p: &mut Problems, value: Option<&Json<'_>>) -> Option<String> {
    let s = string_field(p, "due_date", value, usize::MAX, false)?;
    match dates::parse_due_date(&s) {
        Ok(d) => Some(d.to_paysg()),
        Err(DateError::Format) => {
            p.push(
                "due_date",
                Code::InvalidFormat,
                "due_date must be a date as dd-MMM-yyyy (31-DEC-2023), YYYY-MM-DD or an ISO date-time".to_owned(),
            );
            None
        }
        Err(DateError::Calendar) => {
            p.push(
                "due_date",
                Code::InvalidDate,
                "due_date is not a real calendar date (check the day of the month and leap years)"
                    .to_owned(),
            );
            None
        }
    }
}

fn metadata_field<'a>(
    p: &mut Problems,
    value: Option<&Json<'a>>,
) -> Vec<(Cow<'a, str>, Cow<'a, str>)> {
    let entries = match value {
        None | Some(Json::Null) => return Vec::new(),
        Some(Json::Obj(entries)) => entries,
        Some(other) => {
            p.push(
                "metadata",
                Code::InvalidType,
                format!(
                    "metadata must be an object of string values, got {}",
                    other.type_name()
                ),
            );
            return Vec::new();
        }
    };
    if entries.len() > METADATA_MAX_ENTRIES {
        p.push(
            "metadata",
            Code::TooManyEntries,
            format!(
                "metadata has {} entries; PaySG allows at most {METADATA_MAX_ENTRIES}",
                entries.len()
            ),
        );
    }
    let mut out = Vec::with_capacity(entries.len().min(METADATA_MAX_ENTRIES));
    for (key, value) in entries {
        let field = || format!("metadata.{}", shown_key(key));
        let key_len = js_length(key);
        let mut ok = true;
        if key.trim().is_empty() {
            p.push(
                field(),
                Code::Empty,
                "metadata keys must not be empty or only whitespace".to_owned(),
            );
            ok = false;
        } else if key_len > METADATA_KEY_MAX {
            p.push(
                field(),
                Code::TooLong,
                format!("metadata key is {key_len} characters long; PaySG allows at most {METADATA_KEY_MAX}"),
            );
            ok = false;
        }
        match value {
            Json::Str(v) => {
                let len = js_length(v);
                if len > METADATA_VALUE_MAX {
                    p.push(
                        field(),
                        Code::TooLong,
                        format!("metadata value is {len} characters long; PaySG allows at most {METADATA_VALUE_MAX}"),
                    );
                } else if ok {
                    out.push((key.clone(), v.clone()));
                }
            }
            other => p.push(
                field(),
                Code::InvalidType,
                format!("metadata values must be strings, got {}", other.type_name()),
            ),
        }
    }
    out
}

fn line_items_field<'a>(p: &mut Problems, value: Option<&Json<'a>>) -> Option<Vec<LineItem<'a>>> {
    let items = match value? {
        Json::Null => return None,
        Json::Arr(items) => items,
        other => {
            p.push(
                "line_items",
                Code::InvalidType,
                format!("line_items must be an array, got {}", other.type_name()),
            );
            return None;
        }
    };
    let mut out = Vec::with_capacity(items.len());
    let mut total: u64 = 0;
    for (i, item) in items.iter().enumerate() {
        let path = format!("line_items[{i}]");
        let Json::Obj(entries) = item else {
            p.push(
                &*path,
                Code::InvalidType,
                format!("{path} must be an object, got {}", item.type_name()),
            );
            continue;
        };
        let (mut description, mut amount) = (None, None);
        for (key, value) in entries {
            match key.as_ref() {
                "description" => description = Some(value),
                "amount_in_cents" => amount = Some(value),
                other => p.push(
                    format!("{path}.{}", shown_key(other)),
                    Code::UnknownField,
                    format!("{path}.{} is not a line-item field; a line item has description and amount_in_cents", shown_key(other)),
                ),
            }
        }
        let description = string_field(
            p,
            &format!("{path}.description"),
            description,
            LINE_ITEM_DESCRIPTION_MAX,
            true,
        );
        let amount = amount_field(
            p,
            &format!("{path}.amount_in_cents"),
            amount,
            AMOUNT_MIN,
            AMOUNT_MAX,
        );
        if let Some(a) = amount {
            total += u64::from(a);
        }
        if let (Some(description), Some(amount_in_cents)) = (description, amount) {
            out.push(LineItem {
                description,
                amount_in_cents,
            });
        }
    }
    if total > LINE_ITEMS_TOTAL_MAX {
        p.push(
            "line_items",
            Code::OutOfRange,
            format!(
                "the line items add up to {} cents; PaySG allows at most {} ({})",
                grouped(total),
                grouped(LINE_ITEMS_TOTAL_MAX),
                dollars(LINE_ITEMS_TOTAL_MAX)
            ),
        );
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
    let mut p = Problems::default();
    let Json::Obj(entries) = input else {
        p.push(
            "",
            Code::InvalidType,
            format!("the refund must be an object, got {}", input.type_name()),
        );
        return Err(p.0);
    };
    let mut amount = None;
    for (key, value) in entries {
        if key == "refund_amount_in_cents" {
            amount = Some(value);
        } else {
            let k = shown_key(key);
            p.push(
                k.as_ref(),
                Code::UnknownField,
                format!("{k} is not a refund field; PaySG accepts refund_amount_in_cents"),
            );
        }
    }
    let amount = amount_field(
        &mut p,
        "refund_amount_in_cents",
        amount,
        AMOUNT_MIN,
        AMOUNT_MAX,
    );
    match amount {
        Some(refund_amount_in_cents) if p.0.is_empty() => Ok(Refund {
            refund_amount_in_cents,
        }),
        _ => Err(p.0),
    }
}
