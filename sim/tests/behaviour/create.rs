//! Section 3, create: the payment object, optional fields, validation and its limits.

use crate::common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn create_returns_the_full_payment_object() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let started_ms = now_ms();
    let payment = api.create_ok(&minimal("INV-0001", 1234)).await;
    assert_payment_shape(&payment);

    let id = payment["id"].as_str().unwrap();
    assert_eq!(id.len(), 21, "payment ids are 21 characters: {id}");
    assert!(
        id.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'),
        "payment id {id} is not URL-safe"
    );
    assert_eq!(payment["payment_service_id"], SERVICE);
    assert_eq!(payment["reference_id"], "INV-0001");
    assert_eq!(payment["payer_name"], "Tan Ah Kow");
    assert_eq!(payment["description"], "Season parking, March");
    assert_eq!(payment["amount_in_cents"], json!(1234));
    assert!(
        payment["amount_in_cents"].is_u64(),
        "amount must be an integer"
    );
    assert_eq!(
        statuses(&payment),
        ("unpaid", "unpaid", "not_refunded", "unsent")
    );
    assert_eq!(
        payment["metadata"],
        json!({}),
        "metadata is {{}} when absent"
    );
    for field in [
        "payer_address",
        "payer_identifier",
        "payer_email",
        "due_date",
        "return_url",
        "payout_id",
        "payment_sent_timestamp",
        "payment_succeeded_timestamp",
        "payment_cancelled_timestamp",
        "payment_fully_refunded_timestamp",
        "paid_out_timestamp",
    ] {
        assert_eq!(
            payment[field],
            Value::Null,
            "{field} must be null on a new payment"
        );
    }
    // Set at creation, as real captures show.
    assert!(
        payment["stripe_payment_intent_id"]
            .as_str()
            .is_some_and(|s| s.starts_with("pi_sim_")),
        "{}",
        payment["stripe_payment_intent_id"]
    );
    let creator = payment["creator_id"].as_str().expect("creator_id string");
    assert!(
        creator.strip_prefix("user_").is_some_and(is_uuid),
        "creator_id {creator} is not user_<uuid>"
    );
    assert_timestamp(&payment["created_at"], "created_at");
    assert_timestamp(&payment["updated_at"], "updated_at");
    let created = iso_to_ms(payment["created_at"].as_str().unwrap());
    assert!(
        (started_ms - 5_000..=now_ms() + 5_000).contains(&created),
        "created_at {} is not now",
        payment["created_at"]
    );
    assert_eq!(
        payment["payment_url"],
        json!(format!("{}/payments/{id}", sim.url))
    );
    let qr = payment["payment_qr_code_url"]
        .as_str()
        .expect("payment_qr_code_url must be a string");
    assert_eq!(qr, format!("{}/v1/public/payments/{id}-qr.png", sim.url));

    // The QR code is a PNG, served without a key.
    let png = client().get(qr).send().await.unwrap();
    assert_eq!(png.status(), 200);
    assert_eq!(png.headers()["content-type"].to_str().unwrap(), "image/png");
    let bytes = png.bytes().await.unwrap();
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "the QR code is not a PNG"
    );

    // Same key, same creator; another key, another creator.
    let again = api.create_ok(&minimal("INV-0002", 1)).await;
    assert_eq!(again["creator_id"], payment["creator_id"]);
    assert_ne!(again["id"], payment["id"]);
    let other = api
        .with_key(Some("paysg_stag_someone_else"))
        .create_ok(&minimal("INV-0003", 1))
        .await;
    assert_ne!(other["creator_id"], payment["creator_id"]);
}

#[tokio::test]
async fn create_echoes_every_optional_field() {
    let sim = Sim::start(&[]);
    let body = json!({
        "reference_id": "INV-42",
        "payer_name": "Lim Bee Hoon",
        "payer_address": "1 Orchard Road, Singapore 238801",
        "payer_identifier": "S1234567D",
        "payer_email": "bee.hoon@example.gov.sg",
        "description": "Renewal fee",
        "amount_in_cents": 20_000_000,
        "due_date": "31-DEC-2023",
        "metadata": { "branch": "north", "case": "C-9" },
        "return_url": "https://agency.example.gov.sg/paid?order=42",
    });
    let payment = sim.api().create_ok(&body).await;
    assert_payment_shape(&payment);
    for (field, value) in body.as_object().unwrap() {
        assert_eq!(&payment[field], value, "{field} is not echoed");
    }
}

