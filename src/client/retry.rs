//! When an attempt is tried again, and after how long.

use super::Op;

/// The first retry waits about this long; each further retry twice as long.
pub const BASE_DELAY_MS: u64 = 500;
/// No computed backoff is longer than this.
pub const MAX_DELAY_MS: u64 = 8_000;
/// A `Retry-After` longer than this is not waited for: the error is returned instead.
pub const MAX_RETRY_AFTER_MS: u64 = 60_000;

/// What one attempt gave.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Attempt<'a> {
    /// An HTTP answer.
    Status {
        /// Its status.
        status: u16,
        /// Its `Retry-After` header.
        retry_after: Option<&'a str>,
    },
    /// No answer: the connection failed or was dropped.
    Network,
    /// No answer within the per-attempt timeout (the connection stalled).
    Stalled,
}

/// Whether the same call may succeed if sent again, and is safe to send again for this
/// operation.
///
/// * 429 is always retryable (PaySG refused before doing anything).
/// * 5xx, network failures and stalls: retryable for reads, for creates and refunds (their
///   `Idempotency-Key` makes a repeat harmless) and for cancel (a payment can be cancelled only
///   once); never for send-email, which could send the email twice.
/// * 409 (a concurrent request with the same key): retryable for creates and refunds.
/// * Any other 4xx never is: the same request cannot succeed.
pub fn retryable(op: Op, attempt: Attempt<'_>) -> bool {
    let repeatable = op != Op::SendEmail;
    match attempt {
        Attempt::Network | Attempt::Stalled => repeatable,
        Attempt::Status { status: 429, .. } => true,
        Attempt::Status { status: 409, .. } => op.idempotent(),
        Attempt::Status { status, .. } => (500..=599).contains(&status) && repeatable,
    }
}

/// `Retry-After` in ms: delta-seconds (PaySG documents none; the simulator sends seconds), with
/// a decimal fraction tolerated (`1.5`), read to the ms. HTTP dates, signs and exponents are not
/// read (the computed backoff applies). Read by hand: `str::parse::<f64>` would bring core's
/// float parser and its 10 KB table into the module for this one header.
pub fn retry_after_ms(value: &str) -> Option<u64> {
    let (whole, fraction) = value.trim().split_once('.').unwrap_or((value.trim(), ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.len() + fraction.len() == 0 || !digits(whole) || !digits(fraction) {
        return None;
    }
    // Past 10^9 s (any wait this long is refused anyway), saturate rather than overflow.
    let secs = whole.bytes().try_fold(0u64, |n, b| {
        let n = n * 10 + u64::from(b - b'0');
        (n < 1_000_000_000).then_some(n)
    });
    let secs = secs.unwrap_or(1_000_000_000);
    // The fraction to the ms, rounded half up on its fourth digit.
    let mut ms = 0u64;
    for i in 0..4 {
        let d = fraction
            .as_bytes()
            .get(i)
            .map_or(0, |b| u64::from(b - b'0'));
        if i < 3 {
            ms = ms * 10 + d;
        } else if d >= 5 {
            ms += 1;
        }
    }
    Some(secs * 1000 + ms)
}

/// How long to wait before retry number `retries_done + 1`, or `None` to stop and report.
///
/// Exponential backoff from [`BASE_DELAY_MS`], doubling, capped at [`MAX_DELAY_MS`], with
/// "equal jitter" (half fixed, half random from `random` in `0..1`); a `Retry-After` replaces it
/// (up to [`MAX_RETRY_AFTER_MS`]). Never past the deadline.
pub fn retry_delay(
    op: Op,
    retries_done: u32,
    max_retries: u32,
    attempt: Attempt<'_>,
    now_ms: f64,
    deadline_ms: f64,
    random: f64,
) -> Option<u64> {
    if retries_done >= max_retries || !retryable(op, attempt) {
        return None;
    }
    let backoff = (BASE_DELAY_MS << retries_done.min(16)).min(MAX_DELAY_MS);
    let random = if random.is_finite() {
        random.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let jittered = backoff / 2 + ((backoff / 2) as f64 * random) as u64;
    let delay = match attempt {
        Attempt::Status {
            retry_after: Some(v),
            ..
        } => match retry_after_ms(v) {
            Some(ms) if ms > MAX_RETRY_AFTER_MS => return None,
            Some(ms) => ms,
            None => jittered,
        },
        _ => jittered,
    };
    (now_ms + delay as f64 <= deadline_ms).then_some(delay)
}
