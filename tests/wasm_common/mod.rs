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
}

/// A JS value from JSON text, as the JS layer would build it.
fn js(text: &str) -> wasm_bindgen::JsValue {
    js_sys::JSON::parse(text).unwrap()
}

fn field(v: &wasm_bindgen::JsValue, path: &[&str]) -> wasm_bindgen::JsValue {
    path.iter().fold(v.clone(), |v, k| {
        js_sys::Reflect::get(&v, &wasm_bindgen::JsValue::from_str(k)).unwrap()
    })
}

#[wasm_bindgen_test]
fn a_call_crosses_as_serde_values_and_comes_back_as_a_plan() {
    let call = js(
        r#"{"op":"create","client":{"apiKey":"paysg_stag_SECRETKEY1","paymentServiceId":"payment_service_x"},"options":{},"runtime":"node"}"#,
    );
    let body = r#"{"reference_id":"R","payer_name":"P","description":"D","amount_in_cents":5}"#;
    let plan = paysg::wasm::client::plan_call(call, Some(body.to_owned()), &[1; 16], 1000.0);
    assert_eq!(field(&plan, &["ok"]), true);
    assert_eq!(field(&plan, &["value", "request", "method"]), "POST");
    assert_eq!(field(&plan, &["value", "context", "attempts"]), 1);
    let context = field(&plan, &["value", "context"]);
    let got = js(
        r#"{"status":503,"failure":null,"cause":null,"retryAfter":"0","requestId":null,"text":"","json":null}"#,
    );
    let step = paysg::wasm::client::answer_call(context, got, "paysg_stag_SECRETKEY1", 1100.0, 0.5);
    assert_eq!(field(&step, &["step"]), "send");
    assert_eq!(field(&step, &["context", "attempts"]), 2);
}

#[wasm_bindgen_test]
fn any_js_value_gets_a_typed_answer_not_a_trap() {
    let hostile = [
        wasm_bindgen::JsValue::UNDEFINED,
        wasm_bindgen::JsValue::from_str("x"),
        js("[1,2]"),
        js(r#"{"op":"nope"}"#),
        js(r#"{"op":"get","client":{"apiKey":5},"paymentId":{"\u0000type":"symbol"}}"#),
        js_sys::Symbol::for_("s").into(),
    ];
    for v in hostile {
        let plan =
            paysg::wasm::client::plan_call(v.clone(), Some("\u{0}cycle".to_owned()), &[], f64::NAN);
        assert_eq!(field(&plan, &["ok"]), false);
        assert_eq!(field(&plan, &["error", "kind"]), "validation");
        let step = paysg::wasm::client::answer_call(v.clone(), v, "paysg_stag_x1", 0.0, 0.0);
        assert_eq!(field(&step, &["ok"]), false);
        assert_eq!(field(&step, &["error", "kind"]), "validation");
    }
    let settings = paysg::wasm::client::client_settings(js(r#"{"apiKey":"paysg_stag_SECRET\n"}"#));
    let text: String = js_sys::JSON::stringify(&settings).unwrap().into();
    assert!(
        text.contains("validation") && !text.contains("SECRET"),
        "{text}"
    );
}
