//! What `send-webhook` prints once the endpoint answered (or did not), and its exit status.

use super::{Args, TIMEOUT_MS};

/// How many characters of the answer's body are shown.
pub const SHOWN_CHARS: usize = 500;

/// What came back from the endpoint.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EndpointResponse<'a> {
    /// The HTTP status, when the endpoint answered.
    pub status: Option<u16>,
    /// The answer's body (as text; may be cut by the shell at a larger size).
    pub body: &'a str,
    /// From sending to the end of the body, in ms.
    pub elapsed_ms: f64,
    /// Why no answer came (`timeout`, or the shell's error), when none did.
    pub error: Option<&'a str>,
}

/// The report for stdout and the exit status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The lines to print (no secret: the body and the error are masked).
    pub text: String,
    /// 0, or 1 (2 is for argument errors, before anything is sent).
    pub exit: u8,
}

/// The report of one POST: status, the body's first [`SHOWN_CHARS`] characters, the time taken
/// and a one-line verdict. Exit status 0 on 2xx, 1 otherwise; with `--stale` the other way round
/// (a correct receiver refuses a stale signature), and 1 when no answer came.
pub fn report(args: &Args, answer: &EndpointResponse<'_>) -> Report {
    let ms = answer.elapsed_ms.max(0.0).round() as u64;
    let Some(status) = answer.status else {
        let why = match answer.error {
            Some("timeout") | None => format!("no answer within {} s", TIMEOUT_MS / 1000),
            Some(e) => format!("no answer: {}", args.mask(e)),
        };
        return Report {
            text: format!(
                "status: none\ntime: {ms} ms\nverdict: {why}; is the endpoint up and reachable from this machine, and is --to right?"
            ),
            exit: 1,
        };
    };
    let masked = args.mask(answer.body);
    let chars = masked.chars().count();
    let mut shown: String = masked.chars().take(SHOWN_CHARS).collect();
    if chars > SHOWN_CHARS {
        shown.push_str(&format!("… ({} more characters)", chars - SHOWN_CHARS));
    }
    let body = if shown.is_empty() {
        "(empty)".to_owned()
    } else {
        shown
    };
    let ok = (200..300).contains(&status);
    let (verdict, exit) = match (args.stale, ok) {
        (false, true) => (format!("accepted ({status})"), 0),
        (false, false) => (
            format!("refused with {status}: a correct receiver accepts this event; look at its logs and at the body above"),
            1,
        ),
        (true, false) => (
            format!("refused with {status}, as expected: the signature is stale, and a correct receiver refuses it"),
            0,
        ),
        (true, true) => (
            format!("accepted ({status}) a stale signature, which is WRONG: the receiver must refuse a signature older than its tolerance (verifyWebhook does), or anyone who captured a webhook can replay it"),
            1,
        ),
    };
    Report {
        text: format!("status: {status}\ntime: {ms} ms\nbody: {body}\nverdict: {verdict}"),
        exit,
    }
}
