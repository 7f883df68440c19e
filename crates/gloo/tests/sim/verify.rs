//! `verify_credentials` / `verify_credentials_for` and a call's own `limit`, against paysg-sim.

use crate::{body, sim_url, KEY, SERVICE};
use paysg::client::ClientError;
use paysg_gloo::{CallOptions, Config, PaySg};
use wasm_bindgen_test::wasm_bindgen_test;

fn config() -> Config {
    Config::new(KEY)
        .payment_service_id(SERVICE)
        .base_url(&sim_url())
}

#[wasm_bindgen_test]
async fn credentials_the_simulator_accepts_verify_ok() {
    let report = PaySg::verify_credentials(config()).await;
    assert!(report.ok, "{report:?}");
    assert!(report.problems.is_empty(), "{report:?}");
    assert_eq!(report.base_url, sim_url().trim_end_matches('/'));
    let paysg = PaySg::new(config()).unwrap();
    let report = paysg.verify_credentials_for(CallOptions::default()).await;
    assert!(report.ok, "{report:?}");
}

#[wasm_bindgen_test]
async fn whitespace_around_the_key_is_reported_and_the_call_still_sent() {
    let padded = format!(" {KEY}\n");
    let report = PaySg::verify_credentials(
        Config::new(&padded)
            .payment_service_id(SERVICE)
            .base_url(&sim_url()),
    )
    .await;
    assert!(!report.ok);
    let codes: Vec<&str> = report.problems.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, ["api_key_whitespace"], "{report:?}");
    assert!(!format!("{report:?}").contains(KEY));
}

#[wasm_bindgen_test]
async fn a_503_is_a_problem_in_the_report_never_an_error() {
    let paysg = PaySg::new(config().header("x-paysg-sim-fault", "503")).unwrap();
    let opts = CallOptions {
        max_retries: Some(0),
        ..CallOptions::default()
    };
    let report = paysg.verify_credentials_for(opts).await;
    assert!(!report.ok);
    assert!(!report.problems.is_empty(), "{report:?}");
    assert!(!format!("{report:?}").contains(KEY));
}

#[wasm_bindgen_test]
async fn a_call_s_limit_overrides_the_client_s() {
    let paysg = PaySg::new(config()).unwrap();
    // 1100 cents: within the default limit, over this call's.
    let low = CallOptions {
        limit: vec![("amount_in_cents".to_owned(), 1000)],
        ..CallOptions::default()
    };
    match paysg.create_payment(&body("GLOO-LIMIT"), low).await {
        Err(ClientError::Validation { errors }) => {
            assert!(
                errors.iter().any(|e| e.field == "amount_in_cents"),
                "{errors:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    let p = paysg
        .create_payment(&body("GLOO-LIMIT"), CallOptions::default())
        .await
        .unwrap();
    assert_eq!(p.amount_in_cents, 1100);
}
