//! The state machines driven as a shell drives them, over the in-memory store: the steps each
//! request takes, the key's claim and release, faults, a failing store, and the webhook
//! schedule's attempts, backoff, signatures and resumption.

use std::time::Duration;

use super::super::api_request::{Incoming, MAX_BODY};
use super::super::ids::Seeded;
use super::super::model::{Attempt, Change, Delivery, PendingDelivery};
use super::super::store::{MemStore, Store, StoreError};
use super::super::{signature_header, Config, Volatile};
use super::outbox::{delay_after, CALLBACK_URL, MAX_DELAY_MS, SEND_TIMEOUT_MS};
use super::{Exchange, Next, Outbox, Sent};

const SERVICE: &str = "payment_service_fe5b1b0b-065a-43b8-939d-03ab2b67ede9";
const CREATE: &str =
    r#"{"reference_id":"r","payer_name":"Tan","description":"d","amount_in_cents":1100}"#;

/// A store whose commits fail (a full disk).
struct Broken(MemStore);

impl Store for Broken {
    fn payment(&self, id: &str) -> Result<Option<super::super::model::Record>, StoreError> {
        self.0.payment(id)
    }
    fn page(
        &self,
        service: &str,
        from: &super::super::store::PageFrom,
        limit: usize,
    ) -> Result<super::super::store::Page, StoreError> {
        self.0.page(service, from, limit)
    }
    fn idempotency(
        &self,
        scope: &str,
    ) -> Result<Option<super::super::model::IdemRecord>, StoreError> {
        self.0.idempotency(scope)
    }
    fn commit(&mut self, _: &Change) -> Result<(), StoreError> {
        Err(StoreError("disk full".to_owned()))
    }
    fn summary(&self) -> Result<super::super::model::Summary, StoreError> {
        self.0.summary()
    }
    fn recent_payments(&self, n: usize) -> Result<Vec<super::super::model::Record>, StoreError> {
        self.0.recent_payments(n)
    }
    fn emails(&self) -> Result<Vec<super::super::model::Email>, StoreError> {
        self.0.emails()
    }
    fn attempts(&self) -> Result<Vec<Attempt>, StoreError> {
        self.0.attempts()
    }
    fn pending_deliveries(&self) -> Result<Vec<PendingDelivery>, StoreError> {
        self.0.pending_deliveries()
    }
}

/// A shell in a test: the core's state, a store and a clock.
struct Shell<S: Store> {
    config: Config,
    volatile: Volatile,
    store: S,
    clock: i64,
    entropy: Seeded,
}

fn shell() -> Shell<MemStore> {
    Shell {
        config: Config::default(),
        volatile: Volatile::default(),
        store: MemStore::default(),
        clock: 1_700_000_000_000,
        entropy: Seeded(1),
    }
}

fn headers(key: Option<&str>, extra: &[(&str, &str)]) -> Vec<(String, Vec<u8>)> {
    let mut h = vec![
        ("x-api-key".to_owned(), b"paysg_stag_drive".to_vec()),
        ("content-type".to_owned(), b"application/json".to_vec()),
    ];
    if let Some(k) = key {
        h.push(("idempotency-key".to_owned(), k.as_bytes().to_vec()));
    }
    for (n, v) in extra {
        h.push(((*n).to_owned(), v.as_bytes().to_vec()));
    }
    h
}

impl<S: Store> Shell<S> {
    fn open(&mut self, method: &str, path: &str, h: &[(String, Vec<u8>)], body: &[u8]) -> Exchange {
        let req = Incoming {
            method,
            path,
            query: None,
            headers: h,
            body,
        };
        Exchange::new(&self.config, &mut self.volatile, &req, &mut self.entropy)
    }

