//! The create-payment and refund fields, defined once: each field's name, kind, limits and
//! documentation, in the order of PaySG's reference. Validation (both paths), the normalised
//! body, the fast path's layout, the TypeScript types and the README's rules table are all read
//! from [`CREATE_PAYMENT_FIELDS`] and [`REFUND_FIELDS`].
//!
//! Adding an optional string field is one entry in [`CREATE_PAYMENT_FIELDS`].

use super::email::is_email;
use super::metadata::{metadata_field, MetadataGiven};
use super::money::{amount_field, AMOUNT_MAX, AMOUNT_MIN};
use super::problems::{Code, Problems};
use super::url::{check_url, UrlError};
use crate::dates::{self, Date, DateError};
use crate::json::Json;
use crate::text::{is_blank, js_length};

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

/// What a field holds, and so which rule checks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string of at most `max` UTF-16 code units; when required, not blank.
    Text {
        /// The limit, in UTF-16 code units.
        max: usize,
    },
    /// An email address (`local@domain.tld`) of at most `max` characters.
    Email {
        /// The limit, in UTF-16 code units.
        max: usize,
    },
    /// A date (`dd-MMM-yyyy`, ISO, or a JS `Date`), sent as `dd-MMM-yyyy`.
    DueDate,
    /// An absolute `https` URL.
    HttpsUrl,
    /// A whole number of cents.
    Amount {
        /// The smallest amount.
        min: u32,
        /// The largest amount.
        max: u32,
    },
    /// An object of string keys to string values (see [`super::metadata`]); always sent.
    Metadata,
    /// An array of line items (see [`super::line_items`]).
    LineItems,
}

impl Kind {
    /// Whether the field holds a string (the fast path passes it as text, or by length).
    pub const fn is_string(self) -> bool {
        matches!(
            self,
            Kind::Text { .. } | Kind::Email { .. } | Kind::DueDate | Kind::HttpsUrl
        )
    }

    /// Whether the field's rule reads the string's text, not only its length.
    pub const fn reads_text(self) -> bool {
        matches!(self, Kind::Email { .. } | Kind::DueDate | Kind::HttpsUrl)
    }
}

/// One field of a request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The wire name.
    pub name: &'static str,
    /// What it holds and which rule checks it.
    pub kind: Kind,
    /// Whether it must be present.
    pub required: bool,
    /// What it is, for people (the TypeScript docs); the limits are added from `kind`.
    pub doc: &'static str,
}

/// The fields of a create-payment body, in the order of PaySG's reference (and of the body
/// sent). `paysg-api.md` §6.1; where sources disagree, the README says which side is taken.
pub const CREATE_PAYMENT_FIELDS: &[Field] = &[
    Field {
        name: "reference_id",
        kind: Kind::Text {
            max: REFERENCE_ID_MAX,
        },
        required: true,
        doc: "The agency's own reference, e.g. an invoice number.",
    },
    Field {
        name: "payer_name",
        kind: Kind::Text {
            max: PAYER_NAME_MAX,
        },
        required: true,
        doc: "The payer's name.",
    },
    Field {
        name: "payer_address",
        kind: Kind::Text {
            max: PAYER_ADDRESS_MAX,
        },
        required: false,
        doc: "The payer's address.",
    },
    Field {
        name: "payer_identifier",
        kind: Kind::Text {
            max: PAYER_IDENTIFIER_MAX,
        },
        required: false,
        doc: "NRIC, UEN or similar.",
    },
    Field {
        name: "payer_email",
        kind: Kind::Email {
            max: PAYER_EMAIL_MAX,
        },
        required: false,
        doc: "Where the payment link and receipt go.",
    },
    Field {
        name: "description",
        kind: Kind::Text {
            max: DESCRIPTION_MAX,
        },
        required: true,
        doc: "What the payment is for; shown to the payer.",
    },
    Field {
        name: "amount_in_cents",
        kind: Kind::Amount {
            min: AMOUNT_MIN,
            max: AMOUNT_MAX,
        },
        required: true,
        doc: "The amount due.",
    },
    Field {
        name: "due_date",
        kind: Kind::DueDate,
        required: false,
        doc: "For display only: PaySG does not expire the link.",
    },
    Field {
        name: "metadata",
        kind: Kind::Metadata,
        required: false,
        doc: "The agency's own keys and values, returned with the payment.",
    },
    Field {
        name: "line_items",
        kind: Kind::LineItems,
        required: false,
        doc: "What the amount is made of.",
    },
    Field {
        name: "return_url",
        kind: Kind::HttpsUrl,
        required: false,
        doc: "Where PaySG sends the payer after a successful payment, with paysg_payment_id and paysg_payment_service_id added to its query.",
    },
];

