//! The fast path's encoding written in Rust, exactly as `pkg/src/fast.js` writes it: for the
//! native tests that prove the fast path agrees with the JSON path, and for probes.

use super::{
    validate, ABSENT, DETAILS, DUE_DATE_REWRITTEN, FIRST_CHARS, HEADER_WORDS, INVALID,
    METADATA_LENGTHS, TEXT_FIELDS, TEXT_METADATA,
};
use crate::strings::js_length;
use crate::validate::fields::{AMOUNT, FIELD_COUNT, LINE_ITEMS, METADATA};
use crate::validate::CREATE_PAYMENT_FIELDS;
use crate::validate::{Code, FieldError, Kind};

/// A plain create-payment input: the shape the JS layer sends the fast way.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlainInput {
    /// The string fields by their index in [`CREATE_PAYMENT_FIELDS`] (other slots are unused).
    pub strings: [Option<String>; FIELD_COUNT],
    /// `amount_in_cents`, a finite number.
    pub amount: Option<f64>,
    /// `metadata`'s entries (at most [`super::MAX_FAST_METADATA`]).
    pub metadata: Option<Vec<(String, String)>>,
}

impl PlainInput {
    /// The same input as the JSON text `JSON.stringify` would write (`NaN` and the infinities
    /// as the JS layer marks them, see [`crate::json::NUMBER_MARKER`]).
    pub fn to_json(&self) -> String {
        let mut out = Vec::new();
        for (i, f) in CREATE_PAYMENT_FIELDS.iter().enumerate() {
            if let Some(s) = &self.strings[i] {
                out.push((f.name, json_string(s)));
            }
        }
        if let Some(a) = self.amount {
            out.push((CREATE_PAYMENT_FIELDS[AMOUNT].name, json_number(a)));
        }
        if let Some(md) = &self.metadata {
            let pairs: Vec<_> = md
                .iter()
                .map(|(k, v)| (k.as_str(), json_string(v)))
                .collect();
            out.push((CREATE_PAYMENT_FIELDS[METADATA].name, json_object(&pairs)));
        }
        json_object(&out)
    }
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// A number as `JSON.stringify` writes it (whole numbers without a fraction), or the JS layer's
/// marker for `NaN` and the infinities.
fn json_number(n: f64) -> String {
    if !n.is_finite() {
        let shown = crate::validate::money::shown_number(n);
        return format!(r#"{{"{}":"{shown}"}}"#, "\\u0000number");
    }
    if n.fract() == 0.0 && n.abs() < 1e15 {
        return (n as i64).to_string();
    }
    serde_json::to_string(&n).unwrap_or_default()
}

fn json_object(pairs: &[(&str, String)]) -> String {
    let fields: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}:{v}", json_string(k)))
        .collect();
    format!("{{{}}}", fields.join(","))
}

/// What the JS layer hands over: the header words, the buffer (with room for the answer) and
/// how many bytes of it were written.
#[derive(Debug, Clone)]
pub struct Encoded {
    /// The header.
    pub header: Vec<u32>,
    /// The buffer.
    pub bytes: Vec<u8>,
    /// Bytes written.
    pub len: usize,
}

/// Encodes `input` as the JS layer does: `full` writes every text; otherwise (the lean pass) a
/// string whose rule needs only its length and that [`super::may_go_by_length`] goes by its first
/// character alone.
pub fn encode(input: &PlainInput, full: bool) -> Encoded {
    let mut header = vec![ABSENT; HEADER_WORDS];
    let mut bytes = Vec::new();
    let (mut field_text, mut metadata_text) = (0u32, 0u32);
    // A text goes into the buffer; a length-only string's first character into the header.
    let put = |s: &str, text: bool, slot: usize, bytes: &mut Vec<u8>, header: &mut Vec<u32>| {
        if text {
            bytes.extend_from_slice(s.as_bytes());
        } else {
            header[FIRST_CHARS + slot] = u32::from(s.as_bytes()[0]);
        }
    };
    for (i, f) in CREATE_PAYMENT_FIELDS.iter().enumerate() {
        if let (true, Some(s)) = (f.kind.is_string(), &input.strings[i]) {
            let text = full || f.reads_text() || !super::may_go_by_length(s);
            put(s, text, i, &mut bytes, &mut header);
            if text {
                field_text |= 1 << i;
            }
            header[i] = js_length(s) as u32;
        }
    }
    header[AMOUNT] = if input.amount.is_some() { 1 } else { ABSENT };
    header[LINE_ITEMS] = ABSENT;
    if let Some(md) = &input.metadata {
        header[METADATA] = md.len() as u32;
        for (e, (k, v)) in md.iter().enumerate() {
            for (j, s) in [(2 * e, k), (2 * e + 1, v)] {
                let text = full || !super::may_go_by_length(s);
                put(s, text, FIELD_COUNT + j, &mut bytes, &mut header);
                if text {
                    metadata_text |= 1 << j;
                }
                header[METADATA_LENGTHS + j] = js_length(s) as u32;
            }
        }
    }
    header[TEXT_FIELDS] = field_text;
    header[TEXT_METADATA] = metadata_text;
    let len = bytes.len();
    bytes.resize(len * 3 + 16384, 0);
    Encoded { header, bytes, len }
}

/// What the JS layer makes of the fast path for `input`, step by step as `pkg/src/fast.js` does
/// it: the lean pass, the full pass when asked, then the normalised body as JSON text or the
/// problems. `None` when the JS layer would take the JSON path.
pub fn validate_like_js(input: &PlainInput) -> Option<Result<String, Vec<FieldError>>> {
    let amount = input.amount.unwrap_or(0.0);
    let mut e = encode(input, false);
    let mut answer = validate(&mut e.header, &mut e.bytes, e.len, amount);
    if answer & INVALID != 0 && answer & DETAILS == 0 {
        e = encode(input, true);
        answer = validate(&mut e.header, &mut e.bytes, e.len, amount);
    }
    if answer & INVALID != 0 {
        return (answer & DETAILS != 0).then(|| Err(problems(answer, &e)));
    }
    let mut body = Vec::new();
    for (i, f) in CREATE_PAYMENT_FIELDS.iter().enumerate() {
        if answer & (1 << i) == 0 {
            continue;
        }
        let value = match f.kind {
            Kind::Amount { .. } => json_number(amount),
            Kind::Metadata => {
                let md = input.metadata.iter().flatten();
                json_object(
                    &md.map(|(k, v)| (k.as_str(), json_string(v)))
                        .collect::<Vec<_>>(),
                )
            }
            Kind::DueDate if answer & DUE_DATE_REWRITTEN != 0 => {
                json_string(std::str::from_utf8(e.bytes.get(..11)?).ok()?)
            }
            Kind::LineItems => return None,
            _ => json_string(input.strings[i].as_deref()?),
        };
        body.push((f.name, value));
    }
    Some(Ok(json_object(&body)))
}

/// The problems of an answer with [`DETAILS`], read as the JS layer reads them.
fn problems(answer: u32, e: &Encoded) -> Vec<FieldError> {
    let len = (answer & !(INVALID | DETAILS)) as usize;
    let units: Vec<u16> = String::from_utf8_lossy(&e.bytes[..len])
        .encode_utf16()
        .collect();
    let mut pos = 0;
    (0..e.header[0] as usize)
        .map(|i| {
            let (code, f, m) = (
                e.header[1 + 3 * i] as usize,
                e.header[2 + 3 * i] as usize,
                e.header[3 + 3 * i] as usize,
            );
            let text =
                |a: usize, b: usize| String::from_utf16_lossy(units.get(a..b).unwrap_or(&[]));
            let problem = FieldError::new(
                text(pos, pos + f),
                Code::from_index(code).unwrap_or(Code::InvalidType),
                text(pos + f, pos + f + m),
            );
            pos += f + m;
            problem
        })
        .collect()
}