    /// Drives `ex` until it sleeps or ends: the steps taken and the last.
    fn drive(&mut self, ex: &mut Exchange) -> (Vec<&'static str>, Next) {
        let mut steps = Vec::new();
        loop {
            let next = ex.poll(&self.config, &mut self.volatile, self.clock);
            let now = self.volatile.now(self.clock);
            match next {
                Next::Read => {
                    steps.push("read");
                    ex.read(&self.config, &self.store, now, &mut self.entropy);
                }
                Next::Write => {
                    steps.push("write");
                    ex.write(&self.config, &mut self.store, now, &mut self.entropy);
                }
                Next::Commit(c) => {
                    steps.push("commit");
                    let _ = self.store.commit(&c);
                }
                Next::Log { always, .. } => steps.push(if always { "report" } else { "log" }),
                Next::Wake => steps.push("wake"),
                last => return (steps, last),
            }
        }
    }

    fn create(&mut self, key: &str, extra: &[(&str, &str)]) -> (Vec<&'static str>, Next) {
        let path = format!("/v1/payment-services/{SERVICE}/payments");
        let mut ex = self.open("POST", &path, &headers(Some(key), extra), CREATE.as_bytes());
        self.drive(&mut ex)
    }
}

fn status(next: &Next) -> u16 {
    match next {
        Next::Reply(r) | Next::Stall { reply: r, .. } => r.status,
        other => panic!("not a reply: {other:?}"),
    }
}

#[test]
fn a_keyed_create_claims_reads_writes_releases_then_replays() {
    let mut s = shell();
    let (steps, last) = s.create("k1", &[]);
    assert_eq!((steps, status(&last)), (vec!["read", "write"], 201));
    assert!(s.volatile.in_flight.is_empty(), "the key is released");
    let (steps, last) = s.create("k1", &[]);
    assert_eq!((steps, status(&last)), (vec!["read"], 201));
    let Next::Reply(r) = last else { unreachable!() };
    assert!(r
        .headers
        .contains(&("idempotent-replayed".to_owned(), "true".to_owned())));
}

#[test]
fn a_delay_sleeps_and_holds_the_key_until_done_or_abandoned() {
    let mut s = shell();
    let path = format!("/v1/payment-services/{SERVICE}/payments");
    let h = headers(Some("k2"), &[("x-paysg-sim-delay-ms", "250")]);
    let mut first = s.open("POST", &path, &h, CREATE.as_bytes());
    let (steps, last) = s.drive(&mut first);
    assert_eq!((steps, last), (vec!["read"], Next::Sleep(250)));
    // The same key meanwhile: 409, and the sleeper still holds it.
    let (_, last) = s.create("k2", &[]);
    assert_eq!(status(&last), 409);
    assert_eq!(s.volatile.in_flight.len(), 1);
    // The client goes away: the key is free, nothing was stored.
    assert!(!first.abandon(&s.config, &mut s.volatile, s.clock));
    assert!(first.is_over());
    assert!(s.volatile.in_flight.is_empty());
    let (steps, last) = s.create("k2", &[]);
    assert_eq!((steps, status(&last)), (vec!["read", "write"], 201));
    // A sleeper that wakes runs its write.
    let mut again = s.open(
        "POST",
        &path,
        &headers(Some("k3"), &[("x-paysg-sim-delay-ms", "1")]),
        CREATE.as_bytes(),
    );
    assert_eq!(s.drive(&mut again).1, Next::Sleep(1));
    let (steps, last) = s.drive(&mut again);
    assert_eq!((steps, status(&last)), (vec!["write"], 201));
}

#[test]
fn faults_are_recorded_then_stall_drop_or_answer() {
    let mut s = shell();
    s.config.stall = Duration::from_millis(1234);
    let (steps, last) = s.create("f1", &[("x-paysg-sim-fault", "stall")]);
    assert_eq!(steps, vec!["commit", "log", "read", "write"]);
    assert!(matches!(last, Next::Stall { ms: 1234, ref reply } if reply.status == 201));
    let (_, last) = s.create("f2", &[("x-paysg-sim-fault", "drop")]);
    assert_eq!(last, Next::Drop);
    let (steps, last) = s.create("f3", &[("x-paysg-sim-fault", "500")]);
    assert_eq!((steps, status(&last)), (vec!["commit", "log"], 500));
    assert!(s.volatile.in_flight.is_empty());
    let faults = s.store.summary().unwrap().faults;
    assert_eq!(faults.values().sum::<u64>(), 3, "{faults:?}");
}

