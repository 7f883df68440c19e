//! Cross-site requests: a web page on another site must not change the simulator's state (a
//! form posted to `/sim/reset` or to a payment page's Pay). A request that changes state outside
//! the API (any method but `GET`, `HEAD` and `OPTIONS`, on any path but `/v1/…`) is refused with
//! 403 when its `Origin` is present and not the simulator's own, or when its `Sec-Fetch-Site` is
//! `cross-site`. The SDK, tests and curl send neither header; the simulator's own pages post to
//! their own origin. The API needs an `x-api-key` header, which a cross-site form cannot send
//! and a cross-site script cannot send without a CORS preflight, which the simulator never
//! grants.

use super::api_request::Incoming;
use super::api_response::ApiResponse;
use super::Config;

/// The longest header value quoted back in the refusal.
const QUOTED: usize = 200;

/// The 403 for a cross-site request that would change state, or `None` to go on.
pub fn refusal(config: &Config, req: &Incoming<'_>) -> Option<ApiResponse> {
    if req.path.starts_with("/v1/") || matches!(req.method, "GET" | "HEAD" | "OPTIONS") {
        return None;
    }
    let site = req.header("sec-fetch-site");
    let why = if site.is_some_and(|s| s.eq_ignore_ascii_case(b"cross-site")) {
        "Sec-Fetch-Site: cross-site".to_owned()
    } else {
        let origin = req.header("origin")?;
        let text = String::from_utf8_lossy(origin);
        if is_own(config, req, &text) {
            return None;
        }
        format!("Origin: {}", quoted(&text))
    };
    let own = match req.header_str("host") {
        Some(host) => format!("http://{}", quoted(host)),
        None => quoted(&config.public_url),
    };
    Some(ApiResponse::error(
        403,
        "invalid_request_error",
        "cross_site_request",
        format!(
            "refused {} {} from another site ({why}; this simulator is {own}): a web page \
             elsewhere may not change the simulator's state. Use its own pages, or send no \
             Origin header (the SDK, tests and curl send none)",
            req.method,
            quoted(req.path),
        ),
    ))
}

/// `text` cut to [`QUOTED`] characters.
fn quoted(text: &str) -> String {
    match text.char_indices().nth(QUOTED) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// Whether `origin` is the simulator's own: the origin of the `Host` the request was sent to
/// (http or https), or that of `--public-url` (behind a proxy that rewrites `Host`).
fn is_own(config: &Config, req: &Incoming<'_>, origin: &str) -> bool {
    let Some((scheme, authority)) = origin_of(origin) else {
        return false; // "null", or not an origin at all
    };
    let by_host = req
        .header_str("host")
        .is_some_and(|host| without_default_port(&scheme, &host.to_ascii_lowercase()) == authority);
    by_host || origin_of(&config.public_url) == Some((scheme, authority))
}

/// `(scheme, host[:port])` of a URL, lower case, without the scheme's default port; `None`
/// unless http or https.
fn origin_of(url: &str) -> Option<(String, String)> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest[..end].to_ascii_lowercase();
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let authority = without_default_port(&scheme, &authority);
    Some((scheme, authority))
}

/// `authority` without `:80` (http) or `:443` (https).
fn without_default_port(scheme: &str, authority: &str) -> String {
    let default = if scheme == "https" { ":443" } else { ":80" };
    authority
        .strip_suffix(default)
        .unwrap_or(authority)
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req<'a>(method: &'a str, path: &'a str, headers: &'a [(String, Vec<u8>)]) -> Incoming<'a> {
        Incoming {
            method,
            path,
            query: None,
            headers,
            body: b"",
        }
    }

    fn headers(pairs: &[(&str, &str)]) -> Vec<(String, Vec<u8>)> {
        pairs
            .iter()
            .map(|(n, v)| ((*n).to_owned(), v.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn own_origins_and_headerless_requests_pass_others_are_refused() {
        let config = Config {
            public_url: "https://sim.example/base".to_owned(),
            ..Config::default()
        };
        let pass = |method: &str, path: &str, h: &[(&str, &str)]| {
            let h = headers(h);
            refusal(&config, &req(method, path, &h)).is_none()
        };
        let host = ("host", "127.0.0.1:4010");
        assert!(pass("POST", "/sim/reset", &[host]));
        assert!(pass(
            "POST",
            "/sim/reset",
            &[host, ("origin", "http://127.0.0.1:4010")]
        ));
        assert!(pass(
            "POST",
            "/sim/reset",
            &[("host", "Sim.Local"), ("origin", "http://sim.local:80")]
        ));
        assert!(pass(
            "POST",
            "/sim/reset",
            &[host, ("origin", "https://sim.example:443")]
        ));
        assert!(pass(
            "POST",
            "/sim/reset",
            &[host, ("sec-fetch-site", "same-origin")]
        ));
        assert!(pass(
            "POST",
            "/sim/reset",
            &[host, ("sec-fetch-site", "none")]
        ));
        assert!(pass(
            "GET",
            "/payments/x",
            &[host, ("sec-fetch-site", "cross-site")]
        ));
        assert!(pass(
            "POST",
            "/v1/payment-services/p/payments",
            &[host, ("origin", "http://evil")]
        ));
        assert!(!pass(
            "POST",
            "/sim/reset",
            &[host, ("origin", "http://evil.example")]
        ));
        assert!(!pass("POST", "/sim/reset", &[host, ("origin", "null")]));
        assert!(!pass(
            "POST",
            "/sim/reset",
            &[host, ("origin", "http://127.0.0.1:4011")]
        ));
        assert!(!pass(
            "POST",
            "/sim/reset",
            &[host, ("origin", "https://sim.example:8443")]
        ));
        assert!(!pass(
            "POST",
            "/sim/reset",
            &[host, ("origin", "http://u@127.0.0.1:4010")]
        ));
        assert!(!pass(
            "DELETE",
            "/",
            &[host, ("sec-fetch-site", "CROSS-SITE")]
        ));
        assert!(!pass(
            "POST",
            "/sim/reset",
            &[("origin", "http://127.0.0.1:4010")]
        ));
    }

    #[test]
    fn the_refusal_names_the_request_and_the_header_cut_short() {
        let long = format!("http://{}", "a".repeat(1000));
        let h = headers(&[("host", "127.0.0.1:4010"), ("origin", &long)]);
        let refused = refusal(&Config::default(), &req("POST", "/sim/reset", &h));
        let body = refused.and_then(|a| a.body).unwrap_or_default();
        assert!(body.contains("POST /sim/reset"), "{body}");
        assert!(body.contains("http://127.0.0.1:4010"), "{body}");
        assert!(
            body.contains(&long[..QUOTED]) && !body.contains(&long[..=QUOTED]),
            "{body}"
        );
    }
}
