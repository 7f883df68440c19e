//! The fast path of `validateCreatePayment` for plain inputs (its JS side is `pkg/src/fast.js`).
//!
//! Writing the input as JSON and reading a JSON answer costs more than the rules themselves. For
//! the common shape — an object whose fields are strings, a number amount and a flat metadata
//! object of strings — the JS layer instead writes the strings, back to back as UTF-8, into a
//! scratch buffer in wasm memory (one `TextEncoder.encodeInto`), their UTF-16 lengths into a
//! header, and passes the amount as an `f64`. This module reads borrowed `&str`s from that,
//! without allocating, and runs **the same** rules as the JSON path (`check_payment`, which
//! [`crate::validate::validate_create_payment`] also calls).
//!
//! **Layout** (every index is a constant here; `pkg/gen/contract.js` is generated from them):
//!
//! * `header[i]` for each create-payment field `i` ([`CREATE_PAYMENT_FIELDS`] order): a string
//!   field's UTF-16 length; `1` for the amount; `metadata`'s entry count; or [`ABSENT`].
//!   `line_items` is always [`ABSENT`] (inputs with line items take the JSON path).
//! * `header[METADATA_LENGTHS + 2e]`, `+ 2e + 1`: metadata entry `e`'s key and value lengths.
//! * [`TEXT_FIELDS`] and [`TEXT_METADATA`]: bit masks of the strings whose text is in the buffer
//!   (bit `i` for field `i`; bits `2e`, `2e + 1` for metadata entry `e`). A string whose bit is
//!   clear goes *by length only*: its text is not in the buffer, and `header[FIRST_CHARS + i]`
//!   (fields) or `header[FIRST_CHARS + FIELD_COUNT + 2e (+ 1)]` (metadata) holds the code of
//!   its first character, which must be printable non-space ASCII — checked here, so the rules
//!   may take the string as not blank. Only strings whose rules need no text
//!   ([`Field::reads_text`](crate::validate::Field::reads_text): not payer text, whose
//!   characters are checked) may go that way. (The first
//!   character in the header rather than in the buffer: one string concatenation fewer per
//!   field in JS, measured ≈ 0.1 µs of a 0.7 µs call.)
//!
//! **Answer**, a word. For a valid input: a bit mask of the fields the normalised body keeps (bit
//! `i` for field `i`), plus [`DUE_DATE_REWRITTEN`] when a normalised `due_date` differs from the
//! input (its 11 ASCII bytes are then at the start of the buffer). For an invalid one:
//! [`INVALID`] | [`DETAILS`] | the byte length of the problems' text, with the problems listed in
//! the header (count, then code index in [`Code::ALL`](crate::validate::Code::ALL), field length and message length in UTF-16
//! units for each) and their text (field, then message, each problem in turn) at the start of
//! the buffer; or [`INVALID`] alone when the JS layer must ask again (every text, or the JSON
//! path).

pub mod encode;

use crate::strings::js_length;
use crate::validate::fields::{AMOUNT, DUE_DATE, FIELD_COUNT, LINE_ITEMS, METADATA};
use crate::validate::{
    check_payment, FieldError, Given, MetadataGiven, Normal, PaymentFields, Problems, Rules,
    CREATE_PAYMENT_FIELDS, METADATA_MAX_ENTRIES,
};

/// Header word meaning "field absent".
pub const ABSENT: u32 = u32::MAX;
/// The most metadata entries the fast path takes (more goes the JSON way, to report them).
pub const MAX_FAST_METADATA: usize = METADATA_MAX_ENTRIES;
/// Header index of the first metadata key length; entries follow as key, value pairs.
pub const METADATA_LENGTHS: usize = FIELD_COUNT;
/// Header index of the mask of fields whose text is in the buffer.
pub const TEXT_FIELDS: usize = METADATA_LENGTHS + 2 * MAX_FAST_METADATA;
/// Header index of the mask of metadata keys and values whose text is in the buffer.
pub const TEXT_METADATA: usize = TEXT_FIELDS + 1;
/// Header index of the first characters of length-only strings: fields, then metadata strings.
pub const FIRST_CHARS: usize = TEXT_METADATA + 1;
/// Header length in words (the input uses the first [`TEXT_METADATA`] + 1; the problem list may
/// use all of them).
pub const HEADER_WORDS: usize = 128;
/// Answer bit: the input is invalid.
pub const INVALID: u32 = 1 << 31;
/// Answer bit, with [`INVALID`]: the problems are in the header and buffer.
pub const DETAILS: u32 = 1 << 30;
/// Answer bit, for a valid input: `due_date` was normalised; its 11 ASCII bytes are at the start
/// of the buffer.
pub const DUE_DATE_REWRITTEN: u32 = 1 << 30;
/// A length-only string's first character is in this range (printable, non-space ASCII).
pub const LENGTH_ONLY_FIRST: std::ops::RangeInclusive<u8> = 0x21..=0x7e;

