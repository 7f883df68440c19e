//! wasm-bindgen tests shared by the Node and browser test binaries: they call the raw exports of
//! the binding layer inside a real JS engine.

use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn version_crosses_the_boundary() {
    assert_eq!(paysg::wasm::version(), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn seed_example_validates_inside_wasm() {
    let seed = r#"{"reference_id":"PAYMENT_001","payer_name":"Andy Lau","description":"Test payment","amount_in_cents":1100,"due_date":"2023-12-31","return_url":"https://open.gov.sg","metadata":{"product code":"123"}}"#;
    assert_eq!(
        paysg::wasm::validate_create_payment_text(seed),
        r#"{"ok":true,"value":{"reference_id":"PAYMENT_001","payer_name":"Andy Lau","description":"Test payment","amount_in_cents":1100,"due_date":"31-DEC-2023","metadata":{"product code":"123"},"return_url":"https://open.gov.sg"}}"#
    );
}

#[wasm_bindgen_test]
fn bad_input_gets_errors_not_a_trap() {
    for text in ["", "\u{0}cycle", "{", "[]", "{\"amount_in_cents\":1e999}"] {
        let out = paysg::wasm::validate_create_payment_text(text);
        assert!(
            out.starts_with(r#"{"ok":false,"errors":[{"#),
            "{text:?}: {out}"
        );
    }
    let out =
        paysg::wasm::build_create_payment_request_text("{}", r#"{"apiKey":"paysg_stag_SECRET\n"}"#);
    assert!(!out.contains("SECRET"), "{out}");
}
