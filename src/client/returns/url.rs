//! The return URL as the payer's browser hands it back, read exactly as
//! `new URL(url).searchParams` reads it: the query found as the WHATWG URL parser finds it, its
//! pairs decoded as `application/x-www-form-urlencoded`, and the two PaySG ids taken from it.

use crate::validate::{Code, FieldError};

/// The return URL's parameter naming the payment.
pub const PAYMENT_ID_PARAM: &str = "paysg_payment_id";
/// The return URL's parameter naming the payment service.
pub const SERVICE_ID_PARAM: &str = "paysg_payment_service_id";
/// The longest id accepted from a return URL, in bytes (PaySG's ids are far shorter).
pub const MAX_ID_BYTES: usize = 255;

/// The query of `url` as the WHATWG URL parser finds it: leading and trailing C0 controls and
/// spaces dropped, every tab and newline removed, then the text after the first `?` up to the
/// first `#` (a `#` before any `?` starts the fragment: no query).
pub fn query_of(url: &str) -> String {
    let url = url.trim_matches(|c: char| c <= ' ');
    // Removing tabs and newlines creates no `?` or `#`: find them first, remove after.
    match url.find(['?', '#']) {
        Some(i) if url.as_bytes().get(i) == Some(&b'?') => {
            let query = url[i + 1..].split('#').next().unwrap_or("");
            query.replace(['\t', '\n', '\r'], "")
        }
        _ => String::new(),
    }
}

/// Decodes one name or value of `application/x-www-form-urlencoded` text as `URLSearchParams`
/// does: `+` is a space, `%XX` is the byte XX (a `%` not followed by two hex digits stays as it
/// is), and bytes that are not UTF-8 become U+FFFD.
pub fn form_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |at: usize| b.get(at).and_then(|c| char::from(*c).to_digit(16));
        match (b[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(hi), Some(lo)) => {
                // Two hex digits make at most 255.
                out.push(u8::try_from(hi * 16 + lo).unwrap_or(0));
                i += 3;
            }
            (b'+', _, _) => {
                out.push(b' ');
                i += 1;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The name–value pairs of a query, in order, as `URLSearchParams` lists them: split on `&`,
/// empty pieces skipped, each split at its first `=` (no `=`: an empty value), both decoded
/// with [`form_decode`].
pub fn form_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let (k, v) = piece.split_once('=').unwrap_or((piece, ""));
            (form_decode(k), form_decode(v))
        })
        .collect()
}

/// The one value of parameter `name`, or a problem: missing, given more than once (two readers
/// of the URL could then see two payments), or not a PaySG id (empty, over [`MAX_ID_BYTES`],
/// with whitespace or control characters, or without `prefix`).
fn one_id(pairs: &[(String, String)], name: &str, prefix: &str) -> Result<String, FieldError> {
    let mut values = pairs.iter().filter(|(k, _)| k == name).map(|(_, v)| v);
    let (Some(v), count) = (values.next(), 1 + values.count()) else {
        return Err(FieldError::new(
            name,
            Code::Required,
            format!("the return URL has no {name} query parameter (is this the URL PaySG redirected to?)"),
        ));
    };
    if count > 1 {
        return Err(FieldError::new(
            name,
            Code::InvalidFormat,
            format!("the return URL gives {name} {count} times; PaySG gives it once, and a URL naming several payments is refused"),
        ));
    }
    let why = if v.is_empty() {
        "it is empty".to_owned()
    } else if !v.starts_with(prefix) {
        format!("it does not start with {prefix}")
    } else if v.len() > MAX_ID_BYTES {
        format!("it is {} bytes long; at most {MAX_ID_BYTES}", v.len())
    } else if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        "it contains whitespace or a control character (a `+` in a query is a space)".to_owned()
    } else {
        return Ok(v.clone());
    };
    Err(FieldError::new(
        name,
        Code::InvalidFormat,
        // JSON quoting shows control characters escaped (`{:?}` would pull Unicode tables
        // into the module).
        format!(
            "{name} in the return URL is not a PaySG id: {why} (got {})",
            serde_json::to_string(&crate::strings::shown_key(v)).unwrap_or_default()
        ),
    ))
}

