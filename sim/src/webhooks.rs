//! `payment.succeeded` events, signed as PaySG documents (paysg-api.md §15.5) and delivered with
//! retries and exponential backoff.

use std::time::Duration;

use rand::Rng;

use crate::store::{Attempt, Payment};
use crate::util::{iso_sgt, now_ms, uuid_v4};
use crate::Shared;

/// The `PaySG-Signature` header value: `t=<t>, v1=<hex HMAC-SHA256 of "<t>.<body>">`, signed
/// with the SDK's own signer (the black-box tests check it against an independent HMAC).
pub fn signature_header(secret: &str, t: i64, body: &str) -> String {
    paysg::webhook::sign(body.as_bytes(), secret, &t.to_string())
}

/// The event body for a paid payment: compact JSON, snake_case, integer amounts.
pub fn event_body(payment: &Payment, now: i64) -> (String, String) {
    #[derive(serde::Serialize)]
    struct Data<'a> {
        object: &'a Payment,
    }
    #[derive(serde::Serialize)]
    struct Event<'a> {
        id: &'a str,
        r#type: &'a str,
        object: &'a str,
        created_at: String,
        payment_service_id: &'a str,
        data: Data<'a>,
    }
    let id = format!("evt_{}", uuid_v4());
    let event = Event {
        id: &id,
        r#type: "payment.succeeded",
        object: "event",
        created_at: iso_sgt(now),
        payment_service_id: &payment.payment_service_id,
        data: Data { object: payment },
    };
    let body = serde_json::to_string(&event).unwrap_or_default();
    (id, body)
}

/// Sends `payment.succeeded` for `payment` to every `--webhook-url`, in the background.
pub fn dispatch(app: &Shared, payment: &Payment) {
    let Some(secret) = app.config.webhook_secret.clone() else {
        return;
    };
    if app.config.webhook_urls.is_empty() {
        return;
    }
    let now = now_ms();
    let (event_id, body) = event_body(payment, now);
    for url in app.config.webhook_urls.clone() {
        app.store().webhooks_pending += 1;
        let (app, secret, body, event_id) =
            (app.clone(), secret.clone(), body.clone(), event_id.clone());
        tokio::spawn(async move {
            deliver(&app, &url, &secret, &event_id, &body).await;
            app.store().webhooks_pending -= 1;
        });
    }
}

async fn deliver(app: &Shared, url: &str, secret: &str, event_id: &str, body: &str) {
    let max = app.config.webhook_max_attempts.max(1);
    let mut delay = app.config.webhook_backoff;
    for attempt in 1..=max {
        let now = now_ms();
        let t = if app.config.signature_in_seconds {
            now / 1000
        } else {
            now
        };
        let sent = app
            .http
            .post(url)
            .header("content-type", "application/json")
            .header("paysg-signature", signature_header(secret, t, body))
            .body(body.to_owned())
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
                "webhook {event_id} → {url} attempt {attempt}/{max}: {}",
                status.map_or_else(|| error.clone().unwrap_or_default(), |s| s.to_string())
            )
        });
        {
            let mut store = app.store();
            store.webhook_attempts.push(Attempt {
                event_id: event_id.to_owned(),
                url: url.to_owned(),
                attempt,
                status,
                error,
                delivered,
                at: iso_sgt(now),
            });
            app.persist(&store);
        }
        if delivered || attempt == max {
            return;
        }
        let jitter = rand::rng().random_range(0.0..0.1);
        tokio::time::sleep(delay.mul_f64(1.0 + jitter)).await;
        delay = (delay * 2).min(Duration::from_secs(3600));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_the_documented_fixture() {
        // paysg-api.md §15.5
        let body = r#"{"id":"evt_752ced1f-00ce-4905-8c46-367371dd78e6","type":"payment.succeeded","object":"event","created_at":"2023-10-02T16:17:08.210+08:00","payment_service_id":"payment_service_fd724c82-786b-43ba-b7d7-1eecab0388e1","data":{"object":{"id":"wLAnFWQLYyYNKBimc2ZkA","payment_status":"paid","amount_in_cents":1234}}}"#;
        assert_eq!(
            signature_header("test_webhook_secret", 1_696_234_628_210, body),
            "t=1696234628210, v1=551f01f810fd70585a74b914b49402a7a6c5967db87fff361bd70eccbaf7c44d"
        );
    }
}
