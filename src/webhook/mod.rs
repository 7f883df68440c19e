//! Webhooks: PaySG's `PaySG-Signature` (paysg-api.md §15.5), verified and produced, with
//! diagnostics that name the usual mistake, and the event normalised to snake_case.
//!
//! * Header: `t=<timestamp>, v1=<signature>`, parts split on `,` and trimmed, in any order;
//!   several `v1` (secret rotation) — any one matching is enough; other schemes ignored.
//! * Signature: HMAC-SHA256 keyed with the endpoint secret over `"<t>.<raw body>"`, with `t`
//!   exactly as sent; lowercase or uppercase hex (PaySG does not document the encoding; base64 is
//!   accepted as well). Compared in constant time.
//! * Timestamp: PaySG does not say whether `t` is in seconds or milliseconds. A value of
//!   100,000,000,000 or more is read as milliseconds (that many seconds is the year 5138; that
//!   many milliseconds is 1973), anything smaller as seconds. It must be within the tolerance of
//!   `now` in both directions.

pub mod answers;
pub mod arguments;
mod event;
mod failure;
pub mod handler_options;
mod header;
mod late;

pub use self::event::snake_case;
pub use self::failure::{Failure, Reason};
pub use self::header::{parse_header, Header, MILLISECONDS_FROM};
pub use self::late::late_delivery_refusal;

use self::event::event;
use self::failure::fail;
use crate::request::{LIVE_KEY_PREFIX, STAGING_KEY_PREFIX};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt::Write as _;
use subtle::{Choice, ConstantTimeEq};

/// How far the signature's timestamp may be from now, in seconds, unless the caller says
/// otherwise (`toleranceSeconds`).
pub const DEFAULT_TOLERANCE_S: u32 = 300;
/// How long PaySG keeps retrying a failed delivery, in seconds (3 days, paysg-api.md §15.2): a
/// delivery signed longer ago than this plus [`DEFAULT_TOLERANCE_S`] cannot be one of its retries.
pub const RETRY_WINDOW_S: u32 = 3 * 24 * 3600;
/// The largest webhook body verified, in bytes (1 MiB): PaySG's events are a few kilobytes, and
/// a larger body is refused before it is copied or hashed.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// The failure for a body over [`MAX_BODY_BYTES`] (`size` in bytes, or in UTF-16 units for a
/// string that is over in either).
pub fn body_too_large(size: f64) -> Failure {
    fail(
        Reason::InvalidPayload,
        format!(
            "the body is {} bytes or more; PaySG's events are a few kilobytes, and paysg verifies at most {MAX_BODY_BYTES} bytes",
            crate::validate::money::shown_number(size.floor())
        ),
    )
}

fn mac(secret: &[u8], t: &str, body: &[u8]) -> Option<Hmac<Sha256>> {
    let mut m = Hmac::<Sha256>::new_from_slice(secret).ok()?;
    m.update(t.as_bytes());
    m.update(b".");
    m.update(body);
    Some(m)
}

fn matches(secret: &[u8], header: &Header<'_>, body: &[u8]) -> bool {
    mac(secret, header.t, body)
        .is_some_and(|m| signed_by(header, &m.finalize().into_bytes().into()))
}

/// Whether `mac` is one of the header's `v1`: every candidate is checked (no early exit on the
/// first match), each in constant time.
fn signed_by(header: &Header<'_>, mac: &[u8; 32]) -> bool {
    let found = header
        .v1
        .iter()
        .fold(Choice::from(0), |found, sig| found | sig.ct_eq(mac));
    found.into()
}

/// `t=<timestamp>, v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`: a header that verifies, for
/// tests. `timestamp` is written exactly as given.
pub fn sign(body: &[u8], secret: &str, timestamp: &str) -> String {
    let hex = mac(secret.as_bytes(), timestamp, body).map_or_else(String::new, |m| {
        m.finalize()
            .into_bytes()
            .iter()
            .fold(String::with_capacity(64), |mut s, b| {
                let _ = write!(s, "{b:02x}");
                s
            })
    });
    format!("t={timestamp}, v1={hex}")
}

fn duration(ms: u64) -> String {
    let s = ms / 1000;
    match s {
        0..=119 => format!("{s} s"),
        120..=7199 => format!("{} min", s / 60),
        7200..=172_799 => format!("{} h", s / 3600),
        _ => format!("{} days", s / 86_400),
    }
}

