//! Byte classes for the one-pass email and URL checks: a table lookup per byte instead of a
//! chain of comparisons.

/// A URL scheme's characters: letters, digits, `+`, `.`, `-`.
pub(super) const SCHEME: u8 = 1;
/// A host name's characters: letters, digits, `-`, `.`.
pub(super) const HOST: u8 = 2;
/// Printable, non-space ASCII.
pub(super) const PRINTABLE: u8 = 4;
/// RFC 5322's unquoted local-part characters (`atext`).
pub(super) const ATEXT: u8 = 8;
/// A domain label's characters: letters, digits, `-`.
pub(super) const LDH: u8 = 16;
/// Letters.
pub(super) const ALPHA: u8 = 32;

const CLASSES: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        let alnum = b.is_ascii_alphanumeric();
        let mut k = 0;
        if b.is_ascii_alphabetic() {
            k |= ALPHA;
        }
        if alnum || b == b'-' {
            k |= LDH;
        }
        if alnum || b == b'+' || b == b'.' || b == b'-' {
            k |= SCHEME;
        }
        if alnum || b == b'-' || b == b'.' {
            k |= HOST;
        }
        if b > b' ' && b < 0x7f {
            k |= PRINTABLE;
        }
        if alnum {
            k |= ATEXT;
        }
        let specials = b"!#$%&'*+/=?^_`{|}~-";
        let mut j = 0;
        while j < specials.len() {
            if specials[j] == b {
                k |= ATEXT;
            }
            j += 1;
        }
        t[c] = k;
        c += 1;
    }
    t
};

/// Whether byte `c` is in class `class`.
pub(super) fn is(c: u8, class: u8) -> bool {
    CLASSES[c as usize] & class != 0
}
