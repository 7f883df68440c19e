//! Section 2, authentication and payment services.

use crate::common::*;

#[tokio::test]
async fn api_keys_are_checked() {
    let sim = Sim::start(&[]);
    let api = sim.api();

    let missing = api.with_key(None).list("").await;
    assert_error(&missing, 401, "invalid_api_key");
    assert_eq!(missing.json["error"]["type"], "authentication_error");
    let missing = api.with_key(None).create(&minimal("no-key", 100)).await;
    assert_error(&missing, 401, "invalid_api_key");

    for bad in ["paysg_live_abc123", "sk_test_123", "PAYSG_STAG_upper", ""] {
        let reply = api.with_key(Some(bad)).list("").await;
        assert_error(&reply, 401, "invalid_api_key");
    }
    // Refused requests change nothing.
    assert!(api.all_ids().await.is_empty());

    for good in ["paysg_stag_x", "paysg_stag_1234", "paysg_stag_another-key"] {
        api.with_key(Some(good)).list("").await.expect(200);
    }
}

#[tokio::test]
async fn api_key_flag_restricts_the_keys() {
    let sim = Sim::start(&[
        "--api-key",
        "paysg_stag_only_this",
        "--api-key",
        "paysg_stag_or_this",
    ]);
    let api = sim.api();
    api.with_key(Some("paysg_stag_only_this"))
        .list("")
        .await
        .expect(200);
    api.with_key(Some("paysg_stag_or_this"))
        .create_ok(&minimal("k", 100))
        .await;
    for other in [KEY, "paysg_stag_only_this_not", "paysg_live_only_this"] {
        assert_error(
            &api.with_key(Some(other)).list("").await,
            401,
            "invalid_api_key",
        );
    }
}

#[tokio::test]
async fn service_id_needs_the_payment_service_prefix() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    for bad in [
        "fe5b1b0b-065a-43b8-939d-03ab2b67ede9",
        "service_123",
        "PAYMENT_SERVICE_x",
    ] {
        let svc = api.with_service(bad);
        assert_error(&svc.list("").await, 404, "payment_service_not_found");
        assert_eq!(
            svc.list("").await.json["error"]["type"],
            "not_found",
            "error.type of an unknown service"
        );
        assert_error(
            &svc.create(&minimal("x", 100)).await,
            404,
            "payment_service_not_found",
        );
    }
    assert!(api.all_ids().await.is_empty());
}