/// How many create-payment fields there are.
pub const FIELD_COUNT: usize = CREATE_PAYMENT_FIELDS.len();

/// The fields of a refund body (`paysg-api.md` §10).
pub const REFUND_FIELDS: &[Field] = &[Field {
    name: "refund_amount_in_cents",
    kind: Kind::Amount {
        min: AMOUNT_MIN,
        max: AMOUNT_MAX,
    },
    required: true,
    doc: "The amount to refund, within what is left to refund (only PaySG knows that).",
}];

/// The index of the first create-payment field of `kind`'s variant (limits aside).
const fn index_of(kind: Kind) -> usize {
    const fn variant(k: Kind) -> u8 {
        match k {
            Kind::Text { .. } => 0,
            Kind::Email { .. } => 1,
            Kind::DueDate => 2,
            Kind::HttpsUrl => 3,
            Kind::Amount { .. } => 4,
            Kind::Metadata => 5,
            Kind::LineItems => 6,
        }
    }
    let mut i = 0;
    while i < FIELD_COUNT {
        if variant(CREATE_PAYMENT_FIELDS[i].kind) == variant(kind) {
            return i;
        }
        i += 1;
    }
    FIELD_COUNT
}

/// The index of the metadata field.
pub const METADATA: usize = index_of(Kind::Metadata);
/// The index of the line-items field.
pub const LINE_ITEMS: usize = index_of(Kind::LineItems);
/// The index of the due-date field (the one that takes a JS `Date`).
pub const DUE_DATE: usize = index_of(Kind::DueDate);
/// The index of the amount field (the fast path passes it as a number).
pub const AMOUNT: usize = index_of(Kind::Amount { min: 0, max: 0 });

// The fast path answers with a bit per field below its two flag bits, and passes one amount.
const _: () = assert!(FIELD_COUNT <= 30);
const _: () = assert!(
    METADATA < FIELD_COUNT
        && LINE_ITEMS < FIELD_COUNT
        && AMOUNT < FIELD_COUNT
        && DUE_DATE < FIELD_COUNT
);

/// The index of a create-payment field.
pub fn field_index(key: &str) -> Option<usize> {
    CREATE_PAYMENT_FIELDS.iter().position(|f| f.name == key)
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
                check_field($i, p, f, &mut checked, &mut line_items);
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
    checked: &mut Checked,
    line_items: &mut impl FnMut(&mut Problems, &Field) -> bool,
) {
    let Some(field) = CREATE_PAYMENT_FIELDS.get(i) else {
        return;
    };
    let (name, given, required) = (field.name, f.values[i], field.required);
    let kept = match field.kind {
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
            _ => match amount_field(p, name, given, min, max) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_consistent() {
        let mut names: Vec<_> = CREATE_PAYMENT_FIELDS.iter().map(|f| f.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), FIELD_COUNT, "unique names");
        for (i, f) in CREATE_PAYMENT_FIELDS.iter().enumerate() {
            assert_eq!(field_index(f.name), Some(i));
            assert!(!f.doc.is_empty());
            assert!(f.kind.is_string() || !f.kind.reads_text());
        }
        assert_eq!(CREATE_PAYMENT_FIELDS[METADATA].name, "metadata");
        assert_eq!(CREATE_PAYMENT_FIELDS[LINE_ITEMS].name, "line_items");
        assert_eq!(CREATE_PAYMENT_FIELDS[AMOUNT].name, "amount_in_cents");
        let amounts = CREATE_PAYMENT_FIELDS
            .iter()
            .filter(|f| matches!(f.kind, Kind::Amount { .. }))
            .count();
        assert_eq!(amounts, 1, "the fast path passes exactly one amount");
        let dates = CREATE_PAYMENT_FIELDS
            .iter()
            .filter(|f| f.kind == Kind::DueDate)
            .count();
        assert_eq!(dates, 1, "the fast path rewrites exactly one date");
        assert_eq!(field_index("amount"), None);
    }
}
