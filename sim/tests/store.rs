//! The two stores behind the core agree: the same changes (made by the core's own operations on
//! generated requests) give the same pages, cursors and counts in memory and in SQLite; expired
//! idempotency records are pruned; a change that cannot be stored leaves nothing behind.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use paysg_sim::core::ids::{Entropy, Seeded};
use paysg_sim::core::model::{Change, IdemRecord};
use paysg_sim::core::ops::{self, Op};
use paysg_sim::core::store::{MemStore, PageFrom, Store};
use paysg_sim::core::Config;
use paysg_sim::sqlite;

fn temp_db(name: &str) -> std::path::PathBuf {
    let p = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("paysg-sim-store-{name}-{}.db", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
    }
    p
}

fn create(service: &str, i: u64) -> Op {
    Op::Create {
        service: service.to_owned(),
        api_key: "paysg_stag_store".to_owned(),
        body: serde_json::json!({
            "reference_id": format!("R-{i}"), "payer_name": "Tan", "description": "Store",
            "amount_in_cents": 100 + i,
        })
        .to_string()
        .into_bytes(),
    }
}

#[test]
fn memory_and_sqlite_give_the_same_pages_on_generated_changes() {
    let path = temp_db("parity");
    let (mut sql, _reader, _lock, _) = sqlite::open(&path, None).unwrap();
    let mut mem = MemStore::default();
    let config = Config::default();
    let mut e = Seeded(2026);
    let services = [
        "payment_service_a",
        "payment_service_b",
        "payment_service_c",
    ];
    let mut now = 1_700_000_000_000i64;
    let mut ids: Vec<String> = Vec::new();
    for i in 0..400u64 {
        // Several payments in the same millisecond: the id breaks the tie.
        if e.below(3) == 0 {
            now += e.below(5) as i64;
        }
        let service = services[e.below(services.len())];
        let op = match (e.below(6), ids.is_empty()) {
            (0, false) => Op::Cancel {
                service: service.to_owned(),
                id: ids[e.below(ids.len())].clone(),
            },
            _ => create(service, i),
        };
        // Each store runs the operation on its own state, with the same randomness.
        let seed = e.next_u64();
        let a = ops::execute(&config, &mem, &op, now, &mut Seeded(seed)).unwrap();
        let b = ops::execute(&config, &sql, &op, now, &mut Seeded(seed)).unwrap();
        assert_eq!(a, b, "step {i}: {op:?}");
        if let Some(r) = a.change.payments.first() {
            ids.push(r.payment.id.clone());
        }
        mem.commit(&a.change).unwrap();
        sql.commit(&b.change).unwrap();
    }
    assert_eq!(mem.summary().unwrap(), sql.summary().unwrap());
    assert_eq!(
        mem.recent_payments(50).unwrap(),
        sql.recent_payments(50).unwrap()
    );
    let mut pages = 0;
    for service in services.iter().chain(&["payment_service_none"]) {
        for _ in 0..40 {
            let limit = 1 + e.below(30);
            let from = match (e.below(3), ids.is_empty()) {
                (0, _) | (_, true) => PageFrom::Start,
                (k, false) => {
                    let r = mem.payment(&ids[e.below(ids.len())]).unwrap().unwrap();
                    if k == 1 {
                        PageFrom::After(r.list_key())
                    } else {
                        PageFrom::Before(r.list_key())
                    }
                }
            };
            let (a, b) = (
                mem.page(service, &from, limit).unwrap(),
                sql.page(service, &from, limit).unwrap(),
            );
            assert_eq!(a, b, "{service} {from:?} limit {limit}");
            assert!(a.items.len() <= limit);
            assert!(
                a.items
                    .windows(2)
                    .all(|w| w[0].list_key() > w[1].list_key()),
                "newest first"
            );
            pages += 1;
        }
    }
    assert_eq!(pages, 160);
}

fn record(created_ms: i64) -> IdemRecord {
    IdemRecord {
        fingerprint: "f".into(),
        created_ms,
        status: 201,
        body: "{}".into(),
    }
}

#[test]
fn expired_idempotency_records_are_pruned_in_both_stores() {
    let path = temp_db("prune");
    let (mut sql, _reader, _lock, _) = sqlite::open(&path, None).unwrap();
    let mut mem = MemStore::default();
    for store in [&mut mem as &mut dyn Store, &mut sql] {
        let old = Change {
            idempotency: vec![("old".into(), record(1_000)), ("new".into(), record(9_000))],
            ..Change::default()
        };
        store.commit(&old).unwrap();
        let next = Change {
            idempotency: vec![("next".into(), record(10_000))],
            prune_before_ms: Some(5_000),
            ..Change::default()
        };
        store.commit(&next).unwrap();
        assert_eq!(store.idempotency("old").unwrap(), None);
        assert!(store.idempotency("new").unwrap().is_some());
        assert!(store.idempotency("next").unwrap().is_some());
        assert_eq!(store.summary().unwrap().idempotency_keys, 2);
    }
}

#[test]
fn a_change_that_cannot_be_stored_leaves_nothing() {
    let path = temp_db("atomic");
    let (mut sql, _reader, _lock, _) = sqlite::open(&path, Some(64 * 1024)).unwrap();
    let config = Config::default();
    let mut e = Seeded(1);
    let mut stored = 0;
    let failed = loop {
        let mut out = ops::execute(
            &config,
            &sql,
            &create("payment_service_a", stored),
            1,
            &mut e,
        )
        .unwrap();
        out.change
            .idempotency
            .push((format!("key-{stored}"), record(1)));
        // A large email too, so that the change spans several pages.
        out.change.emails.push(paysg_sim::core::model::Email {
            to: "a@b.sg".into(),
            subject: "s".into(),
            body: "x".repeat(3000),
            payment_id: "p".into(),
            sent_at: "t".into(),
        });
        match sql.commit(&out.change) {
            Ok(()) => stored += 1,
            Err(e) => break (e, stored),
        }
        assert!(stored < 1000, "the cap never bit");
    };
    let (error, n) = failed;
    assert!(error.0.contains("full"), "{}", error.0);
    let summary = sql.summary().unwrap();
    assert_eq!(
        (summary.payments, summary.idempotency_keys, summary.emails),
        (n, n, n)
    );
    assert_eq!(sql.idempotency(&format!("key-{n}")).unwrap(), None);
}
