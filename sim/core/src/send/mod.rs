//! `paysg-sim send-webhook`: a correctly signed `payment.succeeded` (or a given event) for a
//! deployed webhook endpoint, to test it before registering it with PaySG. The core decides
//! everything — the flags ([`args`]), the body (the simulator's own event builder,
//! [`crate::webhook_event`], over a made-up paid payment), the headers, the signature and its
//! time ([`crate::signature_header`], [`crate::signed_at`]), the report and the exit status; the
//! shells (the native binary and `npx paysg-sim`) read the event file, POST, and print.

mod args;
mod report;

pub use self::args::{commands_help, help, parse, usage_error, Args, Parsed, SendFlag, SEND_FLAGS};
pub use self::report::{report, EndpointResponse, Report, SHOWN_CHARS};

use paysg::webhook::{self, DEFAULT_TOLERANCE_S, MAX_BODY_BYTES};

use crate::ids::{payment_id, uuid_v4, Entropy};
use crate::model::{Pairs, Payment};
use crate::{signature_header, signed_at, webhook_event, Config, WebhookSigning};
use paysg::dates::iso_sgt;

/// The subcommand's name.
pub const NAME: &str = "send-webhook";
/// How long the shells wait for the endpoint's answer, in ms (as the simulator's deliveries).
pub const TIMEOUT_MS: u64 = 10_000;
/// How much older than the SDK's default tolerance a `--stale` signature is, in seconds.
pub const STALE_MARGIN_S: i64 = 60;

/// The POST to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The endpoint.
    pub url: String,
    /// The body, exactly as signed.
    pub body: String,
    /// `content-type` and `paysg-signature`.
    pub headers: Vec<(String, String)>,
    /// What is sent, for stdout before sending (no secret).
    pub intro: String,
    /// Warnings for stderr (no secret).
    pub notes: Vec<String>,
}

/// The event file as the shell read it: its bytes, or why it could not be read.
pub type EventFile<'a> = Option<Result<&'a [u8], &'a str>>;

/// A paid payment that does not exist at PaySG, with ids in the simulator's (and PaySG's) forms.
fn made_up_payment(now: i64, entropy: &mut dyn Entropy) -> Payment {
    let id = payment_id(entropy);
    let created = iso_sgt(now.saturating_sub(120_000));
    let paid = iso_sgt(now);
    Payment {
        payment_url: format!("https://staging.pay.gov.sg/payments/{id}"),
        payment_qr_code_url: format!(
            "https://api-staging.pay.gov.sg/v1/public/payments/{id}-qr.png"
        ),
        payment_service_id: format!("payment_service_{}", uuid_v4(entropy)),
        reference_id: "paysg-sim-send-webhook".to_owned(),
        payer_name: "Tan Ah Kow".to_owned(),
        payer_address: None,
        payer_identifier: None,
        payer_email: Some("payer@example.com".to_owned()),
        description: "A test event from paysg-sim send-webhook".to_owned(),
        amount_in_cents: 1234,
        due_date: None,
        metadata: Pairs(Vec::new()),
        line_items: None,
        return_url: None,
        payment_status: "paid".to_owned(),
        latest_status: "paid".to_owned(),
        refund_status: "not_refunded".to_owned(),
        email_delivery_status: "unsent".to_owned(),
        stripe_payment_intent_id: Some(format!("pi_sim_{}", payment_id(entropy))),
        payout_id: None,
        creator_id: format!("user_{}", uuid_v4(entropy)),
        created_at: created,
        updated_at: paid.clone(),
        payment_sent_timestamp: None,
        payment_succeeded_timestamp: Some(paid),
        payment_cancelled_timestamp: None,
        payment_fully_refunded_timestamp: None,
        paid_out_timestamp: None,
        id,
    }
}

/// The event's body and the time it was created (ms): the file's, or a made-up one's.
fn event_body(
    args: &Args,
    file: EventFile<'_>,
    now: i64,
    entropy: &mut dyn Entropy,
) -> Result<(String, Option<i64>), String> {
    let path = args.mask(args.event.as_deref().unwrap_or_default());
    let bytes = match file {
        None => {
            let event = webhook_event(&made_up_payment(now, entropy), now, entropy);
            return Ok((event.body, Some(now)));
        }
        Some(Err(why)) => {
            return Err(usage_error(&format!(
                "--event {path}: cannot read it ({})",
                args.mask(why)
            )))
        }
        Some(Ok(b)) => b,
    };
    if bytes.len() > MAX_BODY_BYTES {
        return Err(usage_error(&format!(
            "--event {path}: the file is {} bytes; verifyWebhook refuses bodies over {MAX_BODY_BYTES} bytes, and PaySG's events are a few kilobytes",
            bytes.len()
        )));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| {
        usage_error(&format!(
            "--event {path}: the file is not UTF-8 text; PaySG's events are JSON"
        ))
    })?;
    let json: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| usage_error(&format!("--event {path}: the file is not JSON ({e})")))?;
    let serde_json::Value::Object(map) = &json else {
        return Err(usage_error(&format!(
            "--event {path}: the file is JSON but not an object; a PaySG event is {{ \"id\", \"type\", \"object\": \"event\", \"created_at\", \"data\": {{ \"object\": <payment> }} }}"
        )));
    };
    let created = map
        .get("created_at")
        .and_then(serde_json::Value::as_str)
        .and_then(iso_ms);
    Ok((text.to_owned(), created))
}

