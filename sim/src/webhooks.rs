//! Delivery of `payment.succeeded` events (built by the core: [`crate::core::webhook_event`]),
//! signed as PaySG documents (paysg-api.md §15.5), with retries and exponential backoff. Each
//! attempt is stored (reported on stderr if it cannot be).

use std::time::Duration;

use rand::Rng;

use crate::core::model::{Attempt, Change, Event};
use crate::core::{signature_header, signed_at};
use crate::os::iso_sgt;
use crate::{blocking, Shared};

/// Sends each event to every `--webhook-url`, in the background on `runtime` (callable from a
/// blocking task).
pub fn dispatch(app: &Shared, runtime: &tokio::runtime::Handle, events: Vec<Event>) {
    let Some(secret) = app.config.webhook_secret.clone() else {
        return;
    };
    for event in events {
        for url in app.config.webhook_urls.clone() {
            app.volatile().webhooks_pending += 1;
            let (app, secret, event) = (app.clone(), secret.clone(), event.clone());
            runtime.spawn(async move {
                deliver(&app, &url, &secret, &event).await;
                app.volatile().webhooks_pending -= 1;
            });
        }
    }
}

async fn deliver(app: &Shared, url: &str, secret: &str, event: &Event) {
    let max = app.config.webhook_max_attempts.max(1);
    let mut delay = app.config.webhook_backoff;
    let first = app.now();
    for attempt in 1..=max {
        let now = app.now();
        let t = signed_at(&app.config, first, now);
        let sent = app
            .http
            .post(url)
            .header("content-type", "application/json")
            .header("paysg-signature", signature_header(secret, t, &event.body))
            .body(event.body.clone())
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
                event.id,
                status.map_or_else(|| error.clone().unwrap_or_default(), |s| s.to_string())
            )
        });
        let change = Change {
            attempts: vec![Attempt {
                event_id: event.id.clone(),
                url: url.to_owned(),
                attempt,
                status,
                error,
                delivered,
                at: iso_sgt(now),
            }],
            ..Change::default()
        };
        blocking(app, move |app| app.commit_quietly(&change)).await;
        if delivered || attempt == max {
            return;
        }
        let jitter = rand::rng().random_range(0.0..0.1);
        tokio::time::sleep(delay.mul_f64(1.0 + jitter)).await;
        delay = (delay * 2).min(Duration::from_secs(3600));
    }
}
