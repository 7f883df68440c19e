//! What the npm client does and the Rust client now does too, against paysg-sim:
//! `send_payment_email`, `list_all`, `confirm_return`, `reconcile` and a per-call
//! `attempt_timeout_ms`, each driving the core as the JS shell does.

use crate::{body, sim_url, slow_client, KEY, SERVICE};
use paysg::client::ClientError;
use paysg_gloo::{
    CallOptions, Config, Expected, ListAll, PaySg, ReconcileError, Reconciled, ReturnError,
};
use wasm_bindgen_test::wasm_bindgen_test;

fn client() -> PaySg {
    PaySg::new(
        Config::new(KEY)
            .payment_service_id(SERVICE)
            .base_url(&sim_url()),
    )
    .unwrap()
}

#[wasm_bindgen_test]
async fn send_payment_email_sends_once_and_returns_nothing() {
    let paysg = client();
    let mut with_email = body("GLOO-EMAIL");
    with_email["payer_email"] = "tan@example.com".into();
    let p = paysg
        .create_payment(&with_email, CallOptions::default())
        .await
        .unwrap();
    paysg
        .send_payment_email(&p.id, CallOptions::default())
        .await
        .unwrap();
    // PaySG's error for a payment without an email is its ApiError, as in JS.
    let q = paysg
        .create_payment(&body("GLOO-NO-EMAIL"), CallOptions::default())
        .await
        .unwrap();
    match paysg
        .send_payment_email(&q.id, CallOptions::default())
        .await
    {
        Err(ClientError::Api(e)) => assert_eq!(e.code, "payer_email_missing"),
        other => panic!("{other:?}"),
    }
}

#[wasm_bindgen_test]
async fn list_all_pages_through_the_cores_steps_and_stops_at_max_items() {
    let paysg = client();
    for i in 0..3 {
        paysg
            .create_payment(&body(&format!("GLOO-LIST-{i}")), CallOptions::default())
            .await
            .unwrap();
    }
    let params = ListAll {
        limit: Some(1),
        max_items: Some(2),
        ..ListAll::default()
    };
    let mut pages = paysg
        .list_all_pages(&params, CallOptions::default())
        .unwrap();
    assert_eq!(pages.next_page().await.unwrap().unwrap().len(), 1);
    assert_eq!(pages.next_page().await.unwrap().unwrap().len(), 1);
    match pages.next_page().await {
        Err(ClientError::ListCapReached { message }) => {
            assert!(message.contains("maxItems"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(pages.next_page().await, Ok(None)));
    // A whole list, newest first.
    let all = paysg
        .list_all(&ListAll::default(), CallOptions::default())
        .await
        .unwrap();
    assert!(all.len() >= 3, "{}", all.len());
    assert!(all.windows(2).all(|w| w[0].created_at >= w[1].created_at));
    // Checked by the core before anything is sent.
    let bad = ListAll {
        limit: Some(0),
        max_items: Some(0),
        ..ListAll::default()
    };
    match paysg.list_all_pages(&bad, CallOptions::default()) {
        Err(ClientError::Validation { errors }) => {
            let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(fields, ["limit", "maxItems"]);
        }
        other => panic!("{other:?}"),
    }
}

#[wasm_bindgen_test]
async fn confirm_return_confirms_only_the_orders_payment() {
    let paysg = client();
    let p = paysg
        .create_payment(&body("GLOO-RETURN"), CallOptions::default())
        .await
        .unwrap();
    let url = format!(
        "https://shop.example/done?paysg_payment_id={}&paysg_payment_service_id={SERVICE}",
        p.id
    );
    let by_ref = Expected {
        reference_id: Some("GLOO-RETURN".into()),
        ..Expected::default()
    };
    let got = paysg
        .confirm_return(&url, &by_ref, CallOptions::default())
        .await
        .unwrap();
    assert_eq!(got.id, p.id);
    let other = Expected {
        payment_id: Some("another".into()),
        ..Expected::default()
    };
    match paysg
        .confirm_return(&url, &other, CallOptions::default())
        .await
    {
        Err(ReturnError::Refused { code, .. }) => assert_eq!(code, "payment_mismatch"),
        other => panic!("{other:?}"),
    }
    let elsewhere = url.replace(SERVICE, "payment_service_other");
    match paysg
        .confirm_return(&elsewhere, &by_ref, CallOptions::default())
        .await
    {
        Err(ReturnError::Refused { code, .. }) => assert_eq!(code, "payment_service_mismatch"),
        other => panic!("{other:?}"),
    }
    match paysg
        .confirm_return(
            "https://shop.example/done",
            &Expected::default(),
            CallOptions::default(),
        )
        .await
    {
        Err(ReturnError::Client(ClientError::Validation { errors })) => {
            let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(
                fields,
                ["expected", "paysg_payment_id", "paysg_payment_service_id"]
            );
        }
        other => panic!("{other:?}"),
    }
}

#[wasm_bindgen_test]
async fn reconcile_reports_changed_and_unreadable_records_only() {
    let paysg = client();
    let p = paysg
        .create_payment(&body("GLOO-RECONCILE"), CallOptions::default())
        .await
        .unwrap();
    let known = [
        serde_json::json!({ "id": p.id, "payment_status": "paid", "latest_status": "paid" }),
        serde_json::json!({ "id": p.id, "payment_status": p.payment_status, "latest_status": p.latest_status }),
        serde_json::json!({ "id": "", "payment_status": "unpaid" }),
    ];
    let got = paysg
        .reconcile(known, Some(2), CallOptions::default())
        .await
        .unwrap();
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got.iter().any(|r| matches!(r,
        Reconciled::Changed { id, changed, .. }
            if *id == p.id && changed.iter().map(|c| c.field).collect::<Vec<_>>() == ["payment_status", "latest_status"])));
    assert!(got.iter().any(|r| matches!(
        r,
        Reconciled::Failed {
            id: None,
            error: ReconcileError::Client(ClientError::Validation { .. })
        }
    )));
    match paysg
        .reconcile(
            Vec::<serde_json::Value>::new(),
            Some(0),
            CallOptions::default(),
        )
        .await
    {
        Err(ClientError::Validation { errors }) => assert_eq!(errors[0].field, "concurrency"),
        other => panic!("{other:?}"),
    }
}

#[wasm_bindgen_test]
async fn a_calls_attempt_timeout_overrides_the_clients() {
    let paysg = slow_client();
    let opts = CallOptions {
        attempt_timeout_ms: Some(200),
        max_retries: Some(0),
        ..CallOptions::default()
    };
    let started = js_sys::Date::now();
    match paysg.get_payment("anything", opts).await {
        Err(ClientError::Timeout {
            timeout_ms,
            attempts,
            ..
        }) => assert_eq!((timeout_ms, attempts), (200, 1)),
        other => panic!("{other:?}"),
    }
    let took = js_sys::Date::now() - started;
    assert!(took < 2000.0, "took {took} ms");
}
