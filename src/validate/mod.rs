//! Validation and normalisation of the create-payment and refund bodies, to PaySG's documented
//! rules (`paysg-api.md` §6.1 and §10), reporting every problem at once.
//!
//! Where to find what:
//!
//! | file | what |
//! |---|---|
//! | [`fields`] | the field table: names, kinds, limits, docs |
//! | [`check`] | the rules, run over the table for what the input holds |
//! | [`metadata`], [`line_items`] | the two nested fields |
//! | [`money`] | amounts, and money in messages |
//! | [`email`], [`url`] | the email and URL rules |
//! | [`problems`] | the problem codes and how problems are collected |
//! | [`crate::dates`] | `due_date`'s forms |
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
//! * No type coercion: `"1100"` is not a number, `123` is not a metadata string, a `Date` is a
//!   string nowhere but `due_date`.
//! * Messages name the field, the rule and the limit, never the value (values are often personal
//!   data and messages end up in logs).

pub mod ascii;
pub mod check;
mod classes;
pub mod email;
pub mod fields;
pub mod given;
pub mod line_items;
pub mod metadata;
pub mod money;
pub mod problems;
pub mod rules;
pub mod url;

pub use self::email::is_email;
pub use self::fields::{
    Field, Kind, CREATE_PAYMENT_FIELDS, DESCRIPTION_MAX, FIELD_COUNT, PAYER_ADDRESS_MAX,
    PAYER_EMAIL_MAX, PAYER_IDENTIFIER_MAX, PAYER_NAME_MAX, REFERENCE_ID_MAX, REFUND_FIELDS,
};
pub use self::given::Given;
pub use self::line_items::{LineItem, LINE_ITEM_DESCRIPTION_MAX};
pub use self::metadata::{METADATA_KEY_MAX, METADATA_MAX_ENTRIES, METADATA_VALUE_MAX};
pub use self::money::{AMOUNT_DEFAULT_MAX, AMOUNT_MAX, AMOUNT_MIN, LINE_ITEMS_TOTAL_MAX};
pub use self::problems::{Code, FieldError};
pub use self::rules::{Limits, Rules, LIMITS};
pub use self::url::{check_url, UrlError};
pub use crate::strings::js_length;

pub(crate) use self::check::{check_payment, Normal, PaymentFields};
pub(crate) use self::metadata::MetadataGiven;
pub(crate) use self::problems::Problems;

use crate::json::Json;
use crate::strings::shown_key;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use std::borrow::Cow;

/// One field of a valid, normalised create-payment body.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// A string, as given (a `due_date` as `dd-MMM-yyyy`).
    Text(Cow<'a, str>),
    /// An amount in cents.
    Amount(u32),
    /// `metadata`'s entries, in the order given.
    Metadata(Vec<(Cow<'a, str>, Cow<'a, str>)>),
    /// The line items.
    LineItems(Vec<LineItem<'a>>),
}

impl Serialize for Value<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Text(t) => s.serialize_str(t),
            Value::Amount(a) => s.serialize_u32(*a),
            Value::Metadata(pairs) => serialize_pairs(pairs, s),
            Value::LineItems(items) => items.serialize(s),
        }
    }
}

/// A valid, normalised create-payment body: the fields that are sent, in the order of PaySG's
/// reference ([`CREATE_PAYMENT_FIELDS`]). Serialises to exactly the JSON sent to PaySG.
#[derive(Debug, Clone, PartialEq)]
pub struct CreatePayment<'a> {
    fields: Vec<(&'static str, Value<'a>)>,
}

impl<'a> CreatePayment<'a> {
    /// The fields that are sent, in order.
    pub fn fields(&self) -> impl Iterator<Item = (&'static str, &Value<'a>)> {
        self.fields.iter().map(|(name, v)| (*name, v))
    }

    /// The value of field `name`, when it is sent.
    pub fn get(&self, name: &str) -> Option<&Value<'a>> {
        self.fields.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// The text of string field `name` (a `due_date` as `dd-MMM-yyyy`), when it is sent.
    pub fn text(&self, name: &str) -> Option<&str> {
        match self.get(name)? {
            Value::Text(t) => Some(t),
            _ => None,
        }
    }

