//! The create-payment rules, run over the field table ([`super::fields`]) for whatever the input
//! holds ([`Given`]), the same on the JSON path and the fast path.

use super::ascii::payer_text_field;
use super::email::is_email;
use super::fields::{Field, Kind, AMOUNT, CREATE_PAYMENT_FIELDS, FIELD_COUNT, PAYER_IDENTIFIER};
use super::given::{string_field, Given};
use super::metadata::{metadata_field, MetadataGiven};
use super::money::amount_field;
use super::problems::{Code, Problems};
use super::rules::Rules;
use super::url::{check_url, UrlError};
use crate::dates::{self, Date, DateError};

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

fn due_date_field(p: &mut Problems, field: &str, value: Given<'_>, required: bool) -> Option<Date> {
    let text = match value {
        // A JS Date: its ISO text, read as its calendar date in Singapore.
        Given::Date(Some(iso)) => iso,
        Given::Date(None) => {
            p.push(field, Code::InvalidType, || {
                format!("{field} must be a valid date, got an invalid Date (its time is NaN)")
            });
            return None;
        }
        other => {
            let value = string_field(p, field, other, usize::MAX, required);
            text_of(p, value)?
        }
    };
    match dates::parse_due_date(text) {
        Ok(d) => Some(d),
        Err(DateError::Format) => {
            p.push(field, Code::InvalidFormat, || {
                format!("{field} must be a date as dd-MMM-yyyy (31-DEC-2023), YYYY-MM-DD or an ISO date-time")
            });
            None
        }
        Err(DateError::Calendar) => {
            p.push(field, Code::InvalidDate, || {
                format!(
                    "{field} is not a real calendar date (check the day of the month and leap years)"
                )
            });
            None
        }
    }
}

/// The fields of a create-payment input, as the rules see them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PaymentFields<'j, 's> {
    /// What each field holds, by its index in [`CREATE_PAYMENT_FIELDS`] (the metadata and line
    /// items slots are not read: see `metadata` and `check_payment`'s `line_items`).
    pub values: [Given<'s>; FIELD_COUNT],
    /// What `metadata` holds.
    pub metadata: MetadataGiven<'j, 's>,
}

/// A normalised value the body gets from the rules rather than from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Normal {
    /// The field is sent as given (or not at all).
    AsGiven,
    /// A checked amount.
    Amount(u32),
    /// A checked date, sent as `dd-MMM-yyyy`.
    Date(Date),
}

/// The outcome of the rules for a valid input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Checked {
    /// Bit `i` is set when field `CREATE_PAYMENT_FIELDS[i]` goes into the body.
    pub kept: u32,
    /// What the rules made of each field.
    pub values: [Normal; FIELD_COUNT],
}

/// Every create-payment rule, in field order. Line items (which only the JSON path reads) are
/// checked by `line_items` at their place in that order; it answers whether they go into the
/// body.
#[inline(always)]
pub(crate) fn check_payment(
    p: &mut Problems,
    f: &PaymentFields<'_, '_>,
    rules: &Rules,
    mut line_items: impl FnMut(&mut Problems, &Field) -> bool,
) -> Option<Checked> {
    let mut checked = Checked {
        kept: 0,
        values: [Normal::AsGiven; FIELD_COUNT],
    };
    // One call per field with a constant index, so that each field's kind and limits are
    // constants and the rules run straight through: as a loop over the table, the fast path
    // took ≈ 70 ns more in wasm (a quarter of its time). Indices past the table are skipped at
    // compile time; the bound is the fast path's (FIELD_COUNT ≤ 30).
    macro_rules! each_field {
        ($($i:literal)*) => {$(
            if $i < FIELD_COUNT {
                check_field($i, p, f, rules, &mut checked, &mut line_items);
            }
        )*};
    }
    each_field!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29);
    p.is_empty().then_some(checked)
}

/// The rule of field `i`, noted in `checked`.
#[inline(always)]
fn check_field(
    i: usize,
    p: &mut Problems,
    f: &PaymentFields<'_, '_>,
    rules: &Rules,
    checked: &mut Checked,
    line_items: &mut impl FnMut(&mut Problems, &Field) -> bool,
) {
    let Some(field) = CREATE_PAYMENT_FIELDS.get(i) else {
        return;
    };
    let (name, given, required) = (field.name, f.values[i], field.required);
    let kept = match field.kind {
        // The limits a caller may set replace the table's defaults (`i` is a constant here).
        Kind::Text { .. } if i == PAYER_IDENTIFIER => {
            let max = rules.limits.payer_identifier;
            string_field(p, name, given, max, required).is_some()
        }
        Kind::Text { max } if field.ascii_only => {
            payer_text_field(p, name, given, max, required, rules)
        }
        Kind::Text { max } => string_field(p, name, given, max, required).is_some(),
        Kind::Email { max } => {
            let value = string_field(p, name, given, max, required);
            if let Some(email) = text_of(p, value) {
                if !is_email(email) {
                    p.push(name, Code::InvalidEmail, || {
                        format!("{name} must be an email address such as name@agency.gov.sg")
                    });
                }
            }
            value.is_some()
        }
        Kind::HttpsUrl => {
            let value = string_field(p, name, given, usize::MAX, required);
            if let Some(url) = text_of(p, value) {
                match check_url(url, &["https"]) {
                    Ok(()) => {}
                    Err(UrlError::Invalid) => p.push(name, Code::InvalidUrl, || {
                        format!("{name} must be an absolute URL such as https://agency.gov.sg/paid")
                    }),
                    Err(UrlError::Scheme) => p.push(name, Code::NotHttps, || {
                        format!("{name} must use https (PaySG blocks payment creation otherwise)")
                    }),
                }
            }
            value.is_some()
        }
        Kind::DueDate => match due_date_field(p, name, given, required) {
            Some(d) => {
                checked.values[i] = Normal::Date(d);
                true
            }
            None => false,
        },
        Kind::Amount { min, max } => match (given, required) {
            (Given::Absent, false) => false,
            _ => match amount_field(p, name, given, min, amount_max(i, max, rules)) {
                Some(a) => {
                    checked.values[i] = Normal::Amount(a);
                    true
                }
                None => false,
            },
        },
        Kind::Metadata => {
            metadata_field(p, name, f.metadata);
            true
        }
        Kind::LineItems => line_items(p, field),
    };
    if kept {
        checked.kept |= 1 << i;
    }
}

/// The largest amount of field `i`: the caller's `limits.amount_in_cents` for the amount.
#[inline(always)]
fn amount_max(i: usize, max: u32, rules: &Rules) -> u32 {
    if i == AMOUNT {
        rules.limits.amount_in_cents
    } else {
        max
    }
}