#[test]
fn a_store_that_cannot_commit_answers_503_reports_it_and_releases_the_key() {
    let mut s = shell_of_broken();
    let (steps, last) = s.create("b1", &[]);
    assert_eq!(
        (steps, status(&last)),
        (vec!["read", "write", "report"], 503)
    );
    assert!(s.volatile.in_flight.is_empty());
}

fn shell_of_broken() -> Shell<Broken> {
    let s = shell();
    Shell {
        config: s.config,
        volatile: s.volatile,
        store: Broken(MemStore::default()),
        clock: s.clock,
        entropy: s.entropy,
    }
}

#[test]
fn a_body_over_the_limit_is_refused_before_anything_else() {
    let mut s = shell();
    let path = format!("/v1/payment-services/{SERVICE}/payments");
    for (len, want) in [(MAX_BODY, 400), (MAX_BODY + 1, 413)] {
        let body = vec![b' '; len];
        let mut ex = s.open("POST", &path, &headers(Some("big"), &[]), &body);
        let (steps, last) = s.drive(&mut ex);
        assert_eq!(status(&last), want, "{len} bytes: {steps:?}");
    }
}

fn webhook_config() -> Config {
    Config {
        webhook_urls: vec!["http://a.test/h".to_owned(), "http://b.test/h".to_owned()],
        webhook_secret: Some("whsec_drive".to_owned()),
        webhook_backoff: Duration::from_millis(500),
        webhook_max_attempts: 4,
        ..Config::default()
    }
}

#[test]
fn paying_schedules_one_delivery_per_endpoint_and_wakes_the_timer() {
    let mut s = shell();
    s.config = webhook_config();
    let (_, last) = s.create("p1", &[]);
    let Next::Reply(r) = last else { panic!() };
    let created: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    let id = created["id"].as_str().unwrap();
    let path = format!("/sim/payments/{id}/pay");
    let mut ex = s.open("POST", &path, &[], b"");
    let (steps, last) = s.drive(&mut ex);
    assert_eq!((steps, status(&last)), (vec!["write", "wake"], 200));
    assert_eq!(s.volatile.outbox.pending(), 2);
    assert_eq!(s.store.pending_deliveries().unwrap().len(), 2);
    assert_eq!(s.volatile.outbox.wait(s.clock), Some(0));
}

fn delivery(max: u32) -> Delivery {
    Delivery {
        event_id: "evt_1".to_owned(),
        url: "http://a.test/h".to_owned(),
        body: r#"{"id":"evt_1"}"#.to_owned(),
        due_ms: 1_000,
        max_attempts: max,
    }
}

#[test]
fn an_attempt_is_signed_and_its_failures_back_off_doubling_with_jitter() {
    let config = webhook_config();
    let mut o = Outbox::default();
    let mut e = Seeded(3);
    let mut clock = 10_000;
    o.schedule(&config, &[delivery(4)], clock);
    assert_eq!(o.wait(clock), Some(0));
    for (n, base) in [(1, 500), (2, 1000), (3, 2000)] {
        let send = o.poll(&config, clock, 77).unwrap();
        assert_eq!(send.timeout_ms, SEND_TIMEOUT_MS);
        assert_eq!(
            send.headers,
            vec![
                ("content-type".to_owned(), "application/json".to_owned()),
                (
                    "paysg-signature".to_owned(),
                    signature_header("whsec_drive", 77, &send.body)
                ),
            ]
        );
        assert_eq!(o.poll(&config, clock, 77), None, "out until its result");
        assert_eq!(o.wait(clock), None);
        let (change, line) = o
            .sent(&config, send.id, &Sent::Status(500), clock, 88, &mut e)
            .unwrap();
        assert_eq!(change.attempts[0].attempt, n);
        assert_eq!(change.attempts[0].status, Some(500));
        assert_eq!(change.attempts[0].at_ms, 88);
        assert!(!change.attempts[0].delivered);
        assert!(line.ends_with(&format!("attempt {n}/4: 500")), "{line}");
        assert_eq!(o.wait(clock), None, "not due again before it is stored");
        o.stored(send.id);
        let wait = o.wait(clock).unwrap();
        assert!(
            (base..=base + base / 10).contains(&wait),
            "after attempt {n}: {wait}"
        );
        assert_eq!(o.poll(&config, clock + wait as i64 - 1, 0), None);
        clock += wait as i64;
    }
    // The last attempt ends it, delivered or not.
    let send = o.poll(&config, clock, 99).unwrap();
    let (change, _) = o
        .sent(&config, send.id, &Sent::TimedOut, clock, 99, &mut e)
        .unwrap();
    assert_eq!(change.attempts[0].attempt, 4);
    assert_eq!(change.attempts[0].error.as_deref(), Some("timed out"));
    assert_eq!(o.pending(), 0);
}

