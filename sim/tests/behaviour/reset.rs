//! Section 10, reset and the simulator's pages.

use crate::common::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn reset_forgets_everything() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let mut ids = Vec::new();
    for i in 0..3 {
        let body = with(
            &minimal(&format!("reset-{i}"), 100),
            "payer_email",
            json!("a@example.com"),
        );
        ids.push(
            api.create_ok(&body).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    api.send_email(&ids[0]).await.expect(204);
    api.create_with_key(&minimal("keyed", 100), "before-reset")
        .await
        .expect(201);
    ids.push(api.all_ids().await[0].clone());
    let index = send(api.sim(Method::GET, "/")).await;
    assert_eq!(index.status, 200);
    assert!(
        ids.iter().all(|id| index.text.contains(id.as_str())),
        "/ lacks a payment"
    );
    assert_eq!(payment_count(&api.state().await), 4);

    let reset = send(api.sim(Method::POST, "/sim/reset")).await;
    assert!(
        (200..300).contains(&reset.status),
        "reset: {}",
        reset.status
    );
    assert!(api.all_ids().await.is_empty());
    assert_eq!(payment_count(&api.state().await), 0);
    assert_error(&api.get(&ids[0]).await, 404, "payment_not_found");
    let emails = api.sim_json("/sim/emails.json").await;
    assert!(
        !emails.to_string().contains(&ids[0]),
        "emails survived the reset"
    );
    // Idempotency keys are forgotten too: the key takes another body now.
    let reused = api
        .create_with_key(&minimal("other-body", 200), "before-reset")
        .await;
    reused.expect(201);
    assert_ne!(reused.header("idempotent-replayed"), Some("true"));
    assert_eq!(api.all_ids().await.len(), 1);
}
