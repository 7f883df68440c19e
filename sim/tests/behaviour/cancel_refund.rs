//! Section 5, cancel, refund, send-email.

use crate::common::*;
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn cancel_only_unpaid_payments() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let payment = api.create_ok(&minimal("cancel", 1000)).await;
    let id = payment["id"].as_str().unwrap();

    let cancelled = api.cancel(id).await.expect(200).clone();
    assert_payment_shape(&cancelled);
    assert_eq!(cancelled["latest_status"], "cancelled");
    assert_eq!(cancelled["payment_status"], "unpaid");
    assert_timestamp(
        &cancelled["payment_cancelled_timestamp"],
        "payment_cancelled_timestamp",
    );
    assert_eq!(api.get_ok(id).await, cancelled);

    assert_error(&api.cancel(id).await, 402, "payment_already_cancelled");
    // A cancelled payment cannot be paid, by script or on its page.
    assert_error(&api.pay(id).await, 402, "payment_cancelled");
    let page = api.get_url(payment["payment_url"].as_str().unwrap()).await;
    assert_eq!(page.status, 200);
    if page.text.to_ascii_lowercase().contains("<form") {
        let (action, fields) = pay_form(&page.text, payment["payment_url"].as_str().unwrap());
        let reply = send(client().post(action).form(&fields)).await;
        assert!(
            reply.status >= 400,
            "paying a cancelled payment on its page gave {}",
            reply.status
        );
    }
    let after = api.get_ok(id).await;
    assert_eq!(statuses(&after).0, "unpaid");
    assert_eq!(after["latest_status"], "cancelled");

    // A paid payment cannot be cancelled.
    let paid = api.create_ok(&minimal("paid", 1000)).await;
    let paid_id = paid["id"].as_str().unwrap();
    api.pay_ok(paid_id).await;
    assert_error(&api.cancel(paid_id).await, 402, "payment_not_cancellable");
    assert_eq!(api.get_ok(paid_id).await["latest_status"], "paid");

    assert_error(
        &api.cancel("ZZZZZZZZZZZZZZZZZZZZZ").await,
        404,
        "payment_not_found",
    );
}

#[tokio::test]
async fn refunds_partial_then_full() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let payment = api.create_ok(&minimal("refund", 1000)).await;
    let id = payment["id"].as_str().unwrap();

    assert_error(&api.refund(id, 100).await, 402, "payment_not_paid");
    api.pay_ok(id).await;
    // Nor can a cancelled one be refunded.
    let cancelled = api.create_ok(&minimal("refund-cancelled", 1000)).await;
    let cancelled_id = cancelled["id"].as_str().unwrap();
    api.cancel(cancelled_id).await.expect(200);
    assert_error(
        &api.refund(cancelled_id, 100).await,
        402,
        "payment_not_paid",
    );

    let partial = api.refund(id, 300).await.expect(200).clone();
    assert_payment_shape(&partial);
    assert_eq!(partial["refund_status"], "partially_refunded");
    assert_eq!(partial["payment_status"], "paid");
    assert_eq!(partial["payment_fully_refunded_timestamp"], Value::Null);

    assert_error(&api.refund(id, 800).await, 402, "refund_exceeds_remaining");
    assert_eq!(api.get_ok(id).await["refund_status"], "partially_refunded");

    let full = api.refund(id, 700).await.expect(200).clone();
    assert_eq!(full["refund_status"], "fully_refunded");
    assert_timestamp(
        &full["payment_fully_refunded_timestamp"],
        "payment_fully_refunded_timestamp",
    );
    assert_eq!(api.get_ok(id).await, full);
    assert_error(&api.refund(id, 1).await, 402, "payment_fully_refunded");

    // One refund of the whole amount.
    let other = api.create_ok(&minimal("refund-all", 250)).await;
    let other_id = other["id"].as_str().unwrap();
    api.pay_ok(other_id).await;
    assert_error(
        &api.refund(other_id, 251).await,
        402,
        "refund_exceeds_remaining",
    );
    let all = api.refund(other_id, 250).await.expect(200).clone();
    assert_eq!(all["refund_status"], "fully_refunded");

    assert_error(
        &api.refund("ZZZZZZZZZZZZZZZZZZZZZ", 1).await,
        404,
        "payment_not_found",
    );
}

