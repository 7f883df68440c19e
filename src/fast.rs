//! The fast path of `validateCreatePayment` for plain inputs.
//!
//! Writing the input as JSON and reading a JSON answer costs more than the rules themselves. For
//! the common shape — an object whose fields are strings, a number amount and a flat metadata
//! object of strings — the JS layer instead writes the strings, back to back as UTF-8, into a
//! scratch buffer in wasm memory (one `TextEncoder.encodeInto`), their UTF-16 lengths into a
//! header, and passes the amount as an `f64`. This module rebuilds a borrowed [`Json`] view from
//! that and runs **the same** [`validate_create_payment`], so both paths apply identical rules.
//! It answers with a bit mask instead of a document: which fields the normalised body keeps, and
//! whether `due_date` was rewritten (the new value is then written back into the buffer). On
//! [`INVALID`], the JS layer runs the JSON path to get the list of problems.

use crate::json::Json;
use crate::validate::{validate_create_payment, CREATE_PAYMENT_FIELDS};
use std::borrow::Cow;

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
// The answer mask has one bit per create-payment field, below the two flag bits.
const _: () = assert!(CREATE_PAYMENT_FIELDS.len() == 11);

/// Header word meaning "field absent".
pub const ABSENT: u32 = u32::MAX;
/// Header index of the metadata entry count (or [`ABSENT`]).
pub const METADATA_COUNT: usize = 8;
/// Header index of the first metadata key length; entries follow as key, value pairs.
pub const METADATA_LENGTHS: usize = 9;
/// Header index of the amount flag: 1 when `amount_in_cents` is present.
pub const AMOUNT_PRESENT: usize = 31;
/// Header length in words.
pub const HEADER_WORDS: usize = 32;
/// The most metadata entries the fast path takes (more goes the JSON way, to report them).
pub const MAX_FAST_METADATA: usize = 10;
/// Answer bit: the input is invalid; ask the JSON path for the problems.
pub const INVALID: u32 = 1 << 31;
/// Answer bit: `due_date` was normalised; its 11 ASCII bytes are at the start of the buffer.
pub const DUE_DATE_REWRITTEN: u32 = 1 << 30;

/// Takes the next string of `units` UTF-16 code units from `bytes` at `*pos`.
fn take<'a>(bytes: &'a [u8], pos: &mut usize, units: u32) -> Option<&'a str> {
    let units = units as usize;
    let rest = bytes.get(*pos..)?;
    // ASCII: one byte per unit.
    if let Some(head) = rest.get(..units) {
        if head.is_ascii() {
            *pos += units;
            return std::str::from_utf8(head).ok();
        }
    }
    let mut counted = 0;
    let mut end = 0;
    let text = match std::str::from_utf8(rest) {
        Ok(t) => t,
        Err(e) => std::str::from_utf8(rest.get(..e.valid_up_to())?).ok()?,
    };
    for c in text.chars() {
        if counted == units {
            break;
        }
        counted += c.len_utf16();
        end += c.len_utf8();
    }
    if counted != units {
        return None;
    }
    *pos += end;
    text.get(..end)
}

/// Validates the fast-path encoding. `buf` holds the strings and receives the normalised
/// `due_date` when it changes.
pub fn validate(header: &[u32], buf: &mut [u8], len: usize, amount: f64) -> u32 {
    let Some(mask) = validate_inner(header, buf.get(..len).unwrap_or_default(), amount) else {
        return INVALID;
    };
    if let Some(date) = mask.1 {
        match buf.get_mut(..date.len()) {
            Some(dst) => dst.copy_from_slice(date.as_bytes()),
            None => return INVALID,
        }
        return mask.0 | DUE_DATE_REWRITTEN;
    }
    mask.0
}

