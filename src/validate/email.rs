//! The email rule of `payer_email`: `local@domain.tld`, checked in one pass over the bytes.

use super::classes::{is, ALPHA, ATEXT, LDH};

/// Whether `s` looks like an email address: `local@domain.tld`, with the characters RFC 5322
/// allows unquoted in the local part, and a domain of LDH labels ending in an alphabetic TLD.
pub fn is_email(s: &str) -> bool {
    let b = s.as_bytes();
    let Some(at) = b.iter().rposition(|&c| c == b'@') else {
        return false;
    };
    let (local, domain) = (&b[..at], &b[at + 1..]);
    if local.is_empty() || local.len() > 64 || domain.len() > 253 {
        return false;
    }
    // Local part: atext characters, dots only between them.
    let mut prev_dot = true;
    for &c in local {
        let dot = c == b'.';
        if (dot && prev_dot) || !(dot || is(c, ATEXT)) {
            return false;
        }
        prev_dot = dot;
    }
    if prev_dot {
        return false;
    }
    // Domain: two or more LDH labels of 1 to 63, the last alphabetic and at least 2 long.
    let mut labels = 0;
    let mut last: &[u8] = &[];
    for label in domain.split(|&c| c == b'.') {
        let ok = !label.is_empty()
            && label.len() <= 63
            && label[0] != b'-'
            && label[label.len() - 1] != b'-'
            && label.iter().all(|&c| is(c, LDH));
        if !ok {
            return false;
        }
        labels += 1;
        last = label;
    }
    labels >= 2 && last.len() >= 2 && last.iter().all(|&c| is(c, ALPHA))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The straightforward reading of the email rule, kept as the reference for the one-pass
    /// [`is_email`].
    fn is_email_reference(s: &str) -> bool {
        let Some((local, domain)) = s.rsplit_once('@') else {
            return false;
        };
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~.-".contains(&c));
        if !local_ok || domain.len() > 253 {
            return false;
        }
        domain.contains('.')
            && domain.split('.').all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
            })
            && domain
                .rsplit('.')
                .next()
                .is_some_and(|t| t.len() >= 2 && t.bytes().all(|c| c.is_ascii_alphabetic()))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5000))]

        #[test]
        fn is_email_agrees_with_the_reference(
            s in "[a-z0-9.!#_+-]{0,5}(@|@@)?([a-z0-9-]{0,4}\\.?){0,4}[a-z0-9.é]{0,3}"
        ) {
            prop_assert_eq!(is_email(&s), is_email_reference(&s));
        }

        #[test]
        fn is_email_agrees_with_the_reference_on_any_text(s in "\\PC{0,40}") {
            prop_assert_eq!(is_email(&s), is_email_reference(&s));
        }
    }
}
