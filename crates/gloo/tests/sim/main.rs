//! The Rust client over gloo-net (crate `paysg-gloo`), run by wasm-bindgen-test in Node against a
//! paysg-sim that `scripts/test.sh` starts (its URL in `PAYSG_SIM_URL`): create and get, a 503
//! retried with the same Idempotency-Key, a deadline, problems found before anything is sent;
//! `parity` the calls the npm client has besides; `verify` the credentials check and a call's `limit`.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod example;
mod parity;
mod verify;

use paysg::client::ClientError;
use paysg_gloo::{CallOptions, Config, PaySg};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

pub(crate) const KEY: &str = "paysg_stag_gloo_client_tests";
pub(crate) const SERVICE: &str = "payment_service_gloo";

/// `process.env.PAYSG_SIM_URL`.
pub(crate) fn sim_url() -> String {
    let get = |v: &JsValue, k: &str| js_sys::Reflect::get(v, &JsValue::from_str(k)).unwrap();
    let env = get(&get(&js_sys::global(), "process"), "env");
    get(&env, "PAYSG_SIM_URL")
        .as_string()
        .expect("PAYSG_SIM_URL: scripts/test.sh starts paysg-sim for these tests")
}

/// A client whose every request the simulator answers 3 s late (`x-paysg-sim-delay-ms`).
pub(crate) fn slow_client() -> PaySg {
    PaySg::new(
        Config::new(KEY)
            .payment_service_id(SERVICE)
            .base_url(&sim_url())
            .header("x-paysg-sim-delay-ms", "3000"),
    )
    .unwrap()
}

pub(crate) fn body(reference: &str) -> serde_json::Value {
    serde_json::json!({ "reference_id": reference, "payer_name": "Tan Ah Kow", "description": "Season parking", "amount_in_cents": 1100 })
}

#[wasm_bindgen_test]
async fn the_readme_example_creates_and_reads_a_payment() {
    let line = example::create_and_confirm(KEY, SERVICE, &sim_url())
        .await
        .unwrap();
    assert!(line.contains(" is unpaid: pay at http"), "{line}");
}

#[wasm_bindgen_test]
async fn a_503_is_retried_with_the_same_idempotency_key() {
    // The simulator fails the first request of each Idempotency-Key: only a retry with the same
    // key gets through.
    let paysg = PaySg::new(
        Config::new(KEY)
            .payment_service_id(SERVICE)
            .base_url(&sim_url())
            .header("x-paysg-sim-fault", "503;first=1"),
    )
    .unwrap();
    // Keys of this run only: the simulator fails the first request of each key it has seen.
    let run = js_sys::Date::now();
    let key = &format!("gloo-503-retried-once-{run}");
    let opts = CallOptions {
        idempotency_key: Some(key.into()),
        ..CallOptions::default()
    };
    let p = paysg
        .create_payment(&body("GLOO-503"), opts.clone())
        .await
        .unwrap();
    assert_eq!(p.reference_id, "GLOO-503");
    // The same key again replays the same payment.
    let again = paysg.create_payment(&body("GLOO-503"), opts).await.unwrap();
    assert_eq!(again.id, p.id);
    // Without retries, the 503 is PaySG's error.
    let none = CallOptions {
        idempotency_key: Some(format!("gloo-503-no-retry-{run}")),
        max_retries: Some(0),
        ..CallOptions::default()
    };
    match paysg.create_payment(&body("GLOO-503-B"), none).await {
        Err(ClientError::Api(e)) => assert_eq!((e.status, e.attempts, e.retryable), (503, 1, true)),
        other => panic!("{other:?}"),
    }
}

#[wasm_bindgen_test]
async fn a_deadline_ends_the_call_with_a_timeout() {
    let paysg = slow_client();
    let started = js_sys::Date::now();
    let opts = CallOptions {
        timeout_ms: Some(300),
        ..CallOptions::default()
    };
    match paysg.create_payment(&body("GLOO-SLOW"), opts).await {
        Err(ClientError::Timeout {
            timeout_ms,
            attempts,
            idempotency_key,
            ..
        }) => {
            assert_eq!((timeout_ms, attempts), (300, 1));
            assert!(
                idempotency_key.is_some(),
                "the key to finish the operation with"
            );
        }
        other => panic!("{other:?}"),
    }
    let took = js_sys::Date::now() - started;
    assert!(took < 2000.0, "took {took} ms");
}

#[wasm_bindgen_test]
async fn problems_are_found_before_anything_is_sent() {
    assert!(matches!(
        PaySg::new(Config::new("not_a_key")),
        Err(ClientError::Validation { .. })
    ));
    let paysg = PaySg::new(
        Config::new(KEY)
            .payment_service_id(SERVICE)
            .base_url("http://127.0.0.1:9"),
    )
    .unwrap();
    match paysg
        .create_payment(
            &serde_json::json!({ "amount_in_cents": 0 }),
            CallOptions::default(),
        )
        .await
    {
        Err(ClientError::Validation { errors }) => assert_eq!(errors.len(), 4),
        other => panic!("{other:?}"),
    }
    // and nothing reaches a port that is closed: a connection error names the host
    match paysg
        .get_payment(
            "x",
            CallOptions {
                max_retries: Some(0),
                ..CallOptions::default()
            },
        )
        .await
    {
        Err(ClientError::Connection {
            message, attempts, ..
        }) => {
            assert_eq!(attempts, 1);
            assert!(message.contains("127.0.0.1:9"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}