/// Why no signature matched: the likeliest mistake first.
fn diagnose(body: &[u8], secret: &str, header: &Header<'_>) -> String {
    if body == b"[object Object]" {
        return "the body is \"[object Object]\": it was parsed into an object before verifying; pass the raw body exactly as received (await request.text())".to_owned();
    }
    if secret.trim() != secret && matches(secret.trim().as_bytes(), header, body) {
        return "the secret has whitespace around it (often a trailing newline from an environment file); trim it".to_owned();
    }
    if secret.starts_with(STAGING_KEY_PREFIX) || secret.starts_with(LIVE_KEY_PREFIX) {
        return "the secret looks like a PaySG API key: use the webhook secret PaySG gave for this endpoint, not the API key".to_owned();
    }
    let text = String::from_utf8_lossy(body);
    let pretty =
        text.trim_start().starts_with('{') && (text.contains("\n ") || text.contains("\": "));
    if pretty {
        return "no v1 signature matches, and the body looks re-serialised (indented JSON): verify the raw body exactly as received, not JSON.stringify of a parsed body".to_owned();
    }
    "no v1 signature matches this body and secret: the body is not the one PaySG signed (changed or re-serialised), the header belongs to another request, or the secret is not this endpoint's".to_owned()
}

/// Verifies a webhook and reads its event.
///
/// Returns the event as JSON text when it had to be normalised (a camelCase payment, as in older
/// PaySG docs), or `None` when the body is already the event as documented (snake_case).
///
/// # Errors
///
/// A [`Failure`] with the reason and a message naming the likely mistake.
pub fn verify(
    body: &[u8],
    header: &str,
    secret: &str,
    tolerance_s: f64,
    now_ms: f64,
) -> Result<Option<String>, Failure> {
    if body.len() > MAX_BODY_BYTES {
        return Err(body_too_large(body.len() as f64));
    }
    let h = parse_header(header)?;
    if secret.is_empty() {
        return Err(fail(
            Reason::NoMatchingSignature,
            "the webhook secret is empty",
        ));
    }
    // The timestamp first: a replayed or stale webhook is refused before the HMAC is paid for.
    fresh(&h, tolerance_s, now_ms)?;
    if !matches(secret.as_bytes(), &h, body) {
        return Err(fail(
            Reason::NoMatchingSignature,
            diagnose(body, secret, &h),
        ));
    }
    event(body)
}

/// Checks the header's timestamp against `now` and the tolerance, in both directions.
fn fresh(h: &Header<'_>, tolerance_s: f64, now_ms: f64) -> Result<(), Failure> {
    let tolerance_ms = tolerance_s * 1000.0;
    // Whole seconds for the message, without pulling float formatting into the module.
    let tolerance_shown = || {
        if tolerance_s < 1e15 {
            (tolerance_s.max(0.0) as u64).to_string()
        } else {
            "∞".to_owned()
        }
    };
    let age = now_ms - h.t_ms as f64;
    if age > tolerance_ms {
        return Err(fail(
            Reason::TimestampTooOld,
            format!(
                "the signature's timestamp is {} old, more than the tolerance of {} s: a replayed webhook, or this server's clock is off",
                duration(age as u64),
                tolerance_shown()
            ),
        ));
    }
    if -age > tolerance_ms {
        return Err(fail(
            Reason::TimestampInFuture,
            format!(
                "the signature's timestamp is {} in the future, more than the tolerance of {} s: this server's clock is behind",
                duration((-age) as u64),
                tolerance_shown()
            ),
        ));
    }
    Ok(())
}

/// The fast way to a verified event, for hosts with native HMAC-SHA256 (Node's `node:crypto`):
/// `mac` is HMAC-SHA256 keyed with the secret over `"<t>.<body>"`, computed by the host. True
/// only when [`verify`] would return `Ok(None)` for the same body, header and secret: `t` is the
/// header's own timestamp exactly as sent, `mac` equals one of its `v1` (each compared in
/// constant time), the timestamp is fresh and the body is an event that needs no rewriting.
/// False means "ask [`verify`]", which also says why.
pub fn verified_with_mac(
    body: &[u8],
    header: &str,
    t: &str,
    mac: &[u8],
    tolerance_s: f64,
    now_ms: f64,
) -> bool {
    let Ok(h) = parse_header(header) else {
        return false;
    };
    let Ok(mac) = <[u8; 32]>::try_from(mac) else {
        return false;
    };
    h.t == t
        && signed_by(&h, &mac)
        && fresh(&h, tolerance_s, now_ms).is_ok()
        && matches!(event(body), Ok(None))
}