    /// The amount of field `name` in cents, when it is sent.
    pub fn amount(&self, name: &str) -> Option<u32> {
        match self.get(name)? {
            Value::Amount(a) => Some(*a),
            _ => None,
        }
    }

    /// `metadata`'s entries (empty when none were given).
    pub fn metadata(&self) -> &[(Cow<'a, str>, Cow<'a, str>)] {
        match self.get(CREATE_PAYMENT_FIELDS[fields::METADATA].name) {
            Some(Value::Metadata(pairs)) => pairs,
            _ => &[],
        }
    }

    /// The line items, when given.
    pub fn line_items(&self) -> Option<&[LineItem<'a>]> {
        match self.get(CREATE_PAYMENT_FIELDS[fields::LINE_ITEMS].name)? {
            Value::LineItems(items) => Some(items),
            _ => None,
        }
    }

    /// The JSON body for PaySG.
    pub fn to_json(&self) -> String {
        // Serialising strings and integers into a String cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl Serialize for CreatePayment<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_pairs(&self.fields, s)
    }
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

/// The normalised body of a valid input whose strings were all handed over as text (the
/// fast path's full encoding) as JSON: the fields `checked` keeps, in order.
pub(crate) fn body_of(
    f: &PaymentFields<'_, '_>,
    checked: &check::Checked,
    rules: &Rules,
) -> String {
    let mut fields: Vec<(&'static str, Value<'_>)> = Vec::with_capacity(FIELD_COUNT);
    for (i, field) in CREATE_PAYMENT_FIELDS.iter().enumerate() {
        if checked.kept & (1 << i) == 0 {
            continue;
        }
        let value = match (field.kind, checked.values[i], f.values[i]) {
            (_, Normal::Amount(a), _) => Value::Amount(a),
            (_, Normal::Date(d), _) => Value::Text(Cow::Owned(d.to_paysg())),
            (Kind::Metadata, _, _) => Value::Metadata(match f.metadata {
                MetadataGiven::Strings(pairs) => pairs
                    .iter()
                    .filter_map(|(k, v)| match (k, v) {
                        (Given::Str(k), Given::Str(v)) => {
                            Some((Cow::Borrowed(*k), Cow::Borrowed(*v)))
                        }
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            }),
            (_, _, Given::Str(s)) if field.ascii_only && rules.normalise_text => {
                Value::Text(ascii::to_ascii(s))
            }
            (_, _, Given::Str(s)) => Value::Text(Cow::Borrowed(s)),
            _ => continue,
        };
        fields.push((field.name, value));
    }
    CreatePayment { fields }.to_json()
}

/// A valid refund body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Refund {
    /// Amount to refund, in cents.
    pub refund_amount_in_cents: u32,
}

/// The entries of an input that must be an object (a `Date` is not one), or its one problem.
fn object_entries<'j, 'a>(
    input: &'j Json<'a>,
    what: &str,
) -> Result<&'j [(Cow<'a, str>, Json<'a>)], Vec<FieldError>> {
    match input {
        Json::Obj(entries) if input.js_date().is_none() => Ok(entries),
        _ => Err(vec![FieldError::new(
            "",
            Code::InvalidType,
            format!(
                "the {what} must be an object, got {}",
                Given::of(Some(input)).type_name()
            ),
        )]),
    }
}

/// Validates and normalises a create-payment body, with the default [`Rules`] (the guide's
/// limits; non-ASCII payer text refused as it is).
///
/// # Errors
///
/// Every problem found, in field order (unknown fields first).
pub fn validate_create_payment<'a>(input: &Json<'a>) -> Result<CreatePayment<'a>, Vec<FieldError>> {
    validate_create_payment_with(input, &Rules::default())
}

