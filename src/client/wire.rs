//! The hot path's wire format: what a call's plan hands to the JS loop, as one string of lines
//! that `pkg/src/call.js` (`readPlan`) splits. Every later step crosses as the wasm boundary's
//! typed `CallStep` (crates/wasm/src/step.rs): retries are rare and wait anyway.
//!
//! Why not serde-wasm-bindgen here: a request built as a JS object costs ≈ 20 crossings (every
//! key and value a string decoded from wasm memory, every property set through an import) and
//! ≈ 5 µs of a `createPayment` that a hand-written `fetch` does in ≈ 30 µs in Node; as one
//! string it is one crossing and one `split` (≈ 0.6 µs). JSON text was measured too: ≈ 3.7 µs,
//! because the body would be escaped into a JSON string and parsed back. Errors and every cold
//! path still cross as serde values. The JS tests check that the two forms of the same request
//! are equal (`buildCreatePaymentRequest` crosses through serde-wasm-bindgen).
//!
//! The format, one field per line (`\n`); no field but the body may hold a line break, and a
//! request whose other fields would is sent as a serde value instead ([`request`] says `None`):
//!
//! ```text
//! plan:    <slot> <wait> <deadline 0|1> <idempotency key or empty> REQUEST
//! REQUEST: <method> <url> <n> (<header name> <header value>)×n ("B" then the body, to the end
//!          of the string | "-": no body)
//! ```

use super::Context;
use crate::request::HttpRequest;
use core::fmt::Write;

/// When an attempt's timer fires: after `wait` ms, which is the attempt's timeout or what is
/// left of the call's deadline (`deadline`: that it is the deadline).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Timing {
    /// ms until the timer fires.
    pub wait: f64,
    /// Whether that is the call's deadline (not only this attempt's timeout).
    pub deadline: bool,
}

impl Timing {
    /// The timing of an attempt of `ctx` sent at `at_ms`.
    pub fn of(ctx: &Context, at_ms: f64) -> Timing {
        let left = (ctx.deadline_ms - at_ms).max(0.0);
        let attempt = ctx.attempt_timeout_ms as f64;
        Timing {
            wait: left.min(attempt),
            deadline: left <= attempt,
        }
    }

    fn write(self, out: &mut String) {
        // `wait` is a whole number of ms below 2^53 in practice; write it as an integer.
        let _ = write!(
            out,
            "{}\n{}\n",
            self.wait.max(0.0).ceil() as u64,
            u8::from(self.deadline)
        );
    }
}

/// `true` when `s` can be one line of the format.
fn one_line(s: &str) -> bool {
    !s.contains('\n')
}

/// Appends REQUEST, or returns `false` (leaving `out` as it may be) when a field other than the
/// body holds a line break.
fn write_request(out: &mut String, r: &HttpRequest) -> bool {
    if !one_line(&r.url) || !r.headers.iter().all(|(n, v)| one_line(n) && one_line(v)) {
        return false;
    }
    let _ = write!(out, "{}\n{}\n{}\n", r.method, r.url, r.headers.len());
    for (name, value) in &r.headers {
        out.push_str(name);
        out.push('\n');
        out.push_str(value);
        out.push('\n');
    }
    match &r.body {
        Some(body) => {
            out.push('B');
            out.push_str(body);
        }
        None => out.push('-'),
    }
    true
}

/// A plan's text: the call's slot, the first attempt's timing, the idempotency key and the
/// request; `None` when the request cannot be written as lines.
pub fn plan(slot: u32, timing: Timing, key: Option<&str>, r: &HttpRequest) -> Option<String> {
    let key = key.unwrap_or_default();
    if !one_line(key) {
        return None;
    }
    let mut out = String::with_capacity(256 + r.body.as_ref().map_or(0, String::len));
    let _ = writeln!(out, "{slot}");
    timing.write(&mut out);
    out.push_str(key);
    out.push('\n');
    write_request(&mut out, r).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(body: Option<&str>) -> HttpRequest {
        HttpRequest {
            method: "POST",
            url: "https://h/v1/payment-services/s/payments".into(),
            headers: vec![
                ("x-api-key", "k".into()),
                ("accept", "application/json".into()),
            ],
            body: body.map(str::to_owned),
        }
    }

    #[test]
    fn the_lines_are_as_documented() {
        let t = Timing {
            wait: 10_000.0,
            deadline: false,
        };
        assert_eq!(
            plan(3, t, Some("key-1"), &request(Some("{\"a\":\"x\\ny\"}\n"))).unwrap(),
            "3\n10000\n0\nkey-1\nPOST\nhttps://h/v1/payment-services/s/payments\n2\nx-api-key\nk\naccept\napplication/json\nB{\"a\":\"x\\ny\"}\n"
        );
        assert!(plan(0, t, None, &request(None))
            .unwrap()
            .ends_with("json\n-"));
        let d = Timing {
            wait: 0.4,
            deadline: true,
        };
        assert!(plan(1, d, None, &request(None))
            .unwrap()
            .starts_with("1\n1\n1\n\nPOST\n"));
    }

    #[test]
    fn a_line_break_outside_the_body_is_refused() {
        let t = Timing {
            wait: 1.0,
            deadline: true,
        };
        let mut r = request(None);
        r.url.push('\n');
        assert_eq!(plan(0, t, None, &r), None);
        let mut r = request(None);
        r.headers[0].1.push('\n');
        assert_eq!(plan(0, t, None, &r), None);
        assert_eq!(plan(0, t, Some("a\nb"), &request(None)), None);
    }
}
