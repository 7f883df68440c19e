//! The webhook schedule: which delivery attempt to send when, signed how, and what each result
//! means (store the attempt; try again after the backoff, or stop). A shell only keeps a timer
//! ([`Outbox::wait`]), sends what [`Outbox::poll`] gives it, and reports each result
//! ([`Outbox::sent`]), committing the change that returns.
//!
//! Times here are the shell's clock (ms), not the simulator's: `POST /sim/clock` moves payments'
//! time, not the wait between two attempts. Each attempt is stored with the simulator's time.

use super::super::ids::Entropy;
use super::super::model::{Attempt, Change, Delivery, PendingDelivery};
use super::super::{signature_header, signed_at, Config};
use paysg::dates::iso_sgt;

/// The longest wait between two attempts (1 h).
pub const MAX_DELAY_MS: u64 = 3_600_000;
/// How long an attempt may take before it counts as failed ("timed out").
pub const SEND_TIMEOUT_MS: u64 = 10_000;
/// The URL that stands for the npm package's `onWebhook` callback, an endpoint only a run given
/// one can reach.
pub const CALLBACK_URL: &str = "onWebhook:";

/// One delivery under way.
#[derive(Debug, Clone)]
struct Slot {
    id: u64,
    delivery: Delivery,
    /// The attempt to make next (1 for the first).
    attempt: u32,
    /// When it is due (the shell's clock).
    due: i64,
    /// Whether that attempt is being sent now, or its result stored (not yet due again).
    out: bool,
}

/// Webhook deliveries under way, each with its next attempt.
#[derive(Debug, Default)]
pub struct Outbox {
    slots: Vec<Slot>,
    next_id: u64,
}

/// An attempt to send now: POST `body` with `headers` to `url`, within `timeout_ms`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Send {
    /// What [`Outbox::sent`] is told with the result.
    pub id: u64,
    /// The endpoint (or [`CALLBACK_URL`]).
    pub url: String,
    /// `content-type` and `paysg-signature`.
    pub headers: Vec<(String, String)>,
    /// The event's JSON.
    pub body: String,
    /// How long it may take.
    pub timeout_ms: u64,
}

/// What came of an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    /// The endpoint answered with this status.
    Status(u16),
    /// No answer within [`Send::timeout_ms`].
    TimedOut,
    /// No connection, or it broke.
    Unreachable,
    /// The shell's own words (the `onWebhook` callback threw, say).
    Failed(String),
}

impl Outbox {
    /// Deliveries under way (shown at `/sim/state` and `/sim/webhooks.json`).
    pub fn pending(&self) -> usize {
        self.slots.len()
    }

    /// New deliveries (a change that owes them was just stored): each first attempt due at once.
    /// Nothing without a webhook secret.
    pub fn schedule(&mut self, config: &Config, deliveries: &[Delivery], clock: i64) {
        if config.webhook_secret.is_none() {
            return;
        }
        for d in deliveries {
            self.add(d.clone(), 1, clock);
        }
    }

    /// Deliveries the store holds as pending (at start): each at the attempt after the last one
    /// made, when the backoff says (at once if that time has passed, or if none was made and the
    /// first is due). A delivery to [`CALLBACK_URL`] waits for a run that has the callback.
    /// Returns a log line per delivery resumed.
    pub fn resume(
        &mut self,
        config: &Config,
        pending: Vec<PendingDelivery>,
        clock: i64,
        entropy: &mut dyn Entropy,
    ) -> Vec<String> {
        let mut lines = Vec::new();
        if config.webhook_secret.is_none() {
            return lines;
        }
        for p in pending {
            let callback = p.delivery.url == CALLBACK_URL;
            if callback && !config.webhook_urls.iter().any(|u| u == CALLBACK_URL) {
                continue;
            }
            let next = p.attempts.saturating_add(1);
            let due = match p.last_ms {
                None => p.delivery.due_ms,
                // A clock moved forward before the stop (`POST /sim/clock`) is not moved now.
                Some(last) => last
                    .min(clock)
                    .saturating_add(to_ms(jittered(delay_after(config, p.attempts), entropy))),
            }
            .max(clock);
            lines.push(format!(
                "webhook {} → {}: resuming at attempt {next}/{} in {} ms",
                p.delivery.event_id,
                p.delivery.url,
                p.delivery.max_attempts,
                due.saturating_sub(clock)
            ));
            self.add(p.delivery, next, due);
        }
        lines
    }

    fn add(&mut self, delivery: Delivery, attempt: u32, due: i64) {
        self.next_id = self.next_id.wrapping_add(1);
        self.slots.push(Slot {
            id: self.next_id,
            delivery,
            attempt,
            due,
            out: false,
        });
    }

