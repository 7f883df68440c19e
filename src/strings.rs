//! String helpers shared by the SDK and the simulator: lengths as JavaScript counts them,
//! percent-decoding, and user keys shortened for messages.

use std::borrow::Cow;

/// Length as JavaScript counts it (UTF-16 code units): `é` is 1, an emoji such as `😀` is 2.
pub fn js_length(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().map(char::len_utf16).sum()
    }
}

/// Whether `s` is empty or only (Unicode) whitespace, quickly for the usual case.
pub fn is_blank(s: &str) -> bool {
    match s.as_bytes().first() {
        Some(c) if c.is_ascii_graphic() => false,
        _ => s.trim().is_empty(),
    }
}

/// A key from user input, shortened to 64 characters for a field path or a message.
pub fn shown_key(key: &str) -> Cow<'_, str> {
    const MAX: usize = 64;
    match key.char_indices().nth(MAX) {
        Some((i, _)) => Cow::Owned(format!("{}…", &key[..i])),
        None => Cow::Borrowed(key),
    }
}

/// Decodes `%XX` escapes (and, in a query, `+` as a space: `plus_is_space`). `None` when an
/// escape is malformed or the result is not UTF-8.
pub fn percent_decode(s: &str, plus_is_space: bool) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                if !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
                    return None;
                }
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Percent-encodes a path segment or query value: everything but RFC 3986's unreserved
/// characters (`A–Z a–z 0–9 - _ . ~`).
pub fn percent_encode(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_blanks_and_keys() {
        assert_eq!(js_length("a😀é"), 4);
        assert!(is_blank(""));
        assert!(is_blank(" \t\u{a0}"));
        assert!(!is_blank(" x"));
        assert_eq!(shown_key(&"k".repeat(70)), format!("{}…", "k".repeat(64)));
        assert_eq!(shown_key("short"), "short");
    }

    #[test]
    fn percent_decoding_and_encoding() {
        assert_eq!(
            percent_decode("payment_service_%41b", false).as_deref(),
            Some("payment_service_Ab")
        );
        assert_eq!(percent_decode("a+b", false).as_deref(), Some("a+b"));
        assert_eq!(percent_decode("a+b%20c", true).as_deref(), Some("a b c"));
        assert_eq!(percent_decode("%4", false), None);
        assert_eq!(
            percent_decode("%+1", false),
            None,
            "a sign is not a hex digit"
        );
        assert_eq!(percent_decode("%ff", false), None, "not UTF-8");
        assert_eq!(percent_encode("a b&c/é~"), "a%20b%26c%2F%C3%A9~");
        for s in ["a b&c/é~", "", "%", "payment_service_x"] {
            assert_eq!(
                percent_decode(&percent_encode(s), false).as_deref(),
                Some(s)
            );
        }
    }
}
