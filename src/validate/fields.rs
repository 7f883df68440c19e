//! The create-payment and refund fields, defined once: each field's name, kind, limits and
//! documentation, in the order of PaySG's reference. Validation (both paths), the normalised
//! body, the fast path's layout, the TypeScript types and the README's rules table are all read
//! from [`CREATE_PAYMENT_FIELDS`] and [`REFUND_FIELDS`].
//!
//! Adding an optional string field is one entry in [`CREATE_PAYMENT_FIELDS`]. The rules run over
//! the table in [`super::check`].

use super::money::{AMOUNT_DEFAULT_MAX, AMOUNT_MAX, AMOUNT_MIN};
use super::rules::{AMOUNT_LIMIT, LIMITS, PAYER_IDENTIFIER_LIMIT};

/// The most characters (UTF-16 code units) in `reference_id`.
pub const REFERENCE_ID_MAX: usize = 255;
/// The most characters in `payer_name`.
pub const PAYER_NAME_MAX: usize = 255;
/// The most characters in `payer_address`.
pub const PAYER_ADDRESS_MAX: usize = 255;
/// The most characters in `payer_identifier` by default (the guide's 10; Plumber allows 20, see
/// §18 C3): `limits.payer_identifier` sets another ([`super::rules`]).
pub const PAYER_IDENTIFIER_MAX: usize = LIMITS[PAYER_IDENTIFIER_LIMIT].default as usize;
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
    /// Whether PaySG takes it only in ASCII (payer text: see [`super::ascii`]).
    pub ascii_only: bool,
    /// What it is, for people (the TypeScript docs); the limits are added from `kind`.
    pub doc: &'static str,
}

impl Field {
    /// Whether the field's rules read the string's text, not only its length (the fast path
    /// then always hands the text over).
    pub const fn reads_text(&self) -> bool {
        self.kind.reads_text() || self.ascii_only
    }
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
        ascii_only: false,
        doc: "The agency's own reference, e.g. an invoice number.",
    },
    Field {
        name: "payer_name",
        kind: Kind::Text {
            max: PAYER_NAME_MAX,
        },
        required: true,
        ascii_only: true,
        doc: "The payer's name.",
    },
    Field {
        name: "payer_address",
        kind: Kind::Text {
            max: PAYER_ADDRESS_MAX,
        },
        required: false,
        ascii_only: true,
        doc: "The payer's address.",
    },
    Field {
        name: "payer_identifier",
        kind: Kind::Text {
            max: PAYER_IDENTIFIER_MAX,
        },
        required: false,
        ascii_only: false,
        doc: "NRIC, UEN or similar.",
    },
    Field {
        name: "payer_email",
        kind: Kind::Email {
            max: PAYER_EMAIL_MAX,
        },
        required: false,
        ascii_only: false,
        doc: "Where the payment link and receipt go.",
    },
    Field {
        name: "description",
        kind: Kind::Text {
            max: DESCRIPTION_MAX,
        },
        required: true,
        ascii_only: false,
        doc: "What the payment is for; shown to the payer.",
    },
    Field {
        name: "amount_in_cents",
        kind: Kind::Amount {
            min: AMOUNT_MIN,
            max: AMOUNT_DEFAULT_MAX,
        },
        required: true,
        ascii_only: false,
        doc: "The amount due.",
    },
    Field {
        name: "due_date",
        kind: Kind::DueDate,
        required: false,
        ascii_only: false,
        doc: "For display only: PaySG does not expire the link.",
    },
    Field {
        name: "metadata",
        kind: Kind::Metadata,
        required: false,
        ascii_only: false,
        doc: "The agency's own keys and values, returned with the payment.",
    },
    Field {
        name: "line_items",
        kind: Kind::LineItems,
        required: false,
        ascii_only: false,
        doc: "What the amount is made of.",
    },
    Field {
        name: "return_url",
        kind: Kind::HttpsUrl,
        required: false,
        ascii_only: false,
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
    ascii_only: false,
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

/// The index of the create-payment field named `name` (for constants).
const fn index_named(name: &str) -> usize {
    let mut i = 0;
    while i < FIELD_COUNT && !crate::json::const_eq(CREATE_PAYMENT_FIELDS[i].name, name) {
        i += 1;
    }
    i
}

/// The index of the field `limits.payer_identifier` limits.
pub const PAYER_IDENTIFIER: usize = index_named(LIMITS[PAYER_IDENTIFIER_LIMIT].name);
/// The index of the field `limits.amount_in_cents` limits (the amount).
const AMOUNT_LIMITED: usize = index_named(LIMITS[AMOUNT_LIMIT].name);
const _: () = assert!(PAYER_IDENTIFIER < FIELD_COUNT && AMOUNT_LIMITED == AMOUNT);

/// The index of a create-payment field.
pub fn field_index(key: &str) -> Option<usize> {
    // Length and first byte first: most names differ there, and the full comparison is a call.
    let (len, first) = (key.len(), key.as_bytes().first());
    CREATE_PAYMENT_FIELDS
        .iter()
        .position(|f| f.name.len() == len && f.name.as_bytes().first() == first && f.name == key)
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
