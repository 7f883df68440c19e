//! What a client's `onRequest` and `onResponse` listeners are told about an attempt: which
//! public method made the call, the method and path of the request in flight (without host or
//! query: a list's cursors stay out), the attempt's number and the `Idempotency-Key` sent.
//! Never the API key, a body or payer data: nothing else of the request is described.
//!
//! The rest of an `onResponse` event is what the JS loop saw (the status, the failure, the
//! clock) and the step [`super::answer`] decided (whether it sends again, and after how long);
//! PaySG's request id is scrubbed of the key ([`crate::request::ApiKey::scrub`]) first.
//!
//! [`Sent::of`], the attempt in flight of a call's [`super::Context`], is written in
//! [`super`] (`client/mod.rs`), above both: this module knows nothing of the plan, and the plan
//! reads [`path_of`] from here.

/// The request side of an attempt's events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sent<'a> {
    /// The public method that made the call (`"createPayment"`).
    pub operation: &'static str,
    /// `"GET"` or `"POST"`.
    pub method: &'static str,
    /// The URL's path, without host or query.
    pub path: &'a str,
    /// 1 for the first attempt, 2 for the next, …
    pub attempt: u32,
    /// The `Idempotency-Key` sent (creates and refunds).
    pub idempotency_key: Option<&'a str>,
}

/// The path of `url`: from the first `/` after the host up to a `?` or `#` (`/` when none).
pub fn path_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path = rest.find('/').map_or("/", |i| &rest[i..]);
    let end = path.find(['?', '#']).unwrap_or(path.len());
    match &path[..end] {
        "" => "/",
        p => p,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_has_no_host_nor_query() {
        for (url, path) in [
            (
                "https://api-staging.pay.gov.sg/v1/payment-services/s/payments?limit=1&after=c",
                "/v1/payment-services/s/payments",
            ),
            (
                "http://127.0.0.1:8790/base/v1/payments/a%20b#frag",
                "/base/v1/payments/a%20b",
            ),
            ("https://h", "/"),
            ("https://h?x=1", "/"),
            ("/relative?q", "/relative"),
        ] {
            assert_eq!(path_of(url), path, "{url}");
        }
    }
}