#[test]
fn a_2xx_ends_a_delivery_and_an_unknown_result_is_ignored() {
    let config = webhook_config();
    let mut o = Outbox::default();
    o.schedule(&config, &[delivery(6)], 0);
    let send = o.poll(&config, 0, 0).unwrap();
    assert_eq!(
        o.sent(
            &config,
            send.id + 1,
            &Sent::Status(200),
            0,
            0,
            &mut Seeded(1)
        ),
        None
    );
    let (change, _) = o
        .sent(&config, send.id, &Sent::Status(204), 0, 0, &mut Seeded(1))
        .unwrap();
    assert!(change.attempts[0].delivered);
    assert_eq!((o.pending(), o.wait(0)), (0, None));
    let mut none = Outbox::default();
    none.schedule(&Config::default(), &[delivery(6)], 0);
    assert_eq!(none.pending(), 0, "no secret, no deliveries");
}

#[test]
fn the_backoff_doubles_to_an_hour_and_stops_there() {
    let mut config = webhook_config();
    assert_eq!(delay_after(&config, 1), 500);
    assert_eq!(delay_after(&config, 4), 4000);
    assert_eq!(delay_after(&config, 14), MAX_DELAY_MS);
    assert_eq!(delay_after(&config, u32::MAX), MAX_DELAY_MS);
    config.webhook_backoff = Duration::from_secs(7200);
    assert_eq!(delay_after(&config, 1), MAX_DELAY_MS);
}

#[test]
fn resumed_deliveries_continue_their_schedule() {
    let config = webhook_config();
    let mut o = Outbox::default();
    let clock = 100_000;
    let never = PendingDelivery {
        delivery: delivery(6),
        attempts: 0,
        last_ms: None,
    };
    let twice = PendingDelivery {
        delivery: Delivery {
            event_id: "evt_2".to_owned(),
            ..delivery(6)
        },
        attempts: 2,
        last_ms: Some(clock - 200),
    };
    let long_ago = PendingDelivery {
        delivery: Delivery {
            event_id: "evt_3".to_owned(),
            ..delivery(6)
        },
        attempts: 1,
        last_ms: Some(0),
    };
    let callback = PendingDelivery {
        delivery: Delivery {
            url: CALLBACK_URL.to_owned(),
            ..delivery(6)
        },
        attempts: 0,
        last_ms: None,
    };
    let lines = o.resume(
        &config,
        vec![never, twice, long_ago, callback],
        clock,
        &mut Seeded(5),
    );
    assert_eq!(
        lines.len(),
        3,
        "the callback waits for a run that has one: {lines:?}"
    );
    assert!(
        lines[0].contains("evt_1") && lines[0].contains("attempt 1/6 in 0 ms"),
        "{lines:?}"
    );
    assert!(
        lines[1].contains("evt_2") && lines[1].contains("attempt 3/6"),
        "{lines:?}"
    );
    // Two due now (the first never tried, the one whose wait has passed); the third after the
    // rest of its backoff (1000 ms after attempt 2, +10 % at most, less the 200 ms gone).
    let mut due = Vec::new();
    while let Some(s) = o.poll(&config, clock, clock) {
        due.push(s.id);
    }
    assert_eq!(due.len(), 2);
    let wait = o.wait(clock).unwrap();
    assert!((800..=900).contains(&wait), "{wait}");
}
