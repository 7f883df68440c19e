//! The core's arithmetic on times at the ends of `i64`: a request runs through the whole
//! sequence (the core's [`super::drive::Exchange`]: classify, replay, execute, finish, commit) with the clock at `i64::MAX` and at
//! `i64::MIN`, and nothing overflows (debug builds panic on overflow).

use super::api_request::Incoming;
use super::drive::{Exchange, Next};
use super::ids::Seeded;
use super::pages::{act, Action};
use super::store::{MemStore, Store};
use super::{Config, Volatile};

const SERVICE: &str = "payment_service_fe5b1b0b-065a-43b8-939d-03ab2b67ede9";

/// Runs one API request at `now` against `store` as a shell drives it: (status, body).
fn api(store: &mut MemStore, now: i64, path: &str, key: &str, body: &str) -> (u16, String) {
    let config = Config::default();
    let headers = vec![
        ("x-api-key".to_owned(), b"paysg_stag_overflow".to_vec()),
        ("content-type".to_owned(), b"application/json".to_vec()),
        ("idempotency-key".to_owned(), key.as_bytes().to_vec()),
    ];
    let path = format!("/v1/payment-services/{SERVICE}/payments{path}");
    let req = Incoming {
        method: "POST",
        path: &path,
        query: None,
        headers: &headers,
        body: body.as_bytes(),
    };
    let mut entropy = Seeded(7);
    let mut volatile = Volatile::default();
    let mut ex = Exchange::new(&config, &mut volatile, &req, &mut entropy);
    loop {
        match ex.poll(&config, &mut volatile, now) {
            Next::Read => ex.read(&config, &*store, now, &mut entropy),
            Next::Write => ex.write(&config, store, now, &mut entropy),
            Next::Reply(r) => return (r.status, String::from_utf8_lossy(&r.body).into_owned()),
            other => panic!("{now}: {other:?}"),
        }
    }
}

#[test]
fn create_replay_pay_and_refund_at_the_ends_of_time() {
    for now in [i64::MAX, i64::MAX - 1, i64::MIN, 0] {
        let mut store = MemStore::default();
        let create =
            r#"{"reference_id":"r","payer_name":"Tan","description":"d","amount_in_cents":1100}"#;
        let (status, body) = api(&mut store, now, "", "k", create);
        assert_eq!(status, 201, "{now}: {body}");
        let replayed = api(&mut store, now, "", "k", create);
        assert_eq!(replayed, (status, body.clone()), "{now}: replayed");
        let created: serde_json::Value = serde_json::from_str(&body).unwrap();
        let id = created["id"].as_str().unwrap().to_owned();
        let paid = act(
            &Config::default(),
            &store,
            &Action::Pay {
                id: id.clone(),
                json: true,
            },
            now,
            &mut Seeded(8),
        )
        .unwrap();
        assert_eq!(paid.reply.status, 200, "{now}: pay");
        store.commit(&paid.change).unwrap();
        let refund = r#"{"refund_amount_in_cents":100}"#;
        let path = format!("/{id}/refund");
        let (status, body) = api(&mut store, now, &path, "r1", refund);
        assert_eq!(status, 200, "{now}: {body}");
        let (status, body) = api(&mut store, now, &path, "r1", refund);
        assert_eq!(status, 200, "{now}: replayed refund: {body}");
    }
}
