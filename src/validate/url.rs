//! The URL rule of `return_url` (and of the client's `baseUrl`): an absolute
//! `scheme://host…` URL with one of the allowed schemes.

use super::classes::{is, HOST, PRINTABLE, SCHEME};

/// Why a URL was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlError {
    /// Not an absolute `scheme://host…` URL (or it has spaces or control characters).
    Invalid,
    /// An absolute URL with a scheme that is not the one required.
    Scheme,
}

/// Checks an absolute URL `scheme://[userinfo@]host[:port][/path][?query][#fragment]` whose
/// scheme is one of `schemes` (compared case-insensitively).
///
/// # Errors
///
/// [`UrlError::Invalid`] when it is not such a URL, [`UrlError::Scheme`] when the scheme differs.
pub fn check_url(s: &str, schemes: &[&str]) -> Result<(), UrlError> {
    match quick_url(s.as_bytes()) {
        Some(scheme)
            if schemes
                .iter()
                .any(|w| scheme.eq_ignore_ascii_case(w.as_bytes())) =>
        {
            Ok(())
        }
        Some(_) => Err(UrlError::Scheme),
        None => check_url_general(s, schemes),
    }
}

/// One pass over the usual URL, `scheme://host[:port][/…|?…|#…]` in printable ASCII with a host
/// of letters, digits, `-` and single dots: its scheme. `None` when the URL is anything else, and
/// [`check_url_general`] decides (it accepts everything this accepts).
fn quick_url(b: &[u8]) -> Option<&[u8]> {
    let n = b.len();
    let mut i = 0;
    while i < n && is(b[i], SCHEME) {
        i += 1;
    }
    if i == 0 || !b[0].is_ascii_alphabetic() || b.get(i..i + 3) != Some(b"://") {
        return None;
    }
    let scheme = &b[..i];
    i += 3;
    let host_start = i;
    while i < n {
        match b[i] {
            b'.' if i == host_start || b[i - 1] == b'.' => return None,
            c if is(c, HOST) => i += 1,
            _ => break,
        }
    }
    if i == host_start {
        return None;
    }
    if b.get(i) == Some(&b':') {
        i += 1;
        let port_start = i;
        let mut port = 0u32;
        while i < n && b[i].is_ascii_digit() && i - port_start < 5 {
            port = port * 10 + u32::from(b[i] - b'0');
            i += 1;
        }
        if i == port_start || port > 65_535 {
            return None;
        }
    }
    if i < n && !matches!(b[i], b'/' | b'?' | b'#') {
        return None;
    }
    b[i..].iter().all(|&c| is(c, PRINTABLE)).then_some(scheme)
}

/// The general reading behind [`check_url`]: every case, including userinfo, IPv6 literals and
/// non-ASCII hosts.
fn check_url_general(s: &str, schemes: &[&str]) -> Result<(), UrlError> {
    let b = s.as_bytes();
    let mut ascii = true;
    for &c in b {
        if c <= b' ' || c == 0x7f {
            return Err(UrlError::Invalid);
        }
        if c >= 0x80 {
            ascii = false;
            break;
        }
    }
    if !ascii && s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(UrlError::Invalid);
    }
    let colon = b.iter().position(|&c| c == b':').ok_or(UrlError::Invalid)?;
    let (scheme, rest) = (&b[..colon], &b[colon + 1..]);
    let rest = rest.strip_prefix(b"//").ok_or(UrlError::Invalid)?;
    let scheme_ok = scheme.first().is_some_and(u8::is_ascii_alphabetic)
        && scheme
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'.' | b'-'));
    if !scheme_ok {
        return Err(UrlError::Invalid);
    }
    let end = rest
        .iter()
        .position(|&c| matches!(c, b'/' | b'?' | b'#'))
        .unwrap_or(rest.len());
    let authority = &rest[..end];
    let hostport = match authority.iter().rposition(|&c| c == b'@') {
        Some(at) => &authority[at + 1..],
        None => authority,
    };
    let (host, port) = if let Some(v6) = hostport.strip_prefix(b"[") {
        let close = v6
            .iter()
            .position(|&c| c == b']')
            .ok_or(UrlError::Invalid)?;
        let h = &v6[..close];
        if h.is_empty()
            || !h
                .iter()
                .all(|&c| c.is_ascii_hexdigit() || c == b':' || c == b'.')
        {
            return Err(UrlError::Invalid);
        }
        (h, v6[close + 1..].strip_prefix(b":"))
    } else {
        match hostport.iter().rposition(|&c| c == b':') {
            Some(i) => (&hostport[..i], Some(&hostport[i + 1..])),
            None => (hostport, None),
        }
    };
    let host_chars_ok = if ascii {
        host.iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b':'))
    } else {
        // Split at ASCII bytes, so still UTF-8.
        std::str::from_utf8(host).is_ok_and(|h| {
            h.chars()
                // Internationalised host names: any non-ASCII character (whitespace and control
                // characters were refused above); ASCII must be a letter, digit, '-', '.' or ':'.
                .all(|c| !c.is_ascii() || c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | ':'))
        })
    };
    let host_ok = !host.is_empty()
        && host[0] != b'.'
        && !host.windows(2).any(|w| w == b"..")
        && host_chars_ok;
    let port_ok = port.is_none_or(|p| {
        !p.is_empty()
            && p.len() <= 5
            && p.iter().all(u8::is_ascii_digit)
            && p.iter().fold(0u32, |n, &c| n * 10 + u32::from(c - b'0')) <= 65_535
    });
    if !host_ok || !port_ok {
        return Err(UrlError::Invalid);
    }
    let scheme_wanted = schemes
        .iter()
        .any(|want| scheme.eq_ignore_ascii_case(want.as_bytes()));
    if !scheme_wanted {
        return Err(UrlError::Scheme);
    }
    Ok(())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const URLS: [&str; 24] = [
        "https://open.gov.sg",
        "https://agency.gov.sg/payments/return?x=1#f",
        "HTTPS://A.B",
        "http://open.gov.sg",
        "ftp://x.y",
        "https://user:pw@host.sg:8443/p",
        "https://[::1]:443/",
        "https://[::1",
        "https://a..b",
        "https://.a.b",
        "https://a.b.",
        "https://a.b:",
        "https://a.b:65535",
        "https://a.b:65536",
        "https://a.b:123456",
        "https://é.sg/x",
        "https://a.sg/é",
        "https://a.sg/ x",
        "https://a.sg/\u{7f}",
        "https:/a.sg",
        "1https://a.sg",
        "https//a.sg",
        "https://a_b.sg",
        "https://",
    ];

    #[test]
    fn quick_url_agrees_with_the_general_reading_on_known_cases() {
        for u in URLS {
            assert_eq!(
                check_url(u, &["https"]),
                check_url_general(u, &["https"]),
                "{u}"
            );
        }
        assert_eq!(check_url("https://open.gov.sg", &["https"]), Ok(()));
        assert_eq!(
            check_url("http://open.gov.sg", &["https"]),
            Err(UrlError::Scheme)
        );
        assert_eq!(
            check_url("https://a.b:65536", &["https"]),
            Err(UrlError::Invalid)
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5000))]

        #[test]
        fn quick_url_agrees_with_the_general_reading(
            s in "(https?|ftp|[a-z+.-]{0,4}|[0-9])(://|:/|//)?([a-z0-9.@:\\[\\]_-]|é){0,16}(:[0-9]{0,6})?([/?#][ -~é\u{7f}]{0,8})?"
        ) {
            prop_assert_eq!(check_url(&s, &["https"]), check_url_general(&s, &["https"]));
        }

    }
}