/// The POST for `args` at `now` (ms): the body, the signed headers, what to print.
///
/// # Errors
///
/// An argument error (exit status 2): the event file cannot be read or is not a JSON object, or
/// `--signing event` is asked of an event without a `created_at`.
pub fn request(
    args: &Args,
    file: EventFile<'_>,
    now: i64,
    entropy: &mut dyn Entropy,
) -> Result<Request, String> {
    let (body, created) = event_body(args, file, now, entropy)?;
    let first = match (args.signing, created) {
        (WebhookSigning::PerAttempt, _) => now,
        (WebhookSigning::PerEvent, Some(c)) => c,
        (WebhookSigning::PerEvent, None) => {
            return Err(usage_error(&format!(
                "--signing event signs with the event's created_at, and the event in --event {} has no created_at in PaySG's form (2024-03-01T10:00:00.000+08:00)",
                args.mask(args.event.as_deref().unwrap_or_default())
            )))
        }
    };
    let back = if args.stale {
        (i64::from(DEFAULT_TOLERANCE_S) + STALE_MARGIN_S) * 1000
    } else {
        0
    };
    let config = Config {
        webhook_signing: args.signing,
        signature_in_seconds: args.seconds,
        ..Config::default()
    };
    let t = signed_at(
        &config,
        first.saturating_sub(back),
        now.saturating_sub(back),
    );
    let signature = signature_header(args.secret(), t, &body);
    let t_ms = if args.seconds {
        t.saturating_mul(1000)
    } else {
        t
    };
    let age_s = now.saturating_sub(t_ms) / 1000;
    let mut notes = Vec::new();
    let secret = args.secret();
    if secret.trim() != secret {
        notes.push("the secret has whitespace around it and is used as given (as verifyWebhook uses it): if your receiver's secret has none (a trailing newline from an environment file, say), its signature will not match".to_owned());
    }
    if secret.starts_with(paysg::request::STAGING_KEY_PREFIX)
        || secret.starts_with(paysg::request::LIVE_KEY_PREFIX)
    {
        notes.push("the secret looks like a PaySG API key: a receiver verifies with the webhook secret PaySG gave for the endpoint, not the API key".to_owned());
    }
    // The SDK's own reading of the body (any timestamp): a body it refuses is refused whatever
    // the signature.
    if let Err(f) = webhook::verify(body.as_bytes(), &signature, secret, 1e15, now as f64) {
        notes.push(format!(
            "verifyWebhook would refuse this body: {}",
            f.message
        ));
    }
    let kind = if args.event.is_some() {
        format!(
            "the event in {}",
            args.mask(args.event.as_deref().unwrap_or_default())
        )
    } else {
        "a made-up payment.succeeded (its payment does not exist at PaySG)".to_owned()
    };
    let when = match (args.stale, age_s) {
        (true, _) => format!(
            "{age_s} s ago (--stale: past the SDK's default tolerance of {DEFAULT_TOLERANCE_S} s, so a correct receiver refuses it)"
        ),
        (false, a) if a > i64::from(DEFAULT_TOLERANCE_S) => format!(
            "{a} s ago (the event's created_at: past the SDK's default tolerance of {DEFAULT_TOLERANCE_S} s)"
        ),
        (false, a) if a > 0 => format!("{a} s ago"),
        _ => "now".to_owned(),
    };
    let intro = format!(
        "POST {}\n  sending {kind}, {} bytes\n  signed t={t} ({when})",
        args.mask(&args.to),
        body.len()
    );
    Ok(Request {
        url: args.to.clone(),
        body,
        headers: vec![
            ("content-type".to_owned(), "application/json".to_owned()),
            ("paysg-signature".to_owned(), signature),
        ],
        intro,
        notes,
    })
}

/// Milliseconds since the epoch of `YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM)`.
fn iso_ms(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = b.get(r)?;
        part.iter().try_fold(0i64, |acc, c| {
            c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
        })
    };
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    let mut i = 19;
    let mut milli = 0;
    if b[i] == b'.' {
        let start = i + 1;
        i = start;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return None;
        }
        let three: String = s[start..i].chars().chain("00".chars()).take(3).collect();
        milli = three.parse::<i64>().ok()?;
    }
    let offset_min = match &b[i..] {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), ..] if b.len() == i + 6 && b[i + 3] == b':' => {
            let v = num(i + 1..i + 3)? * 60 + num(i + 4..i + 6)?;
            if *sign == b'-' {
                -v
            } else {
                v
            }
        }
        _ => return None,
    };
    // Days since 1970-01-01 (H. Hinnant's algorithm).
    let yy = y - i64::from(mo <= 2);
    let era = yy.div_euclid(400);
    let yoe = yy - era * 400;
    let doy = (153 * (if mo > 2 { mo - 3 } else { mo + 9 }) + 2) / 5 + d - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    Some(((days * 24 + h) * 60 + mi - offset_min) * 60_000 + sec * 1000 + milli)
}

#[cfg(test)]
mod tests;
