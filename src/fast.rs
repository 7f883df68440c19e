//! The fast path of `validateCreatePayment` for plain inputs.
//!
//! Writing the input as JSON and reading a JSON answer costs more than the rules themselves. For
//! the common shape — an object whose fields are strings, a number amount and a flat metadata
//! object of strings — the JS layer instead writes the strings, back to back as UTF-8, into a
//! scratch buffer in wasm memory (one `TextEncoder.encodeInto`), their UTF-16 lengths into a
//! header, and passes the amount as an `f64`. Strings whose rules only need their length may be
//! passed by length alone (see [`TEXT_MASK`]); the rules then see a [`Given::Sized`]. This module reads borrowed `&str`s from that,
//! without allocating, and runs **the same** rules as the JSON path
//! ([`check_payment`], which [`crate::validate::validate_create_payment`] also calls).
//!
//! The answer is a word. For a valid input: a bit mask of the fields the normalised body keeps
//! (bit `i` for `CREATE_PAYMENT_FIELDS[i]`), plus [`DUE_DATE_REWRITTEN`] when the normalised
//! `due_date` differs from the input (its 11 ASCII bytes are then at the start of the buffer).
//! For an invalid one: [`INVALID`] | [`DETAILS`] | the byte length of the problems' text, with
//! the problems listed in the header (count, then code index, field length and message length
//! in UTF-16 units for each) and their text (field, then message, each problem in turn) at the
//! start of the buffer; or [`INVALID`] alone when the JS layer must ask the JSON path.

use crate::validate::{
    check_payment, js_length, Code, FieldError, Given, MetadataGiven, PaymentFields, Problems,
    CREATE_PAYMENT_FIELDS,
};

/// The string fields of the fast path, in the order of their header words and bytes.
pub const STRING_FIELDS: [&str; 8] = [
    "reference_id",
    "payer_name",
    "payer_address",
    "payer_identifier",
    "payer_email",
    "description",
    "due_date",
    "return_url",
];
// The answer mask has one bit per create-payment field, below the flag bits.
const _: () = assert!(CREATE_PAYMENT_FIELDS.len() == 11);

/// Header word meaning "field absent".
pub const ABSENT: u32 = u32::MAX;
/// Header index of the metadata entry count (or [`ABSENT`]).
pub const METADATA_COUNT: usize = 8;
/// Header index of the first metadata key length; entries follow as key, value pairs.
pub const METADATA_LENGTHS: usize = 9;
/// Header index of the text mask: bit `i` set when the text of string `i` is in the buffer
/// (strings numbered in header order: the 8 fields, then each metadata key and value). A string
/// whose bit is clear is passed by length only ([`Given::Sized`]): the JS layer may leave out the
/// text of a string that is non-empty and starts with a printable non-space ASCII character when
/// it is not `payer_email`, `due_date` or `return_url` (whose rules read the text).
pub const TEXT_MASK: usize = 29;
/// Header index of the amount flag: 1 when `amount_in_cents` is present.
pub const AMOUNT_PRESENT: usize = 31;
/// Header length in words (input: 32; the problem list uses the rest).
pub const HEADER_WORDS: usize = 128;
/// The most metadata entries the fast path takes (more goes the JSON way, to report them).
pub const MAX_FAST_METADATA: usize = 10;
/// Answer bit: the input is invalid.
pub const INVALID: u32 = 1 << 31;
/// Answer bit, with [`INVALID`]: the problems are in the header and buffer.
pub const DETAILS: u32 = 1 << 30;
/// Answer bit, for a valid input: `due_date` was normalised; its 11 ASCII bytes are at the start
/// of the buffer.
pub const DUE_DATE_REWRITTEN: u32 = 1 << 30;

/// Splits the strings out of the buffer's text by their UTF-16 lengths.
struct Reader<'a> {
    text: &'a str,
    ascii: bool,
    pos: usize,
}

