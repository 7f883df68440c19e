//! Reconciliation's decisions (`paysg::client::reconcile`): which fields differ and which
//! stored records can be reconciled (its edges are in `reconcile_edges`).

use paysg::client::reconcile::{
    changes, is_timestamp, read_known, Change, Known, FIELDS, FIELDS_JSON, REQUIRED,
};
use paysg::json::Json;
use paysg::model::Payment;
use serde_json::{json, Value};

/// A payment as the simulator makes one (every field, unpaid), with `set` applied.
pub(crate) fn payment(id: &str, set: Value) -> Value {
    let mut p = json!({
        "id": id, "payment_service_id": "payment_service_t", "reference_id": "R-1",
        "payer_name": "Tan", "payer_address": null, "payer_identifier": null, "payer_email": null,
        "description": "d", "amount_in_cents": 1100, "due_date": null, "metadata": {},
        "return_url": null, "payment_url": "https://pay/x", "payment_qr_code_url": "https://pay/x.png",
        "payment_status": "unpaid", "latest_status": "unpaid", "refund_status": "not_refunded",
        "email_delivery_status": "unsent", "stripe_payment_intent_id": "pi_1", "payout_id": null,
        "creator_id": "user_1", "created_at": "2023-08-03T17:36:52.634+08:00",
        "updated_at": "2023-08-03T17:36:52.634+08:00", "payment_sent_timestamp": null,
        "payment_succeeded_timestamp": null, "payment_cancelled_timestamp": null,
        "payment_fully_refunded_timestamp": null, "paid_out_timestamp": null,
    });
    for (k, v) in set.as_object().unwrap() {
        p[k] = v.clone();
    }
    p
}

fn known(record: &Value) -> Known {
    read_known(&Json::parse(&record.to_string()).unwrap(), 0).unwrap()
}

fn diff(record: Value, fresh: Value) -> Vec<Change> {
    changes(&known(&record), &Json::parse(&fresh.to_string()).unwrap()).unwrap()
}

fn fields(c: &[Change]) -> Vec<&str> {
    c.iter().map(|c| c.field).collect()
}

#[test]
fn the_compared_fields_are_the_payments_mutable_ones() {
    // Every compared field is a field of PaySG's payment object (as the model serialises it),
    // and a timestamp exactly when its name says so.
    let p: Payment = serde_json::from_value(payment("a", json!({}))).unwrap();
    let wire = serde_json::to_value(&p).unwrap();
    for f in FIELDS {
        assert!(wire.get(f).is_some(), "{f} is a payment field");
    }
    for f in REQUIRED {
        assert!(FIELDS.contains(&f));
    }
    assert_eq!(
        FIELDS_JSON,
        serde_json::to_string(&FIELDS).unwrap(),
        "the JS layer's copy"
    );
    assert!(is_timestamp("updated_at") && is_timestamp("paid_out_timestamp"));
    assert!(!is_timestamp("payout_id") && !is_timestamp("payment_status"));
    // Fields PaySG never changes are not compared, even when stored.
    for f in [
        "amount_in_cents",
        "reference_id",
        "payer_name",
        "created_at",
    ] {
        assert!(!FIELDS.contains(&f), "{f}");
    }
}

#[test]
fn a_paid_payment_differs_in_its_statuses() {
    let stored = json!({ "id": "a", "payment_status": "unpaid", "latest_status": "unpaid" });
    let paid = payment(
        "a",
        json!({ "payment_status": "paid", "latest_status": "paid", "payment_succeeded_timestamp": "2023-08-04T10:00:00.000+08:00" }),
    );
    let c = diff(stored.clone(), paid.clone());
    assert_eq!(
        c,
        vec![
            Change {
                field: "payment_status",
                before: Some("unpaid".into()),
                after: Some("paid".into())
            },
            Change {
                field: "latest_status",
                before: Some("unpaid".into()),
                after: Some("paid".into())
            },
        ]
    );
    // The same record after the e-service stored PaySG's values: nothing.
    let updated = json!({ "id": "a", "payment_status": "paid", "latest_status": "paid" });
    assert_eq!(diff(updated, paid), vec![]);
    // Unchanged: nothing.
    assert_eq!(diff(stored, payment("a", json!({}))), vec![]);
}

#[test]
fn a_cancel_shows_in_latest_status_only() {
    let stored = json!({ "id": "a", "payment_status": "unpaid", "latest_status": "unpaid", "refund_status": "not_refunded" });
    let cancelled = payment(
        "a",
        json!({ "latest_status": "cancelled", "payment_cancelled_timestamp": "2023-08-04T10:00:00.000+08:00" }),
    );
    assert_eq!(fields(&diff(stored, cancelled)), ["latest_status"]);
}

