//! `paysg-sim-core`: the simulator's logic without I/O: a request, the time and randomness in;
//! an answer, what to store and the webhooks to send out. The shells (the axum binary; the npm
//! package and the Durable Object, JS over wasm) only read and write bytes, keep time, store,
//! sleep, send webhooks and hold the locks, as the core's state machines ([`drive`]) say.
//!
//! * [`api_request`]: a `/v1/…` request up to what it will do (auth, route, faults, the
//!   `Idempotency-Key`) and the idempotency rules around it;
//! * [`ops`]: PaySG's operations over a [`store::Store`];
//! * [`send`]: `paysg-sim send-webhook`, a signed event for a deployed endpoint, and its report;
//! * [`store`]: the store trait, [`model::Change`] (applied whole or not at all) and the
//!   in-memory store;
//! * [`drive`]: the core as state machines the shells drive: [`drive::Exchange`] (one request,
//!   every step of it) and [`drive::Outbox`] (the webhook schedule).
//!
//! How a keyed create runs, and why no key is ever stranded: the exchange claims the key in
//! [`Volatile`] (in memory only: a second request with it meanwhile gets 409), replays a stored
//! answer if there is one, runs the operation, and commits its change together with the key's
//! record in one transaction, then releases the key. A crash or a kill at any moment leaves either
//! both or neither, and the claim, being in memory, is gone after a restart.

mod actions;
pub mod api_request;
pub mod api_response;
mod create;
pub mod cross_site;
pub mod drive;
pub mod faults;
pub mod http;
pub mod ids;
pub mod limits;
mod list;
pub mod model;
pub mod ops;
pub mod options;
pub mod outcome;
#[cfg(test)]
mod overflow_tests;
pub mod pages;
pub mod reply;
mod route;
pub mod send;
pub mod store;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::Duration;

use faults::FaultPlan;
use ids::{uuid_v4, Entropy};
use model::{Event, Payment};
use paysg::dates::iso_sgt;

/// How the simulator runs (the command-line flags).
#[derive(Debug, Clone)]
pub struct Config {
    /// Base of `payment_url` and `payment_qr_code_url` (no trailing slash).
    pub public_url: String,
    /// When non-empty, the only API keys accepted, with their permissions.
    pub api_keys: Vec<KeyRights>,
    /// Webhook endpoints.
    pub webhook_urls: Vec<String>,
    /// Webhook signing secret (never logged).
    pub webhook_secret: Option<String>,
    /// Attempts per event and endpoint.
    pub webhook_max_attempts: u32,
    /// First retry delay.
    pub webhook_backoff: Duration,
    /// Whether each delivery attempt is signed afresh, or each event once.
    pub webhook_signing: WebhookSigning,
    /// `t` of `PaySG-Signature` in seconds instead of milliseconds.
    pub signature_in_seconds: bool,
    /// Faults for every API request (a header can override them).
    pub faults: FaultPlan,
    /// `Retry-After` of injected 429/503.
    pub retry_after_secs: u64,
    /// How long a `stall` fault holds the response.
    pub stall: Duration,
    /// The limits PaySG's sources disagree on, as the SDK's `limits` (`--limit-…`).
    pub limits: paysg::validate::Limits,
    /// Accept non-ASCII payer text (`--accept-non-ascii`), which PaySG refuses.
    pub accept_non_ascii: bool,
    /// How long a refund stays pending, in ms.
    pub refund_settle_ms: i64,
    /// Where state is kept, if anywhere.
    pub data: Option<PathBuf>,
    /// The largest the data file may grow, in bytes (a full disk, on demand).
    pub data_max_bytes: Option<u64>,
    /// `(from, to)` prefixes: a payer whose `return_url` starts with `from` is sent to `to`
    /// instead (local development without TLS).
    pub return_url_map: Vec<(String, String)>,
    /// Log requests and webhook attempts on stderr.
    pub log: bool,
}

impl Default for Config {
    /// Every flag's default, as the flags table writes it ([`options::defaults`]).
    fn default() -> Self {
        options::defaults()
    }
}

impl Config {
    /// A configuration of zeros and nothings: what [`options::defaults`] falls back to if the
    /// flags table's defaults could not be read (a test proves they can).
    pub(crate) fn bare() -> Self {
        Config {
            public_url: String::new(),
            api_keys: Vec::new(),
            webhook_urls: Vec::new(),
            webhook_secret: None,
            webhook_max_attempts: 1,
            webhook_backoff: Duration::ZERO,
            webhook_signing: WebhookSigning::PerAttempt,
            signature_in_seconds: false,
            faults: FaultPlan::none(),
            retry_after_secs: 0,
            stall: Duration::ZERO,
            limits: paysg::validate::Limits::default(),
            accept_non_ascii: false,
            refund_settle_ms: 0,
            data: None,
            data_max_bytes: None,
            return_url_map: Vec::new(),
            log: true,
        }
    }
}

/// A permission of an API key, as on PaySG's dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Read payments (get, list).
    View,
    /// Create, cancel and email payments.
    Billing,
    /// Refund payments.
    Refund,
    /// Everything.
    Administrator,
}

impl Permission {
    /// Every permission.
    pub const ALL: [Permission; 4] = [
        Permission::View,
        Permission::Billing,
        Permission::Refund,
        Permission::Administrator,
    ];

    /// Its name in `--api-key KEY=RIGHTS`.
    pub fn name(self) -> &'static str {
        match self {
            Permission::View => "view",
            Permission::Billing => "billing",
            Permission::Refund => "refund",
            Permission::Administrator => "administrator",
        }
    }
}