// The masks have a bit per field and per metadata string; the answer, a bit per field below
// the two flag bits.
const _: () = assert!(FIELD_COUNT <= 30 && 2 * MAX_FAST_METADATA <= 32);
const _: () = assert!(FIRST_CHARS + FIELD_COUNT + 2 * MAX_FAST_METADATA <= HEADER_WORDS);

/// Splits the strings out of the buffer's text by their UTF-16 lengths.
struct Reader<'a> {
    text: &'a str,
    ascii: bool,
    pos: usize,
}

impl<'a> Reader<'a> {
    /// The buffer's text, which must be UTF-8 (in ASCII, a UTF-16 length is a byte length).
    fn new(bytes: &'a [u8]) -> Option<Self> {
        let text = std::str::from_utf8(bytes).ok()?;
        Some(Reader {
            text,
            ascii: text.is_ascii(),
            pos: 0,
        })
    }

    /// The next string, `units` UTF-16 code units long.
    fn take(&mut self, units: u32) -> Option<&'a str> {
        let units = units as usize;
        let rest = self.text.get(self.pos..)?;
        let end = if self.ascii {
            units
        } else {
            let mut counted = 0;
            let mut end = 0;
            for c in rest.chars() {
                if counted >= units {
                    break;
                }
                counted += c.len_utf16();
                end += c.len_utf8();
            }
            if counted != units {
                return None;
            }
            end
        };
        let s = rest.get(..end)?;
        self.pos += end;
        Some(s)
    }

    /// A length-only string of `units` UTF-16 code units whose first character has code
    /// `first`: printable non-space ASCII, so the string is not blank.
    fn sized(units: u32, first: u32) -> Option<Given<'a>> {
        let first = u8::try_from(first).ok()?;
        (units > 0 && LENGTH_ONLY_FIRST.contains(&first)).then_some(Given::Sized(units as usize))
    }

    /// Whether every byte was read.
    fn done(&self) -> bool {
        self.pos == self.text.len()
    }
}

/// What the rules said.
enum Outcome {
    /// Valid: the kept-fields mask, and the normalised `due_date` when it differs.
    Valid(u32, Option<[u8; 11]>),
    /// Invalid, with every problem.
    Invalid(Vec<FieldError>),
    /// The encoding could not be read, or the rules need what was not handed over.
    AskAgain,
}

/// Validates the fast-path encoding: the first `len` bytes of `buf`, described by `header`.
/// Writes the normalised `due_date` or the problems back (see the module docs).
pub fn validate(header: &mut [u32], buf: &mut [u8], len: usize, amount: f64) -> u32 {
    let outcome = match buf.get(..len) {
        Some(bytes) => run(header, bytes, amount),
        None => Outcome::AskAgain,
    };
    match outcome {
        Outcome::Valid(mask, None) => mask,
        Outcome::Valid(mask, Some(date)) => match buf.get_mut(..date.len()) {
            Some(dst) => {
                dst.copy_from_slice(&date);
                mask | DUE_DATE_REWRITTEN
            }
            None => INVALID,
        },
        Outcome::Invalid(problems) => write_problems(header, buf, &problems).unwrap_or(INVALID),
        Outcome::AskAgain => INVALID,
    }
}

/// Whether string `i` of a mask has its text in the buffer.
fn has_text(mask: u32, i: usize) -> bool {
    mask & (1 << i) != 0
}

/// Reads the encoding and hands the fields to `f` (with whether any string went by length
/// only); `None` when the encoding breaks an invariant.
fn with_fields<R>(
    header: &[u32],
    bytes: &[u8],
    amount: f64,
    f: impl FnOnce(&PaymentFields<'_, '_>, bool) -> R,
) -> Option<R> {
    if header.len() < HEADER_WORDS || header[LINE_ITEMS] != ABSENT {
        return None;
    }
    let count = header[METADATA];
    let pairs_given = if count == ABSENT { 0 } else { count as usize };
    if pairs_given > MAX_FAST_METADATA {
        return None;
    }
    let (field_text, metadata_text) = (header[TEXT_FIELDS], header[TEXT_METADATA]);
    let lengths = &header[METADATA_LENGTHS..METADATA_LENGTHS + 2 * pairs_given];
    let first_chars = &header[FIRST_CHARS..FIRST_CHARS + FIELD_COUNT + 2 * MAX_FAST_METADATA];
    let mut reader = Reader::new(bytes)?;
    let mut lean = false;
    let mut next = |text: bool, units: u32, first: u32| -> Option<Given<'_>> {
        if text {
            reader.take(units).map(Given::Str)
        } else {
            lean = true;
            Reader::sized(units, first)
        }
    };
    let mut values = [Given::Absent; FIELD_COUNT];
    for (i, f) in CREATE_PAYMENT_FIELDS.iter().enumerate() {
        if f.kind.is_string() && header[i] != ABSENT {
            let text = has_text(field_text, i);
            if !text && f.reads_text() {
                return None;
            }
            values[i] = next(text, header[i], first_chars[i])?;
        }
    }
    match header[AMOUNT] {
        1 => values[AMOUNT] = Given::Num(amount),
        ABSENT => {}
        _ => return None,
    }
    let mut pairs = [(Given::Absent, Given::Absent); MAX_FAST_METADATA];
    for (e, pair) in pairs.iter_mut().take(pairs_given).enumerate() {
        let (j, first) = (2 * e, &first_chars[FIELD_COUNT..]);
        *pair = (
            next(has_text(metadata_text, j), lengths[j], first[j])?,
            next(has_text(metadata_text, j + 1), lengths[j + 1], first[j + 1])?,
        );
    }
    if !reader.done() {
        return None;
    }
    let fields = PaymentFields {
        values,
        metadata: if count == ABSENT {
            MetadataGiven::Value(Given::Absent)
        } else {
            MetadataGiven::Strings(&pairs[..pairs_given])
        },
    };
    Some(f(&fields, lean))
}