#[test]
fn only_the_fields_the_record_has_are_compared() {
    let fresh = payment(
        "a",
        json!({ "payment_status": "paid", "latest_status": "paid", "payout_id": "po_1", "paid_out_timestamp": "2023-08-09T10:00:00.000+08:00" }),
    );
    // No payout fields stored: the payout is not news.
    let without = json!({ "id": "a", "payment_status": "paid", "latest_status": "paid" });
    assert_eq!(diff(without, fresh.clone()), vec![]);
    // Stored as null: it is.
    let with = json!({ "id": "a", "payment_status": "paid", "latest_status": "paid", "payout_id": null, "paid_out_timestamp": null });
    let c = diff(with, fresh);
    assert_eq!(fields(&c), ["payout_id", "paid_out_timestamp"]);
    assert_eq!(c[0].before, None);
    assert_eq!(c[0].after.as_deref(), Some("po_1"));
    // A value that went back to null is a change too (both directions of null).
    let stored = json!({ "id": "a", "payment_status": "unpaid", "latest_status": "unpaid", "payout_id": "po_1" });
    let c = diff(stored, payment("a", json!({})));
    assert_eq!(
        c,
        vec![Change {
            field: "payout_id",
            before: Some("po_1".into()),
            after: None
        }]
    );
    // A field PaySG's answer lacks reads as null.
    let mut fresh = payment("a", json!({}));
    fresh.as_object_mut().unwrap().remove("payout_id");
    let stored = json!({ "id": "a", "payment_status": "unpaid", "latest_status": "unpaid", "payout_id": null });
    assert_eq!(diff(stored, fresh), vec![]);
}

#[test]
fn refunds_show_in_refund_status_and_the_full_refund_timestamp() {
    let stored = json!({ "id": "a", "payment_status": "paid", "latest_status": "paid", "refund_status": "not_refunded", "payment_fully_refunded_timestamp": null });
    let partly = payment(
        "a",
        json!({ "payment_status": "paid", "latest_status": "paid", "refund_status": "partially_refunded" }),
    );
    assert_eq!(fields(&diff(stored.clone(), partly)), ["refund_status"]);
    let fully = payment(
        "a",
        json!({ "payment_status": "paid", "latest_status": "paid", "refund_status": "fully_refunded", "payment_fully_refunded_timestamp": "2023-08-05T10:00:00.000+08:00" }),
    );
    assert_eq!(
        fields(&diff(stored, fully)),
        ["refund_status", "payment_fully_refunded_timestamp"]
    );
}

#[test]
fn timestamps_compare_as_instants() {
    let at = |updated: Value| json!({ "id": "a", "payment_status": "unpaid", "latest_status": "unpaid", "updated_at": updated });
    let fresh = payment(
        "a",
        json!({ "updated_at": "2023-08-03T17:36:52.634+08:00" }),
    );
    // The same instant as a database or Date.toISOString writes it.
    for same in [
        "2023-08-03T09:36:52.634Z",
        "2023-08-03 09:36:52.634+00",
        "2023-08-03T17:36:52.634+0800",
    ] {
        assert_eq!(diff(at(json!(same)), fresh.clone()), vec![], "{same}");
    }
    // A JS Date (the JS layer's marker).
    assert_eq!(
        diff(
            at(json!({ "\u{0}date": "2023-08-03T09:36:52.634Z" })),
            fresh.clone()
        ),
        vec![]
    );
    // One ms off, or no offset (an unknown instant, compared as text): changed.
    for other in ["2023-08-03T09:36:52.635Z", "2023-08-03T17:36:52.634"] {
        let c = diff(at(json!(other)), fresh.clone());
        assert_eq!(
            c,
            vec![Change {
                field: "updated_at",
                before: Some(other.into()),
                after: Some("2023-08-03T17:36:52.634+08:00".into())
            }]
        );
    }
    // Statuses are never read as instants.
    let stored = json!({ "id": "a", "payment_status": "UNPAID", "latest_status": "unpaid" });
    assert_eq!(
        fields(&diff(stored, payment("a", json!({})))),
        ["payment_status"]
    );
}

fn known_err(record: Value, index: u32) -> (Option<String>, Vec<(String, String, String)>) {
    let (id, e) = read_known(&Json::parse(&record.to_string()).unwrap(), index).unwrap_err();
    (
        id,
        e.into_iter()
            .map(|e| (e.field, e.code.as_str().to_owned(), e.message))
            .collect(),
    )
}