/// Reads the return URL PaySG sends the payer back on: `(paysg_payment_id,
/// paysg_payment_service_id)` from its query, read as `new URL(url).searchParams` reads it
/// (see [`query_of`], [`form_pairs`]).
///
/// # Errors
///
/// A problem for each parameter that is missing, given more than once, or not a PaySG id.
pub fn parse_return_url(url: &str) -> Result<(String, String), Vec<FieldError>> {
    let pairs = form_pairs(&query_of(url));
    let id = one_id(&pairs, PAYMENT_ID_PARAM, "");
    let service = one_id(
        &pairs,
        SERVICE_ID_PARAM,
        crate::request::PAYMENT_SERVICE_PREFIX,
    );
    match (id, service) {
        (Ok(i), Ok(s)) => Ok((i, s)),
        (i, s) => Err([i.err(), s.err()].into_iter().flatten().collect()),
    }
}

/// What `parseReturnUrl` checked, as its `PaySGValidationError`'s context: the URL's query.
pub const CONTEXT: &str = "return URL";
/// The context of the refusal of an argument that is no URL at all (as the other webhook and
/// return-flow functions name theirs).
pub const ARGUMENT_CONTEXT: &str = "webhook arguments";

/// Why `parseReturnUrl` refuses what it was given: what was checked and the problems.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// [`CONTEXT`] or [`ARGUMENT_CONTEXT`].
    pub context: &'static str,
    /// The problems, each naming its field.
    pub errors: Vec<FieldError>,
}

/// `parseReturnUrl(url)`: `url` is the text JS found in the argument (a string as it is, a `URL`'s
/// `href`, a `Request`'s `url`), `None` when the argument is none of those.
///
/// # Errors
///
/// The argument is no URL (`url`, `invalid_type`), or [`parse_return_url`]'s problems.
pub fn read_return_url(url: Option<&str>) -> Result<(String, String), Refused> {
    let Some(url) = url else {
        return Err(Refused {
            context: ARGUMENT_CONTEXT,
            errors: vec![FieldError::new(
                "url",
                Code::InvalidType,
                "parseReturnUrl needs the return URL (a string, a URL or a Request)",
            )],
        });
    };
    parse_return_url(url).map_err(|errors| Refused {
        context: CONTEXT,
        errors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_url_is_refused_as_an_argument_and_a_bad_query_as_the_return_url() {
        let none = read_return_url(None).unwrap_err();
        assert_eq!(none.context, ARGUMENT_CONTEXT);
        assert_eq!(none.errors[0].field, "url");
        let bad = read_return_url(Some("https://a.sg/back")).unwrap_err();
        assert_eq!(bad.context, CONTEXT);
        assert_eq!(bad.errors.len(), 2);
        assert!(read_return_url(Some(
            "https://a.sg/?paysg_payment_id=p&paysg_payment_service_id=payment_service_1"
        ))
        .is_ok());
    }

    #[test]
    fn decoding_follows_url_search_params() {
        assert_eq!(form_decode("a+b%20c"), "a b c");
        assert_eq!(form_decode("%zz%4"), "%zz%4", "a bad escape stays");
        assert_eq!(form_decode("%ff"), "\u{fffd}");
        assert_eq!(
            form_decode("%E2%82"),
            "\u{fffd}",
            "a cut sequence is one U+FFFD"
        );
        assert_eq!(form_decode("%C3%A9"), "é");
        assert_eq!(query_of(" https://a.sg/p\t?x=\n1#y?z=2 "), "x=1");
        assert_eq!(query_of("https://a.sg/p#f?x=1"), "");
        assert_eq!(
            form_pairs("&a&=b&c=d=e&&"),
            [
                ("a".into(), "".into()),
                ("".into(), "b".into()),
                ("c".into(), "d=e".into())
            ]
        );
    }
}