/// An accepted API key and what it may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRights {
    /// The key.
    pub key: String,
    /// Its permissions.
    pub permissions: Vec<Permission>,
}

/// When webhooks are signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookSigning {
    /// Each delivery attempt afresh (its own `t`).
    PerAttempt,
    /// Once per event: every retry carries the first attempt's `t`.
    PerEvent,
}

/// What the simulator keeps in memory only, never stored: it must not outlive the process.
#[derive(Debug, Default)]
pub struct Volatile {
    /// Requests faulted so far per operation, for `x-paysg-sim-fault: …;first=<n>`.
    pub first_faults: HashMap<String, u32>,
    /// Idempotency scopes of requests executing now.
    pub in_flight: HashSet<String>,
    /// Webhook deliveries under way, each with its next attempt.
    pub outbox: drive::Outbox,
    /// How far the clock was moved forward (`POST /sim/clock`), in ms.
    pub clock_offset_ms: i64,
}

impl Volatile {
    /// Claims an idempotency scope for a request about to execute; `false` when another request
    /// holds it.
    pub fn claim(&mut self, scope: &str) -> bool {
        self.in_flight.insert(scope.to_owned())
    }

    /// Releases a claimed scope.
    pub fn release(&mut self, scope: &str) {
        self.in_flight.remove(scope);
    }

    /// Forgets the fault counters and the clock's offset (a reset; claims and pending
    /// deliveries stay).
    pub fn reset(&mut self) {
        self.first_faults.clear();
        self.clock_offset_ms = 0;
    }

    /// The simulator's time: the shell's clock, moved forward by `POST /sim/clock`.
    pub fn now(&self, clock_ms: i64) -> i64 {
        clock_ms.saturating_add(self.clock_offset_ms)
    }
}

/// The `payment.succeeded` event of a paid payment: compact JSON, snake_case, integer amounts.
pub fn webhook_event(payment: &Payment, now: i64, entropy: &mut dyn Entropy) -> Event {
    #[derive(serde::Serialize)]
    struct Data<'a> {
        object: &'a Payment,
    }
    #[derive(serde::Serialize)]
    struct Body<'a> {
        id: &'a str,
        r#type: &'a str,
        object: &'a str,
        created_at: String,
        payment_service_id: &'a str,
        data: Data<'a>,
    }
    let id = format!("evt_{}", uuid_v4(entropy));
    let body = serde_json::to_string(&Body {
        id: &id,
        r#type: "payment.succeeded",
        object: "event",
        created_at: iso_sgt(now),
        payment_service_id: &payment.payment_service_id,
        data: Data { object: payment },
    })
    .unwrap_or_default();
    Event { id, body }
}

/// The `PaySG-Signature` header value: `t=<t>, v1=<hex HMAC-SHA256 of "<t>.<body>">`, signed
/// with the SDK's own signer (the black-box tests check it against an independent HMAC).
pub fn signature_header(secret: &str, t: i64, body: &str) -> String {
    paysg::webhook::sign(body.as_bytes(), secret, &t.to_string())
}

/// The `t` a delivery attempt is signed with: its own time, or the event's first attempt's
/// (`--webhook-signing event`), in the configured unit.
pub fn signed_at(config: &Config, first_attempt_ms: i64, now_ms: i64) -> i64 {
    let ms = match config.webhook_signing {
        WebhookSigning::PerAttempt => now_ms,
        WebhookSigning::PerEvent => first_attempt_ms,
    };
    if config.signature_in_seconds {
        ms / 1000
    } else {
        ms
    }
}

/// `return_url` (after `--return-url-map`) with `paysg_payment_id` and
/// `paysg_payment_service_id` added to its query.
pub fn redirect_url(config: &Config, p: &Payment) -> Option<String> {
    let given = p.return_url.as_deref()?;
    let mapped = config.return_url_map.iter().find_map(|(from, to)| {
        given
            .strip_prefix(from.as_str())
            .map(|rest| format!("{to}{rest}"))
    });
    let url = mapped.as_deref().unwrap_or(given);
    let (base, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let sep = if !base.contains('?') {
        "?"
    } else if base.ends_with('?') || base.ends_with('&') {
        ""
    } else {
        "&"
    };
    let enc = paysg::strings::percent_encode;
    let mut out = format!(
        "{base}{sep}paysg_payment_id={}&paysg_payment_service_id={}",
        enc(&p.id),
        enc(&p.payment_service_id)
    );
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_is_the_flags_tables() {
        let given = options::Given::default();
        assert!(options::config(&given, "", options::Style::Cli).is_ok());
        let d = Config::default();
        let num = |name: &str| -> u64 { options::default_of(name).unwrap().parse().unwrap() };
        assert_eq!(
            u64::from(d.webhook_max_attempts),
            num("webhook-max-attempts")
        );
        assert_eq!(
            d.webhook_backoff.as_millis() as u64,
            num("webhook-backoff-ms")
        );
        assert_eq!(d.stall.as_millis() as u64, num("stall-ms"));
        assert_eq!(d.retry_after_secs, num("retry-after"));
        assert_eq!(d.refund_settle_ms as u64, num("refund-settle-ms"));
        assert_eq!(
            u64::from(d.limits.amount_in_cents),
            num("limit-amount-in-cents")
        );
        assert_eq!(
            d.limits.payer_identifier as u64,
            num("limit-payer-identifier")
        );
        assert_eq!(d.webhook_signing, WebhookSigning::PerAttempt);
        assert_eq!(options::default_of("webhook-signing"), Some("attempt"));
        assert!(!d.signature_in_seconds);
        assert_eq!(options::default_of("signature-time-unit"), Some("ms"));
    }

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