impl<'a> Reader<'a> {
    /// `units` is the sum of the UTF-16 lengths: valid UTF-8 of exactly that many bytes is
    /// ASCII (any other character takes more UTF-8 bytes than UTF-16 units).
    fn new(bytes: &'a [u8], units: u64) -> Option<Self> {
        let text = std::str::from_utf8(bytes).ok()?;
        Some(Reader {
            text,
            ascii: text.len() as u64 == units,
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
}

/// What the rules said.
enum Outcome {
    /// Valid: the kept-fields mask, and the normalised `due_date` when it differs.
    Valid(u32, Option<[u8; 11]>),
    /// Invalid, with every problem.
    Invalid(Vec<FieldError>),
    /// The encoding could not be read.
    Unreadable,
}

/// Validates the fast-path encoding: the first `len` bytes of `buf`, described by `header`.
/// Writes the normalised `due_date` or the problems back (see the module docs).
pub fn validate(header: &mut [u32], buf: &mut [u8], len: usize, amount: f64) -> u32 {
    let outcome = match buf.get(..len) {
        Some(bytes) => run(header, bytes, amount),
        None => Outcome::Unreadable,
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
        Outcome::Unreadable => INVALID,
    }
}

fn run(header: &[u32], bytes: &[u8], amount: f64) -> Outcome {
    if header.len() < HEADER_WORDS {
        return Outcome::Unreadable;
    }
    let count = header[METADATA_COUNT];
    let pairs_given = if count == ABSENT { 0 } else { count as usize };
    if pairs_given > MAX_FAST_METADATA {
        return Outcome::Unreadable;
    }
    let mask = header[TEXT_MASK];
    let lengths = header[..8]
        .iter()
        .chain(&header[METADATA_LENGTHS..METADATA_LENGTHS + 2 * pairs_given]);
    let units: u64 = lengths
        .enumerate()
        .filter(|&(i, &w)| w != ABSENT && mask & (1 << i) != 0)
        .map(|(_, &w)| u64::from(w))
        .sum();
    let Some(mut reader) = Reader::new(bytes, units) else {
        return Outcome::Unreadable;
    };
    let mut lean = false;
    let mut next = |i: usize, units: u32| -> Option<Given<'_>> {
        if mask & (1 << i) != 0 {
            reader.take(units).map(Given::Str)
        } else {
            lean = true;
            (units > 0).then_some(Given::Sized(units as usize))
        }
    };
    let mut strings = [Given::Absent; 8];
    for (i, slot) in strings.iter_mut().enumerate() {
        if header[i] != ABSENT {
            match next(i, header[i]) {
                Some(g) => *slot = g,
                None => return Outcome::Unreadable,
            }
        }
    }
    let mut pairs = [(Given::Absent, Given::Absent); MAX_FAST_METADATA];
    for (e, pair) in pairs.iter_mut().take(pairs_given).enumerate() {
        let (Some(k), Some(v)) = (
            next(8 + 2 * e, header[METADATA_LENGTHS + 2 * e]),
            next(9 + 2 * e, header[METADATA_LENGTHS + 2 * e + 1]),
        ) else {
            return Outcome::Unreadable;
        };
        *pair = (k, v);
    }
    let metadata = if count == ABSENT {
        MetadataGiven::Value(Given::Absent)
    } else {
        MetadataGiven::Strings(&pairs[..pairs_given])
    };
    let [reference_id, payer_name, payer_address, payer_identifier, payer_email, description, due_date, return_url] =
        strings;
    let fields = PaymentFields {
        reference_id,
        payer_name,
        payer_address,
        payer_identifier,
        payer_email,
        description,
        amount_in_cents: if header[AMOUNT_PRESENT] == 1 {
            Given::Num(amount)
        } else {
            Given::Absent
        },
        due_date,
        metadata,
        return_url,
    };
    let mut p = Problems::counting();
    if let Some(checked) = check_payment(&mut p, &fields, |_| false) {
        let rewritten = match (checked.due_date, due_date) {
            (Some(d), Given::Str(given)) => {
                let d = d.to_paysg_bytes();
                (d != given.as_bytes()).then_some(d)
            }
            _ => None,
        };
        return Outcome::Valid(checked.kept, rewritten);
    }
    if p.missing_text() {
        return Outcome::Unreadable;
    }
    // Invalid: run the rules again, this time building the messages. Messages never show values,
    // so lengths suffice, except for metadata problems, whose field names the key: then the JS
    // layer is asked for every text.
    let mut p = Problems::collecting();
    let _ = check_payment(&mut p, &fields, |_| false);
    let problems = p.into_list();
    if lean && problems.iter().any(|e| e.field.starts_with("metadata.")) {
        return Outcome::Unreadable;
    }
    Outcome::Invalid(problems)
}

/// Writes the problems into the header and buffer; `None` when they do not fit.
fn write_problems(header: &mut [u32], buf: &mut [u8], problems: &[FieldError]) -> Option<u32> {
    let words = header.get_mut(..1 + 3 * problems.len())?;
    let mut pos = 0usize;
    words[0] = u32::try_from(problems.len()).ok()?;
    for (i, e) in problems.iter().enumerate() {
        let code = Code::ALL.iter().position(|c| *c == e.code)?;
        words[1 + 3 * i] = u32::try_from(code).ok()?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::Json;
    use crate::validate::validate_create_payment;

    fn encode(fields: &[(&str, &str)], metadata: Option<&[(&str, &str)]>) -> (Vec<u32>, Vec<u8>) {
        let mut h = vec![ABSENT; HEADER_WORDS];
        h[AMOUNT_PRESENT] = 1;
        h[TEXT_MASK] = (1 << 28) - 1;
        let mut b = Vec::new();
        for (i, name) in STRING_FIELDS.iter().enumerate() {
            if let Some((_, v)) = fields.iter().find(|(k, _)| k == name) {
                h[i] = v.encode_utf16().count() as u32;
                b.extend_from_slice(v.as_bytes());
            }
        }
        if let Some(md) = metadata {
            h[METADATA_COUNT] = md.len() as u32;
            for (e, (k, v)) in md.iter().enumerate() {
                h[METADATA_LENGTHS + 2 * e] = k.encode_utf16().count() as u32;
                h[METADATA_LENGTHS + 2 * e + 1] = v.encode_utf16().count() as u32;
                b.extend_from_slice(k.as_bytes());
                b.extend_from_slice(v.as_bytes());
            }
        }
        b.resize(b.len() + 8192, 0);
        (h, b)
    }

    /// Reads the problems back as the JS layer does.
    fn problems(answer: u32, h: &[u32], b: &[u8]) -> Vec<(String, &'static str, String)> {
        assert_eq!(answer & (INVALID | DETAILS), INVALID | DETAILS);
        let text = std::str::from_utf8(&b[..(answer & !(INVALID | DETAILS)) as usize]).unwrap();
        let units: Vec<u16> = text.encode_utf16().collect();
        let mut pos = 0;
        let mut out = Vec::new();
        for i in 0..h[0] as usize {
            let (f, m) = (h[2 + 3 * i] as usize, h[3 + 3 * i] as usize);
            let field = String::from_utf16(&units[pos..pos + f]).unwrap();
            let message = String::from_utf16(&units[pos + f..pos + f + m]).unwrap();
            pos += f + m;
            out.push((field, Code::ALL[h[1 + 3 * i] as usize].as_str(), message));
        }
        out
    }

    const BASE: [(&str, &str); 3] = [
        ("reference_id", "R1"),
        ("payer_name", "Tan Ah Kow 😀é"),
        ("description", "d"),
    ];

    #[test]
    fn valid_input_gives_the_kept_fields() {
        let (mut h, mut b) = encode(&BASE, Some(&[("k", "v")]));
        let n = b.len() - 8192;
        let m = validate(&mut h, &mut b, n, 1100.0);
        assert_eq!(m, 1 | 2 | 1 << 5 | 1 << 6 | 1 << 8);
    }

    #[test]
    fn lean_encoding_passes_lengths_only() {
        // reference_id (2 units) and payer_name by length only; description and return_url as
        // text. (A problem list overwrites the header, so each case builds its own.)
        let header = |name_units: u32, mask: u32| {
            let mut h = vec![ABSENT; HEADER_WORDS];
            h[AMOUNT_PRESENT] = 1;
            h[0] = 2;
            h[1] = name_units;
            h[5] = 1;
            h[7] = 19;
            h[TEXT_MASK] = mask;
            h
        };
        let mut b = b"dhttps://open.gov.sg".to_vec();
        b.resize(8192, 0);
        let n = 20;
        let text = 1 << 5 | 1 << 7;
        let mut h = header(300, text);
        let m = validate(&mut h, &mut b, n, 5.0);
        assert_eq!(
            m & (INVALID | DETAILS),
            INVALID | DETAILS,
            "lengths suffice for the message"
        );
        assert_eq!(h[0], 1, "one problem");
        assert_eq!(
            &b[..(m & !(INVALID | DETAILS)) as usize],
            b"payer_namepayer_name is 300 characters long; PaySG allows at most 255".as_slice()
        );
        let mut b = b"dhttps://open.gov.sg".to_vec();
        b.resize(8192, 0);
        assert_eq!(
            validate(&mut header(255, text), &mut b, n, 5.0),
            1 | 2 | 1 << 5 | 1 << 6 | 1 << 8 | 1 << 10
        );
        assert_eq!(
            validate(&mut header(0, text), &mut b, n, 5.0),
            INVALID,
            "a length-only string is never empty"
        );
        assert_eq!(
            validate(&mut header(3, 1 << 5), &mut b, n, 5.0),
            INVALID,
            "return_url's rule reads its text"
        );
        // a metadata problem names its key: every text is asked for
        let mut hm = vec![ABSENT; HEADER_WORDS];
        hm[AMOUNT_PRESENT] = 1;
        hm[0] = 2;
        hm[1] = 3;
        hm[5] = 1;
        hm[METADATA_COUNT] = 1;
        hm[METADATA_LENGTHS] = 41;
        hm[METADATA_LENGTHS + 1] = 1;
        hm[TEXT_MASK] = 1 << 5;
        let mut bm = b"d".to_vec();
        bm.resize(8192, 0);
        assert_eq!(validate(&mut hm, &mut bm, 1, 5.0), INVALID);
    }

    #[test]
    fn due_date_rewrite_is_written_back() {
        let mut f = BASE.to_vec();
        f.push(("due_date", "2023-12-31"));
        f.push(("payer_email", ""));
        let (mut h, mut b) = encode(&f, None);
        let n = b.len() - 8192;
        let m = validate(&mut h, &mut b, n, 5.0);
        assert_eq!(m & DUE_DATE_REWRITTEN, DUE_DATE_REWRITTEN);
        assert_eq!(m & (1 << 4), 0, "empty optional email is dropped");
        assert_eq!(&b[..11], b"31-DEC-2023");
        f.pop();
        f.pop();
        f.push(("due_date", "31-DEC-2023"));
        let (mut h, mut b) = encode(&f, None);
        let n = b.len() - 8192;
        assert_eq!(validate(&mut h, &mut b, n, 5.0) & DUE_DATE_REWRITTEN, 0);
    }

    #[test]
    fn problems_are_those_of_the_json_path() {
        let fields = [
            ("reference_id", " "),
            ("payer_name", "Tan Ah Kow 😀é"),
            ("payer_identifier", "S1234567DAB"),
            ("payer_email", "x@"),
            ("description", "d"),
            ("due_date", "31-APR-2024"),
            ("return_url", "http://a.b"),
        ];
        let md = [("ключ", "v"), ("", "x"), ("k", &*"v".repeat(256))];
        let (mut h, mut b) = encode(&fields, Some(&md));
        let n = b.len() - 8192;
        let got = problems(validate(&mut h, &mut b, n, 0.5), &h, &b);
        let mut json = String::from("{");
        for (k, v) in fields {
            json += &format!("{:?}:{:?},", k, v);
        }
        json += r#""amount_in_cents":0.5,"metadata":{"ключ":"v","":"x","k":""#;
        json += &"v".repeat(256);
        json += r#""}}"#;
        let want: Vec<_> = validate_create_payment(&Json::parse(&json).unwrap())
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code.as_str(), e.message))
            .collect();
        assert_eq!(got.len(), 8);
        assert_eq!(got, want);
    }

    #[test]
    fn invalid_inputs_and_bad_encodings() {
        let (mut h, mut b) = encode(&BASE, None);
        let n = b.len() - 8192;
        let bad = |h: &mut Vec<u32>, b: &mut Vec<u8>, n, a| validate(h, b, n, a);
        let mut h1 = h.clone();
        let m = validate(&mut h1, &mut b.clone(), n, 0.0);
        assert_eq!(h1[0], 1);
        assert_eq!(m & INVALID, INVALID);
        let mut h1 = h.clone();
        let m = validate(&mut h1, &mut b.clone(), n, f64::NAN);
        assert_eq!(h1[1] as usize, 4, "NaN is not_integer");
        assert_eq!(m & INVALID, INVALID);
        assert_eq!(
            bad(&mut h.clone(), &mut b, n - 1, 5.0),
            INVALID,
            "truncated bytes"
        );
        assert_eq!(
            bad(&mut h.clone(), &mut b, n + 9000, 5.0),
            INVALID,
            "length past the buffer"
        );
        assert_eq!(
            validate(&mut h[..10], &mut b, n, 5.0),
            INVALID,
            "short header"
        );
        let mut h2 = h.clone();
        h2[METADATA_COUNT] = 11;
        assert_eq!(validate(&mut h2, &mut b, n, 5.0), INVALID);
        h2[0] = 1_000_000;
        assert_eq!(validate(&mut h2, &mut b, n, 5.0), INVALID);
        let mut h3 = h.clone();
        h3[AMOUNT_PRESENT] = 0;
        let m = validate(&mut h3, &mut b, n, 5.0);
        assert_eq!(problems(m, &h3, &b)[0].1, "required", "amount required");
        let mut small = b[..n].to_vec();
        assert_eq!(
            validate(&mut h.clone(), &mut small, n, 0.0),
            INVALID,
            "problems that do not fit the buffer"
        );
    }
}
