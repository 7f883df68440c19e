//! Reading the `PaySG-Signature` header: `t=<timestamp>, v1=<signature>`, parts split on `,`
//! and trimmed, in any order; several `v1` (secret rotation); other schemes ignored; hex or
//! base64 signatures; `t` in seconds or milliseconds.

use super::failure::{fail, Failure, Reason};

/// `t` values from this on are milliseconds; below it, seconds.
pub const MILLISECONDS_FROM: u64 = 100_000_000_000;

/// A parsed `PaySG-Signature` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header<'a> {
    /// `t` exactly as sent (it is part of what was signed).
    pub t: &'a str,
    /// `t` in milliseconds since the epoch.
    pub t_ms: u64,
    /// The `v1` signatures, decoded.
    pub v1: Vec<[u8; 32]>,
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

fn base64_digit(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    }
}

/// A 32-byte signature from 64 hex digits or 43/44 base64 characters.
fn decode_signature(s: &str) -> Option<[u8; 32]> {
    let b = s.as_bytes();
    let mut out = [0u8; 32];
    if b.len() == 64 {
        for (i, pair) in b.chunks_exact(2).enumerate() {
            out[i] = hex_digit(pair[0])? << 4 | hex_digit(pair[1])?;
        }
        return Some(out);
    }
    let b = s.trim_end_matches('=').as_bytes();
    if b.len() != 43 {
        return None;
    }
    let mut bits: u32 = 0;
    let mut n = 0;
    let mut i = 0;
    for &c in b {
        bits = bits << 6 | u32::from(base64_digit(c)?);
        n += 6;
        if n >= 8 {
            n -= 8;
            *out.get_mut(i)? = (bits >> n) as u8;
            i += 1;
        }
    }
    (i == 32).then_some(out)
}

/// Reads a `PaySG-Signature` header.
///
/// # Errors
///
/// [`Reason::MissingHeader`] or [`Reason::MalformedHeader`].
pub fn parse_header(value: &str) -> Result<Header<'_>, Failure> {
    let value = value.trim();
    if value.is_empty() {
        return Err(fail(
            Reason::MissingHeader,
            "the PaySG-Signature header is missing or empty: pass the value of the request's PaySG-Signature header",
        ));
    }
    let mut t = None;
    let mut v1 = Vec::new();
    let mut bad_v1 = 0;
    for part in value.split(',') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let Some((k, v)) = part.split_once('=') else {
            return Err(fail(
                Reason::MalformedHeader,
                "the PaySG-Signature header is not t=<timestamp>, v1=<signature> (a part has no '='): is this the right header?",
            ));
        };
        match k.trim() {
            "t" => {
                let v = v.trim();
                if t.is_some() {
                    return Err(fail(
                        Reason::MalformedHeader,
                        "the PaySG-Signature header has two t= timestamps",
                    ));
                }
                if v.is_empty() || v.len() > 16 || !v.bytes().all(|c| c.is_ascii_digit()) {
                    return Err(fail(
                        Reason::MalformedHeader,
                        "the PaySG-Signature header's t= is not a whole-number timestamp",
                    ));
                }
                t = Some(v);
            }
            "v1" => match decode_signature(v.trim()) {
                Some(s) => v1.push(s),
                None => bad_v1 += 1,
            },
            _ => {} // other schemes: ignored, as the format allows new ones
        }
    }
    let Some(t) = t else {
        return Err(fail(
            Reason::MalformedHeader,
            "the PaySG-Signature header has no t= timestamp",
        ));
    };
    if v1.is_empty() {
        return Err(fail(
            Reason::MalformedHeader,
            if bad_v1 > 0 {
                "the PaySG-Signature header's v1= is not a hex (or base64) SHA-256 signature"
            } else {
                "the PaySG-Signature header has no v1= signature"
            },
        ));
    }
    let n: u64 = t.parse().unwrap_or(0);
    let t_ms = if n >= MILLISECONDS_FROM {
        n
    } else {
        n.saturating_mul(1000)
    };
    Ok(Header { t, t_ms, v1 })
}