#[tokio::test]
async fn validation_lists_every_problem() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let reply = api
        .create(&json!({
            "payer_name": "Tan Ah Kow",
            "description": "Season parking",
            "amount_in_cents": 0,
            "payer_email": "not-an-email",
        }))
        .await;
    assert_error(&reply, 400, "validation_failed");
    assert_eq!(reply.json["error"]["type"], "invalid_request_error");
    let errors = reply.json["error"]["data"]["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no error.data.errors array: {}", reply.text));
    assert_eq!(errors.len(), 3, "three problems expected: {}", reply.text);
    let mut found: Vec<(&str, &str)> = errors
        .iter()
        .map(|e| {
            assert!(
                e["message"].as_str().is_some_and(|m| !m.is_empty()),
                "an entry without a message: {e}"
            );
            (
                e["field"].as_str().expect("field"),
                e["code"].as_str().expect("code"),
            )
        })
        .collect();
    found.sort_unstable();
    assert_eq!(
        found,
        vec![
            ("amount_in_cents", "out_of_range"),
            ("payer_email", "invalid_email"),
            ("reference_id", "required"),
        ]
    );
    assert!(
        api.all_ids().await.is_empty(),
        "an invalid create stored a payment"
    );

    // Unknown fields are refused; a body that is not an object is a validation failure too.
    let reply = api
        .create(&with(&minimal("r", 100), "amount", json!(100)))
        .await;
    assert_error(&reply, 400, "validation_failed");
    assert_eq!(reply.json["error"]["data"]["errors"][0]["field"], "amount");
    assert_eq!(
        reply.json["error"]["data"]["errors"][0]["code"],
        "unknown_field"
    );
    assert_error(&api.create(&json!([1, 2])).await, 400, "validation_failed");
}

/// The fields named by the `validation_failed` errors of a reply.
fn error_fields(reply: &Reply) -> Vec<String> {
    reply.json["error"]["data"]["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["field"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn validation_limits_on_both_sides() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let base = json!({
        "reference_id": "LIM-1",
        "payer_name": "Tan Ah Kow",
        "payer_identifier": "S1234567D",
        "payer_email": "ah.kow@example.gov.sg",
        "description": "Limits",
        "amount_in_cents": 100,
    });
    api.create_ok(&base).await;
    let s = |n: usize| "x".repeat(n);
    let entries = |n: usize| {
        Value::Object(
            (0..n)
                .map(|i| (format!("key{i}"), json!("value")))
                .collect(),
        )
    };
    // (field, value, the field an error must name or None when accepted)
    let cases: Vec<(&str, Value, Option<&str>)> = vec![
        ("reference_id", json!(s(255)), None),
        ("reference_id", json!(s(256)), Some("reference_id")),
        ("reference_id", json!("   "), Some("reference_id")),
        ("payer_name", json!(s(255)), None),
        ("payer_name", json!(s(256)), Some("payer_name")),
        ("description", json!(s(500)), None),
        ("description", json!(s(501)), Some("description")),
        ("payer_identifier", json!(s(10)), None),
        ("payer_identifier", json!(s(11)), Some("payer_identifier")),
        ("payer_email", json!("a@b"), Some("payer_email")),
        ("amount_in_cents", json!(1), None),
        ("amount_in_cents", json!(0), Some("amount_in_cents")),
        ("amount_in_cents", json!(-1), Some("amount_in_cents")),
        ("amount_in_cents", json!(20_000_000), None),
        (
            "amount_in_cents",
            json!(20_000_001),
            Some("amount_in_cents"),
        ),
        ("payer_name", json!("Tan Ah Kow"), None),
        ("payer_name", json!("Tan Ah Kow’s"), Some("payer_name")),
        ("payer_address", json!("Blk 1 ＃01"), Some("payer_address")),
        ("description", json!("Café ’"), None),
        ("amount_in_cents", json!(12.5), Some("amount_in_cents")),
        ("amount_in_cents", json!("100"), Some("amount_in_cents")),
        ("metadata", entries(10), None),
        ("metadata", entries(11), Some("metadata")),
        ("metadata", json!({ s(40): "v" }), None),
        ("metadata", json!({ s(41): "v" }), Some("metadata")),
        ("metadata", json!({ "k": s(255) }), None),
        ("metadata", json!({ "k": s(256) }), Some("metadata")),
        ("metadata", json!({ "k": 1 }), Some("metadata")),
        ("metadata", json!("k=v"), Some("metadata")),
        (
            "return_url",
            json!("https://agency.example.gov.sg/done"),
            None,
        ),
        (
            "return_url",
            json!("http://agency.example.gov.sg/done"),
            Some("return_url"),
        ),
        ("return_url", json!("not a url"), Some("return_url")),
        ("due_date", json!("31-DEC-2023"), None),
        ("due_date", json!("2023-12-31"), Some("due_date")),
        ("due_date", json!("29-FEB-2023"), Some("due_date")),
        ("due_date", json!("29-FEB-2024"), None),
        ("due_date", json!("31-APR-2024"), Some("due_date")),
    ];
    let mut accepted = 1;
    for (field, value, rejected) in cases {
        let shown: String = value.to_string().chars().take(60).collect();
        let reply = api.create(&with(&base, field, value)).await;
        match rejected {
            None => {
                assert_eq!(
                    reply.status, 201,
                    "{field} = {shown} must be accepted, got {}",
                    reply.text
                );
                accepted += 1;
            }
            Some(named) => {
                assert_error(&reply, 400, "validation_failed");
                let fields = error_fields(&reply);
                assert!(
                    fields.len() == 1 && fields[0].starts_with(named),
                    "{field} = {shown} must give one error on {named}, got {}",
                    reply.text
                );
            }
        }
    }
    assert_eq!(
        api.all_ids().await.len(),
        accepted,
        "only valid bodies create payments"
    );
}