#[tokio::test]
async fn refund_bodies_are_validated() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let payment = api.create_ok(&minimal("refund-bad", 1000)).await;
    let id = payment["id"].as_str().unwrap();
    api.pay_ok(id).await;
    for body in [
        json!({ "refund_amount_in_cents": 0 }),
        json!({ "refund_amount_in_cents": -5 }),
        json!({ "refund_amount_in_cents": 1.5 }),
        json!({ "refund_amount_in_cents": "100" }),
        json!({ "refund_amount_in_cents": null }),
        json!({}),
        json!([100]),
    ] {
        let reply = api.refund_body(id, &body).await;
        assert_eq!(reply.status, 400, "refund body {body}: {}", reply.text);
        assert_error_body(&reply);
    }
    let not_json = send(
        api.v1(Method::POST, &format!("/{id}/refund"))
            .header("content-type", "application/json")
            .body("{refund"),
    )
    .await;
    assert_error(&not_json, 400, "invalid_json");
    // Nothing was refunded.
    let now = api.get_ok(id).await;
    assert_eq!(now["refund_status"], "not_refunded");
    api.refund(id, 1000).await.expect(200);
}

#[tokio::test]
async fn send_email_records_it() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let body = with(
        &minimal("mail", 4200),
        "payer_email",
        json!("ah.kow@example.gov.sg"),
    );
    let payment = api.create_ok(&body).await;
    let id = payment["id"].as_str().unwrap();

    let reply = api.send_email(id).await;
    assert_eq!(reply.status, 204, "send-email: {}", reply.text);
    assert!(reply.text.is_empty(), "204 with a body: {:?}", reply.text);

    let now = api.get_ok(id).await;
    assert_eq!(now["email_delivery_status"], "sent");
    assert_timestamp(&now["payment_sent_timestamp"], "payment_sent_timestamp");
    assert_eq!(now["payment_status"], "unpaid");

    let emails = api.sim_json("/sim/emails.json").await;
    let emails_text = emails.to_string();
    assert!(
        emails_text.contains(id) && emails_text.contains("ah.kow@example.gov.sg"),
        "/sim/emails.json lacks the email: {emails_text}"
    );
    let page = send(api.sim(Method::GET, "/sim/emails")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.text.contains("ah.kow@example.gov.sg"),
        "/sim/emails lacks the address"
    );

    // No payer_email.
    let silent = api.create_ok(&minimal("no-mail", 100)).await;
    let silent_id = silent["id"].as_str().unwrap();
    assert_error(&api.send_email(silent_id).await, 400, "payer_email_missing");
    assert_eq!(
        api.get_ok(silent_id).await["email_delivery_status"],
        "unsent"
    );

    // Only unpaid, uncancelled payments.
    let paid = api
        .create_ok(&with(&body, "reference_id", json!("mail-paid")))
        .await;
    let paid_id = paid["id"].as_str().unwrap();
    api.pay_ok(paid_id).await;
    assert_error(&api.send_email(paid_id).await, 402, "payment_not_unpaid");
    let gone = api
        .create_ok(&with(&body, "reference_id", json!("mail-cancelled")))
        .await;
    let gone_id = gone["id"].as_str().unwrap();
    api.cancel(gone_id).await.expect(200);
    assert_error(&api.send_email(gone_id).await, 402, "payment_not_unpaid");
    assert_error(
        &api.send_email("ZZZZZZZZZZZZZZZZZZZZZ").await,
        404,
        "payment_not_found",
    );
}