fn run(header: &[u32], bytes: &[u8], amount: f64) -> Outcome {
    with_fields(header, bytes, amount, |fields, lean| {
        let mut p = Problems::counting();
        if let Some(checked) = check_payment(&mut p, fields, &Rules::default(), |_, _| false) {
            let rewritten = match (checked.values[DUE_DATE], fields.values[DUE_DATE]) {
                (Normal::Date(d), Given::Str(given)) => {
                    let d = d.to_paysg_bytes();
                    (d != given.as_bytes()).then_some(d)
                }
                _ => None,
            };
            return Outcome::Valid(checked.kept, rewritten);
        }
        if p.missing_text() {
            return Outcome::AskAgain;
        }
        // Invalid: run the rules again, this time building the messages. Messages never show
        // values, so lengths suffice, except for metadata problems, whose field names the key:
        // then the JS layer is asked for every text.
        let mut p = Problems::collecting();
        let _ = check_payment(&mut p, fields, &Rules::default(), |_, _| false);
        let problems = p.into_list();
        let metadata_path = CREATE_PAYMENT_FIELDS[METADATA].name;
        if lean
            && problems
                .iter()
                .any(|e| e.field.len() > metadata_path.len() && e.field.starts_with(metadata_path))
        {
            return Outcome::AskAgain;
        }
        Outcome::Invalid(problems)
    })
    .unwrap_or(Outcome::AskAgain)
}

/// The normalised create-payment body of a *full* encoding (every text in the buffer) as the
/// JSON sent to PaySG, or every problem: what the client sends, checked by the same rules
/// (under the client's and the call's `rules`), without the input crossing as JSON.
///
/// # Errors
///
/// Every problem; one problem when the encoding cannot be read.
pub fn body_json(
    header: &[u32],
    bytes: &[u8],
    amount: f64,
    rules: &Rules,
) -> Result<String, Vec<FieldError>> {
    let unreadable = || {
        vec![FieldError::new(
            "",
            crate::validate::Code::InvalidType,
            "the payment could not be read from the module's buffer",
        )]
    };
    with_fields(header, bytes, amount, |fields, lean| {
        if lean {
            return Err(unreadable());
        }
        let mut p = Problems::collecting();
        match check_payment(&mut p, fields, rules, |_, _| false) {
            Some(checked) => Ok(crate::validate::body_of(fields, &checked, rules)),
            None => Err(p.into_list()),
        }
    })
    .unwrap_or_else(|| Err(unreadable()))
}

/// Writes the problems into the header and buffer; `None` when they do not fit.
fn write_problems(header: &mut [u32], buf: &mut [u8], problems: &[FieldError]) -> Option<u32> {
    let words = header.get_mut(..1 + 3 * problems.len())?;
    let mut pos = 0usize;
    words[0] = u32::try_from(problems.len()).ok()?;
    for (i, e) in problems.iter().enumerate() {
        words[1 + 3 * i] = u32::try_from(e.code.index()).ok()?;
        words[2 + 3 * i] = u32::try_from(js_length(&e.field)).ok()?;
        words[3 + 3 * i] = u32::try_from(js_length(&e.message)).ok()?;
        for text in [&e.field, &e.message] {
            let end = pos.checked_add(text.len())?;
            buf.get_mut(pos..end)?.copy_from_slice(text.as_bytes());
            pos = end;
        }
    }
    let len = u32::try_from(pos)
        .ok()
        .filter(|n| n & (INVALID | DETAILS) == 0)?;
    Some(INVALID | DETAILS | len)
}

/// Whether a string may go by length only (what the JS layer decides, and the reading checks):
/// non-empty and first a printable non-space ASCII character. Used by the tests' encoder.
pub fn may_go_by_length(s: &str) -> bool {
    s.as_bytes()
        .first()
        .is_some_and(|b| LENGTH_ONLY_FIRST.contains(b))
}