#[test]
fn a_record_needs_an_id_and_both_statuses() {
    let (id, e) = known_err(
        json!({ "payment_status": "unpaid", "latest_status": "unpaid" }),
        3,
    );
    assert_eq!(id, None);
    assert_eq!(
        e,
        [(
            "known[3].id".into(),
            "required".into(),
            "known[3].id is required: the payment's id, as PaySG gave it".into()
        )]
    );
    for (record, field) in [
        (
            json!({ "id": "a", "latest_status": "unpaid" }),
            "payment_status",
        ),
        (
            json!({ "id": "a", "payment_status": "unpaid", "latest_status": null }),
            "latest_status",
        ),
    ] {
        let (id, e) = known_err(record, 0);
        assert_eq!(
            id.as_deref(),
            Some("a"),
            "the id is kept for the error item"
        );
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].0, format!("known[0].{field}"));
        assert_eq!(e[0].1, "required");
    }
    // The usual mistake: the record in camelCase. Both statuses are named.
    let (_, e) = known_err(
        json!({ "id": "a", "paymentStatus": "unpaid", "latestStatus": "unpaid" }),
        0,
    );
    assert_eq!(
        e.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(),
        ["known[0].payment_status", "known[0].latest_status"]
    );
}

#[test]
fn values_of_the_wrong_type_are_named_not_shown() {
    let (id, e) = known_err(
        json!({ "id": 42, "payment_status": "unpaid", "latest_status": "unpaid" }),
        1,
    );
    assert_eq!(id, None);
    assert_eq!(
        e[0],
        (
            "known[1].id".into(),
            "invalid_type".into(),
            "known[1].id must be a string (the payment's id), got number".into()
        )
    );
    let (_, e) = known_err(
        json!({ "id": " ", "payment_status": "unpaid", "latest_status": "unpaid" }),
        1,
    );
    assert_eq!(e[0].1, "empty");
    let (id, e) = known_err(
        json!({ "id": "a", "payment_status": "unpaid", "latest_status": "unpaid", "refund_status": 7, "paid_out_timestamp": 1_700_000_000_000u64, "payout_id": { "\u{0}type": "unreadable" } }),
        2,
    );
    assert_eq!(id.as_deref(), Some("a"));
    let got: Vec<_> = e.iter().map(|e| (e.0.as_str(), e.2.as_str())).collect();
    assert_eq!(
        got,
        [
            (
                "known[2].refund_status",
                "known[2].refund_status must be a string or null, got number"
            ),
            (
                "known[2].payout_id",
                "known[2].payout_id must be a string or null, got a value whose getter throws"
            ),
            (
                "known[2].paid_out_timestamp",
                "known[2].paid_out_timestamp must be a string, a Date or null, got number"
            ),
        ]
    );
    assert!(e.iter().all(|e| !e.2.contains("1700000000000")));
    // A Date is a timestamp only; an invalid Date is not one.
    let (_, e) = known_err(
        json!({ "id": "a", "payment_status": { "\u{0}date": "2023-01-01T00:00:00.000Z" }, "latest_status": "unpaid", "updated_at": { "\u{0}date": null } }),
        0,
    );
    assert_eq!(
        e.iter().map(|e| e.2.as_str()).collect::<Vec<_>>(),
        [
            "known[0].payment_status must be a string, got a Date",
            "known[0].updated_at must be a string, a Date or null, got an invalid Date"
        ]
    );
    // Not an object at all.
    for (record, got) in [
        (json!(null), "null"),
        (json!("a"), "string"),
        (json!([1]), "array"),
        (json!({ "\u{0}type": "function" }), "function"),
        (json!({ "\u{0}date": "2023-01-01T00:00:00.000Z" }), "a Date"),
    ] {
        let (id, e) = known_err(record, 5);
        assert_eq!(id, None);
        assert_eq!(e[0].0, "known[5]");
        assert!(e[0].2.ends_with(&format!("got {got}")), "{}", e[0].2);
    }
}

#[test]
fn paysgs_answer_must_be_the_payment_asked_for() {
    let k = known(
        &json!({ "id": "a", "payment_status": "unpaid", "latest_status": "unpaid", "payout_id": null }),
    );
    let read = |v: Value| changes(&k, &Json::parse(&v.to_string()).unwrap());
    assert_eq!(
        read(payment("b", json!({}))).unwrap_err(),
        "PaySG's answer for payment a is another payment"
    );
    assert_eq!(
        read(json!([1])).unwrap_err(),
        "PaySG's answer for payment a is not a payment object"
    );
    assert_eq!(
        read(payment("a", json!({ "payout_id": 5 }))).unwrap_err(),
        "PaySG's payment a has a payout_id of type number, not a string or null"
    );
    // A field the record does not track may hold anything.
    assert_eq!(
        read(payment("a", json!({ "refund_status": 5 }))).unwrap(),
        vec![]
    );
}