/// Validates and normalises a create-payment body under `rules` (limits a caller set, payer text
/// mapped to ASCII first when `rules.normalise_text`).
///
/// # Errors
///
/// Every problem found, in field order (unknown fields first).
// Never inlined: the rules inside are inlined (see `check_payment`), and a copy specialised to
// the default rules would add ≈ 4 KB to the module for no measurable gain.
#[inline(never)]
pub fn validate_create_payment_with<'a>(
    input: &Json<'a>,
    rules: &Rules,
) -> Result<CreatePayment<'a>, Vec<FieldError>> {
    let entries = object_entries(input, "payment")?;
    let mut p = Problems::collecting();
    let mut slots: [Option<&Json<'a>>; FIELD_COUNT] = [None; FIELD_COUNT];
    for (key, value) in entries {
        match fields::field_index(key) {
            Some(i) => slots[i] = Some(value),
            None => {
                let k = shown_key(key);
                p.push(&k, Code::UnknownField, || {
                    let names: Vec<_> = CREATE_PAYMENT_FIELDS.iter().map(|f| f.name).collect();
                    format!(
                        "{k} is not a create-payment field; PaySG accepts {}",
                        names.join(", ")
                    )
                });
            }
        }
    }
    let mut values = [Given::Absent; FIELD_COUNT];
    for (v, slot) in values.iter_mut().zip(slots) {
        *v = Given::of(slot);
    }
    let given = PaymentFields {
        values,
        metadata: MetadataGiven::of(slots[fields::METADATA]),
    };
    let mut items = None;
    let checked = check_payment(&mut p, &given, rules, |p, field| {
        items = line_items::line_items_field(p, field.name, slots[fields::LINE_ITEMS]);
        items.is_some()
    });
    let Some(checked) = checked else {
        return Err(p.into_list());
    };
    let mut fields = Vec::with_capacity(FIELD_COUNT);
    for (i, field) in CREATE_PAYMENT_FIELDS.iter().enumerate() {
        if checked.kept & (1 << i) == 0 {
            continue;
        }
        let value = match (field.kind, checked.values[i], slots[i]) {
            (_, Normal::Amount(a), _) => Value::Amount(a),
            (_, Normal::Date(d), _) => Value::Text(Cow::Owned(d.to_paysg())),
            (Kind::Metadata, _, slot) => Value::Metadata(match slot {
                Some(Json::Obj(entries)) => entries
                    .iter()
                    .filter_map(|(k, v)| match v {
                        Json::Str(v) => Some((k.clone(), v.clone())),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            }),
            (Kind::LineItems, _, _) => Value::LineItems(items.take().unwrap_or_default()),
            (_, _, Some(Json::Str(s))) if field.ascii_only && rules.normalise_text => {
                Value::Text(match ascii::to_ascii(s) {
                    Cow::Borrowed(_) => s.clone(),
                    Cow::Owned(mapped) => Cow::Owned(mapped),
                })
            }
            (_, _, Some(Json::Str(s))) => Value::Text(s.clone()),
            // A kept field is one of the above: the rules keep only what they checked.
            _ => continue,
        };
        fields.push((field.name, value));
    }
    Ok(CreatePayment { fields })
}

/// Validates a refund body `{ refund_amount_in_cents }`. Whether the amount is within what is
/// left to refund is only known to PaySG.
///
/// # Errors
///
/// Every problem found.
pub fn validate_refund(input: &Json<'_>) -> Result<Refund, Vec<FieldError>> {
    let entries = object_entries(input, "refund")?;
    let mut p = Problems::collecting();
    let field = &REFUND_FIELDS[0];
    let mut amount = None;
    for (key, value) in entries {
        if key == field.name {
            amount = Some(value);
        } else {
            let k = shown_key(key);
            p.push(&k, Code::UnknownField, || {
                format!("{k} is not a refund field; PaySG accepts {}", field.name)
            });
        }
    }
    let Kind::Amount { min, max } = field.kind else {
        return Err(p.into_list());
    };
    let amount = money::amount_field(&mut p, field.name, Given::of(amount), min, max);
    match amount {
        Some(refund_amount_in_cents) if p.is_empty() => Ok(Refund {
            refund_amount_in_cents,
        }),
        _ => Err(p.into_list()),
    }
}
