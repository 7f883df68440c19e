//! Delivery of `payment.succeeded` events (built by the core: [`crate::core::webhook_event`]),
//! signed as PaySG documents (paysg-api.md §15.5), with retries and exponential backoff. Each
//! delivery is stored with its event (the core's outbox: [`Delivery`]) and each attempt after it
//! is made (reported on stderr if it cannot be), so a restart resumes every pending delivery
//! where its schedule left off ([`resume`]).

use std::time::Duration;

use rand::Rng;

use crate::core::model::{Attempt, Change, Delivery, Event, PendingDelivery};
use crate::core::{signature_header, signed_at};
use crate::os::iso_sgt;
use crate::{blocking, Shared};

/// The longest wait between two attempts.
const MAX_DELAY: Duration = Duration::from_secs(3600);

/// Sends each event to every `--webhook-url`, in the background on `runtime` (callable from a
/// blocking task). The core stored the same deliveries with the event.
pub fn dispatch(app: &Shared, runtime: &tokio::runtime::Handle, events: Vec<Event>) {
    if app.config.webhook_secret.is_none() {
        return;
    }
    let now = app.now();
    for event in events {
        for url in app.config.webhook_urls.clone() {
            let delivery = Delivery {
                event_id: event.id.clone(),
                url,
                body: event.body.clone(),
                due_ms: now,
                max_attempts: app.config.webhook_max_attempts.max(1),
            };
            spawn(app, runtime, delivery, 1, Duration::ZERO);
        }
    }
}

/// Resumes every delivery the store holds as pending (at start): the attempt after the last one
/// made, when the backoff says (at once if that time has passed, or if none was made yet and
/// its first attempt is due).
pub fn resume(app: &Shared, runtime: &tokio::runtime::Handle) {
    if app.config.webhook_secret.is_none() {
        return;
    }
    let pending = match app.read(|s| s.pending_deliveries()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("paysg-sim: cannot read the pending webhook deliveries, none resumed: {e}");
            return;
        }
    };
    let now = app.now();
    for p in pending {
        let (next, wait) = next_attempt(app.config.webhook_backoff, &p, now);
        app.log(|| {
            format!(
                "webhook {} → {}: resuming at attempt {next}/{} in {} ms",
                p.delivery.event_id,
                p.delivery.url,
                p.delivery.max_attempts,
                wait.as_millis()
            )
        });
        spawn(app, runtime, p.delivery, next, wait);
    }
}

/// The attempt a pending delivery resumes at and how long to wait for it from `now`.
fn next_attempt(base: Duration, p: &PendingDelivery, now: i64) -> (u32, Duration) {
    let until = |at: i64| Duration::from_millis(u64::try_from(at.saturating_sub(now)).unwrap_or(0));
    match p.last_ms {
        None => (p.attempts.saturating_add(1), until(p.delivery.due_ms)),
        Some(last) => {
            let delay = jittered(delay_after(base, p.attempts));
            let delay_ms = i64::try_from(delay.as_millis()).unwrap_or(i64::MAX);
            // A clock moved forward before the stop (`POST /sim/clock`) is not moved now.
            (
                p.attempts.saturating_add(1),
                until(last.min(now).saturating_add(delay_ms)),
            )
        }
    }
}

/// The wait after attempt `n` (1 for the first): the backoff, doubled after each attempt, at
/// most an hour.
fn delay_after(base: Duration, n: u32) -> Duration {
    let mut delay = base.min(MAX_DELAY);
    for _ in 1..n {
        delay = delay.saturating_mul(2).min(MAX_DELAY);
    }
    delay
}

/// A wait with up to 10 % added at random.
fn jittered(delay: Duration) -> Duration {
    delay.mul_f64(1.0 + rand::rng().random_range(0.0..0.1))
}

fn spawn(
    app: &Shared,
    runtime: &tokio::runtime::Handle,
    delivery: Delivery,
    from: u32,
    wait: Duration,
) {
    let Some(secret) = app.config.webhook_secret.clone() else {
        return;
    };
    app.volatile().webhooks_pending += 1;
    let app = app.clone();
    runtime.spawn(async move {
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        deliver(&app, &secret, &delivery, from).await;
        app.volatile().webhooks_pending -= 1;
    });
}

async fn deliver(app: &Shared, secret: &str, d: &Delivery, from: u32) {
    let max = d.max_attempts.max(1);
    let url = d.url.as_str();
    for attempt in from..=max {
        let now = app.now();
        let t = signed_at(&app.config, d.due_ms, now);
        let sent = app
            .http
            .post(url)
            .header("content-type", "application/json")
            .header("paysg-signature", signature_header(secret, t, &d.body))
            .body(d.body.clone())
            .send()
            .await;
        let (status, error) = match sent {
            Ok(res) => (Some(res.status().as_u16()), None),
            Err(e) => (
                None,
                Some(if e.is_timeout() {
                    "timed out".to_owned()
                } else {
                    "could not connect or the connection failed".to_owned()
                }),
            ),
        };
        let delivered = status.is_some_and(|s| (200..300).contains(&s));
        app.log(|| {
            format!(
                "webhook {} → {url} attempt {attempt}/{max}: {}",
                d.event_id,
                status.map_or_else(|| error.clone().unwrap_or_default(), |s| s.to_string())
            )
        });
        let change = Change {
            attempts: vec![Attempt {
                event_id: d.event_id.clone(),
                url: url.to_owned(),
                attempt,
                status,
                error,
                delivered,
                at: iso_sgt(now),
                at_ms: now,
            }],
            ..Change::default()
        };
        blocking(app, move |app| app.commit_quietly(&change)).await;
        if delivered || attempt >= max {
            return;
        }
        tokio::time::sleep(jittered(delay_after(app.config.webhook_backoff, attempt))).await;
    }
}