fn validate_inner(header: &[u32], bytes: &[u8], amount: f64) -> Option<(u32, Option<String>)> {
    if header.len() < HEADER_WORDS {
        return None;
    }
    let mut pos = 0;
    let mut entries: Vec<(Cow<'_, str>, Json<'_>)> = Vec::with_capacity(11);
    let mut given_date = None;
    for (i, name) in STRING_FIELDS.iter().enumerate() {
        let units = header[i];
        if units != ABSENT {
            let s = take(bytes, &mut pos, units)?;
            if *name == "due_date" {
                given_date = Some(s);
            }
            entries.push((Cow::Borrowed(name), Json::Str(Cow::Borrowed(s))));
        }
    }
    if header[AMOUNT_PRESENT] == 1 {
        entries.push((Cow::Borrowed("amount_in_cents"), Json::Num(amount)));
    }
    let count = header[METADATA_COUNT];
    if count != ABSENT {
        let count = count as usize;
        if count > MAX_FAST_METADATA {
            return None;
        }
        let mut md = Vec::with_capacity(count);
        for e in 0..count {
            let k = take(bytes, &mut pos, header[METADATA_LENGTHS + 2 * e])?;
            let v = take(bytes, &mut pos, header[METADATA_LENGTHS + 2 * e + 1])?;
            md.push((Cow::Borrowed(k), Json::Str(Cow::Borrowed(v))));
        }
        entries.push((Cow::Borrowed("metadata"), Json::Obj(md)));
    }
    let body = validate_create_payment(&Json::Obj(entries)).ok()?;
    let kept = [
        true,
        true,
        body.payer_address.is_some(),
        body.payer_identifier.is_some(),
        body.payer_email.is_some(),
        true,
        true,
        body.due_date.is_some(),
        true,
        body.line_items.is_some(),
        body.return_url.is_some(),
    ];
    let mask = kept
        .iter()
        .enumerate()
        .fold(0u32, |m, (i, k)| if *k { m | 1 << i } else { m });
    let rewritten = match (&body.due_date, given_date) {
        (Some(d), Some(g)) if d != g => Some(d.clone()),
        _ => None,
    };
    Some((mask, rewritten))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(fields: &[(&str, &str)], metadata: Option<&[(&str, &str)]>) -> (Vec<u32>, Vec<u8>) {
        let mut h = vec![ABSENT; HEADER_WORDS];
        h[AMOUNT_PRESENT] = 1;
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
        (h, b)
    }

    const BASE: [(&str, &str); 3] = [
        ("reference_id", "R1"),
        ("payer_name", "Tan Ah Kow 😀é"),
        ("description", "d"),
    ];

    #[test]
    fn valid_input_gives_the_kept_fields() {
        let (h, mut b) = encode(&BASE, Some(&[("k", "v")]));
        let n = b.len();
        let m = validate(&h, &mut b, n, 1100.0);
        assert_eq!(m, 1 | 2 | 1 << 5 | 1 << 6 | 1 << 8);
    }

    #[test]
    fn due_date_rewrite_is_written_back() {
        let mut f = BASE.to_vec();
        f.push(("due_date", "2023-12-31"));
        f.push(("payer_email", ""));
        let (h, mut b) = encode(&f, None);
        let n = b.len();
        let m = validate(&h, &mut b, n, 5.0);
        assert_eq!(m & DUE_DATE_REWRITTEN, DUE_DATE_REWRITTEN);
        assert_eq!(m & (1 << 4), 0, "empty optional email is dropped");
        assert_eq!(&b[..11], b"31-DEC-2023");
        f.pop();
        f.pop();
        f.push(("due_date", "31-DEC-2023"));
        let (h, mut b) = encode(&f, None);
        let n = b.len();
        assert_eq!(validate(&h, &mut b, n, 5.0) & DUE_DATE_REWRITTEN, 0);
    }

    #[test]
    fn invalid_inputs_and_bad_encodings() {
        let (h, mut b) = encode(&BASE, None);
        let n = b.len();
        assert_eq!(validate(&h, &mut b, n, 0.0), INVALID);
        assert_eq!(validate(&h, &mut b, n, f64::NAN), INVALID);
        assert_eq!(validate(&h, &mut b, n - 1, 5.0), INVALID, "truncated bytes");
        assert_eq!(
            validate(&h, &mut b, n + 100, 5.0),
            INVALID,
            "length past the buffer"
        );
        assert_eq!(validate(&h[..10], &mut b, n, 5.0), INVALID, "short header");
        let mut h2 = h.clone();
        h2[METADATA_COUNT] = 11;
        assert_eq!(validate(&h2, &mut b, n, 5.0), INVALID);
        h2[0] = 1_000_000;
        assert_eq!(validate(&h2, &mut b, n, 5.0), INVALID);
        let mut h3 = h;
        h3[AMOUNT_PRESENT] = 0;
        assert_eq!(validate(&h3, &mut b, n, 5.0), INVALID, "amount required");
    }
}