    /// How long until the next attempt is due (0: now), or `None` when none waits.
    pub fn wait(&self, clock: i64) -> Option<u64> {
        self.slots
            .iter()
            .filter(|s| !s.out)
            .map(|s| u64::try_from(s.due.saturating_sub(clock)).unwrap_or(0))
            .min()
    }

    /// The next attempt due by `clock`, signed at `now` (the simulator's time), if any. It is
    /// out until [`Outbox::sent`] is told how it went.
    pub fn poll(&mut self, config: &Config, clock: i64, now: i64) -> Option<Send> {
        let secret = config.webhook_secret.as_deref()?;
        let slot = self
            .slots
            .iter_mut()
            .filter(|s| !s.out && s.due <= clock)
            .min_by_key(|s| (s.due, s.id))?;
        slot.out = true;
        let d = &slot.delivery;
        let t = signed_at(config, d.due_ms, now);
        Some(Send {
            id: slot.id,
            url: d.url.clone(),
            headers: vec![
                ("content-type".to_owned(), "application/json".to_owned()),
                (
                    "paysg-signature".to_owned(),
                    signature_header(secret, t, &d.body),
                ),
            ],
            body: d.body.clone(),
            timeout_ms: SEND_TIMEOUT_MS,
        })
    }

    /// The result of attempt `id`, at `clock` (the simulator's time `now`): the change to commit
    /// (the attempt; a failure to store it is only reported) and the log line. The delivery ends
    /// when it delivered (2xx) or was its last attempt; otherwise its next attempt is due after
    /// the backoff, once the shell says the attempt is stored ([`Outbox::stored`]), so that
    /// attempts are stored in the order they were made. `None` for an unknown `id`.
    pub fn sent(
        &mut self,
        config: &Config,
        id: u64,
        result: &Sent,
        clock: i64,
        now: i64,
        entropy: &mut dyn Entropy,
    ) -> Option<(Change, String)> {
        let i = self.slots.iter().position(|s| s.id == id && s.out)?;
        let slot = &mut self.slots[i];
        let max = slot.delivery.max_attempts.max(1);
        let (status, error) = match result {
            Sent::Status(s) => (Some(*s), None),
            Sent::TimedOut => (None, Some("timed out".to_owned())),
            Sent::Unreachable => (
                None,
                Some("could not connect or the connection failed".to_owned()),
            ),
            Sent::Failed(why) => (None, Some(why.clone())),
        };
        let delivered = status.is_some_and(|s| (200..300).contains(&s));
        let line = format!(
            "webhook {} → {} attempt {}/{max}: {}",
            slot.delivery.event_id,
            slot.delivery.url,
            slot.attempt,
            status.map_or_else(|| error.clone().unwrap_or_default(), |s| s.to_string())
        );
        let change = Change {
            attempts: vec![Attempt {
                event_id: slot.delivery.event_id.clone(),
                url: slot.delivery.url.clone(),
                attempt: slot.attempt,
                status,
                error,
                delivered,
                at: iso_sgt(now),
                at_ms: now,
            }],
            ..Change::default()
        };
        if delivered || slot.attempt >= max {
            self.slots.remove(i);
        } else {
            let wait = jittered(delay_after(config, slot.attempt), entropy);
            slot.due = clock.saturating_add(to_ms(wait));
            slot.attempt = slot.attempt.saturating_add(1);
        }
        Some((change, line))
    }

    /// The change [`Outbox::sent`] gave for `id` was committed (or failed to be): its next
    /// attempt may be sent when due.
    pub fn stored(&mut self, id: u64) {
        if let Some(slot) = self.slots.iter_mut().find(|s| s.id == id) {
            slot.out = false;
        }
    }
}

/// The wait after attempt `n` (1 for the first): the backoff, doubled after each attempt, at
/// most [`MAX_DELAY_MS`].
pub fn delay_after(config: &Config, n: u32) -> u64 {
    let base = u64::try_from(config.webhook_backoff.as_millis()).unwrap_or(u64::MAX);
    let mut delay = base.min(MAX_DELAY_MS);
    for _ in 1..n {
        if delay >= MAX_DELAY_MS {
            break;
        }
        delay = delay.saturating_mul(2).min(MAX_DELAY_MS);
    }
    delay
}

/// A wait with up to 10 % added at random.
fn jittered(ms: u64, entropy: &mut dyn Entropy) -> u64 {
    ms.saturating_add((ms as f64 * 0.1 * entropy.unit()) as u64)
}

fn to_ms(ms: u64) -> i64 {
    i64::try_from(ms).unwrap_or(i64::MAX)
}
