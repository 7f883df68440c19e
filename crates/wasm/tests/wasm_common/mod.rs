//! wasm-bindgen tests shared by the Node and browser test binaries: they call the raw exports of
//! the binding layer inside a real JS engine.

use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn version_crosses_the_boundary() {
    assert_eq!(paysg_wasm::version(), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn seed_example_validates_inside_wasm() {
    let seed = r#"{"reference_id":"PAYMENT_001","payer_name":"Andy Lau","description":"Test payment","amount_in_cents":1100,"due_date":"2023-12-31","return_url":"https://open.gov.sg","metadata":{"product code":"123"}}"#;
    assert_eq!(
        paysg_wasm::validate_create_payment_text(seed, ""),
        r#"{"ok":true,"value":{"reference_id":"PAYMENT_001","payer_name":"Andy Lau","description":"Test payment","amount_in_cents":1100,"due_date":"31-DEC-2023","metadata":{"product code":"123"},"return_url":"https://open.gov.sg"}}"#
    );
}

#[wasm_bindgen_test]
fn bad_input_gets_errors_not_a_trap() {
    for text in ["", "\u{0}cycle", "{", "[]", "{\"amount_in_cents\":1e999}"] {
        let out = paysg_wasm::validate_create_payment_text(text, "");
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

/// Calls a method of a handle the way the JS layer does (the handle is a JS object).
fn call(
    handle: &wasm_bindgen::JsValue,
    name: &str,
    args: &[wasm_bindgen::JsValue],
) -> wasm_bindgen::JsValue {
    use wasm_bindgen::JsCast;
    let f: js_sys::Function = field(handle, &[name]).dyn_into().unwrap();
    f.apply(handle, &args.iter().collect::<js_sys::Array>())
        .unwrap()
}

/// Writes `text` into the module's input buffer through a view of the module's memory, as the
/// JS layer does; returns its length.
fn in_buffer(text: &str) -> u32 {
    use wasm_bindgen::JsCast;
    let len = u32::try_from(text.len()).unwrap();
    let at = paysg_wasm::fast_bytes(text.len()) as usize;
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().dyn_into().unwrap();
    js_sys::Uint8Array::new_with_byte_offset_and_length(
        &memory.buffer(),
        u32::try_from(at).unwrap(),
        len,
    )
    .copy_from(text.as_bytes());
    len
}

fn bytes(b: &[u8]) -> wasm_bindgen::JsValue {
    js_sys::Uint8Array::from(b).into()
}

#[wasm_bindgen_test]
fn a_call_is_planned_answered_and_released_through_its_slot() {
    use paysg_wasm::client::new_client;
    use wasm_bindgen::JsValue;
    let made = new_client(
        js(r#"{"apiKey":"paysg_stag_SECRETKEY1","paymentServiceId":"payment_service_x"}"#),
        "node".into(),
    );
    assert_eq!(field(&made, &["ok"]), true);
    assert_eq!(field(&made, &["value", "timeoutMs"]), 30_000);
    let client = field(&made, &["client"]);
    let body = r#"{"reference_id":"R","payer_name":"P","description":"D","amount_in_cents":5}"#;
    let plan = call(
        &client,
        "plan",
        &[
            "create".into(),
            JsValue::UNDEFINED,
            JsValue::UNDEFINED,
            JsValue::UNDEFINED,
            body.into(),
            JsValue::UNDEFINED,
            0.0.into(),
            bytes(&[1; 16]),
            1000.0.into(),
        ],
    );
    // The plan crosses as a typed `Plan` (crates/wasm/src/step.rs): slot, timing, request, key.
    assert_eq!(field(&plan, &["ok"]), true);
    assert_eq!(field(&plan, &["timing", "wait"]), 10_000);
    assert_eq!(field(&plan, &["timing", "deadline"]), false);
    assert_eq!(field(&plan, &["request", "method"]), "POST");
    let sent = field(&plan, &["request", "body"])
        .as_string()
        .unwrap_or_default();
    assert!(sent.starts_with('{'), "{sent}");
    let slot = field(&plan, &["slot"]).as_f64().unwrap_or(-1.0) as u32;
    // The response's headers: anything with a `get` (a `Map` here, fetch's `Headers` in JS).
    let headers = js_sys::Map::new();
    headers.set(&"retry-after".into(), &"0".into());
    headers.set(&"request-id".into(), &"req_1".into());
    let headers: JsValue = headers.into();
    // The body's text crosses as UTF-8 in the module's input buffer (JS: encodeInto).
    let answer = |status: u16, text: &str, now: f64| {
        call(
            &client,
            "answer",
            &[
                slot.into(),
                status.into(),
                JsValue::UNDEFINED,
                headers.clone(),
                in_buffer(text).into(),
                JsValue::UNDEFINED,
                now.into(),
                0.5.into(),
            ],
        )
    };
    let step = answer(503, "", 1100.0);
    // Every step is a `CallStep` tagged by `kind` (crates/wasm/src/step.rs).
    assert_eq!(field(&step, &["kind"]), "send");
    assert_eq!(field(&step, &["afterMs"]), 0, "at once: Retry-After 0");
    assert_eq!(field(&step, &["timing", "wait"]), 10_000);
    assert_eq!(
        field(&step, &["request"]),
        JsValue::UNDEFINED,
        "the same request again"
    );
    assert_eq!(
        call(&client, "requestId", std::slice::from_ref(&headers)),
        "req_1",
        "the request id, by the names the core reads"
    );
    // A 2xx that is not a complete payment is refused by the core's decoder.
    let partial = answer(201, r#"{"id":"p1","latest_status":"unpaid"}"#, 1150.0);
    assert_eq!(field(&partial, &["kind"]), "fail");
    assert_eq!(field(&partial, &["error", "kind"]), "invalid_response");
    let payment = r#"{"id":"p1","payment_service_id":"payment_service_x","reference_id":"R","payer_name":"P","payer_address":null,"payer_identifier":null,"payer_email":null,"description":"D","amount_in_cents":5,"due_date":null,"metadata":{"k":"v"},"return_url":null,"payment_url":"https://pay.example/p1","payment_qr_code_url":"https://pay.example/p1.png","payment_status":"unpaid","latest_status":"unpaid","refund_status":"not_refunded","email_delivery_status":"unsent","stripe_payment_intent_id":null,"payout_id":null,"creator_id":"user_1","created_at":"2024-01-01T10:00:00.000+08:00","updated_at":"2024-01-01T10:00:00.000+08:00","payment_sent_timestamp":null,"payment_succeeded_timestamp":null,"payment_cancelled_timestamp":null,"payment_fully_refunded_timestamp":null,"paid_out_timestamp":null}"#;
    let step = answer(201, payment, 1200.0);
    assert_eq!(field(&step, &["kind"]), "done");
    // done says the result, checked once in Rust (src/client/decode.rs, read.rs), is the body
    // verbatim: the JS layer parses the text it holds.
    assert_eq!(field(&step, &["verbatim"]), true);
    assert_eq!(field(&step, &["json"]), JsValue::NULL);
    // A body with a field the result does not have: done carries the result written back.
    let slot2 = field(
        &call(
            &client,
            "plan",
            &[
                "get".into(),
                JsValue::UNDEFINED,
                "p1".into(),
                JsValue::UNDEFINED,
                JsValue::UNDEFINED,
                JsValue::UNDEFINED,
                0.0.into(),
                bytes(&[2; 16]),
                1000.0.into(),
            ],
        ),
        &["slot"],
    );
    let extra = payment.replacen('{', r#"{"new":1,"#, 1);
    let step = call(
        &client,
        "answer",
        &[
            slot2.clone(),
            200.into(),
            JsValue::UNDEFINED,
            headers.clone(),
            in_buffer(&extra).into(),
            JsValue::UNDEFINED,
            1200.0.into(),
            0.5.into(),
        ],
    );
    assert_eq!(field(&step, &["verbatim"]), false);
    assert_eq!(field(&step, &["json"]), payment);
    call(&client, "release", &[slot2]);
    call(&client, "release", &[slot.into()]);
    let step = answer(201, payment, 1300.0);
    assert_eq!(
        field(&step, &["kind"]),
        "fail",
        "a released slot is no call"
    );
}

#[wasm_bindgen_test]
fn any_js_value_gets_a_typed_answer_not_a_trap() {
    use paysg_wasm::client::new_client;
    use wasm_bindgen::JsValue;
    let hostile = [
        JsValue::UNDEFINED,
        JsValue::from_str("x"),
        js("[1,2]"),
        js(r#"{"op":"nope"}"#),
        js(r#"{"apiKey":5,"paymentId":{"\u0000type":"symbol"}}"#),
        js_sys::Symbol::for_("s").into(),
    ];
    let made = new_client(
        js(r#"{"apiKey":"paysg_stag_x1","paymentServiceId":"payment_service_x"}"#),
        "node".into(),
    );
    let client = field(&made, &["client"]);
    for v in hostile {
        let made = new_client(v.clone(), "node".into());
        assert_eq!(field(&made, &["ok"]), false);
        assert_eq!(field(&made, &["error", "kind"]), "validation");
        let plan = call(
            &client,
            "plan",
            &[
                v.clone(),
                v.clone(),
                v.clone(),
                v.clone(),
                "\u{0}cycle".into(),
                JsValue::UNDEFINED,
                f64::NAN.into(),
                bytes(&[]),
                f64::NAN.into(),
            ],
        );
        assert_eq!(field(&plan, &["ok"]), false);
        assert_eq!(field(&plan, &["error", "kind"]), "validation");
    }
    let settings = new_client(js(r#"{"apiKey":"paysg_stag_SECRET\n"}"#), "node".into());
    let text: String = js_sys::JSON::stringify(&settings).unwrap().into();
    assert!(
        text.contains("validation") && !text.contains("SECRET"),
        "{text}"
    );
}

#[wasm_bindgen_test]
fn a_plan_made_in_one_call_is_what_serde_makes_of_it() {
    use paysg::request::HttpRequest;
    use paysg_wasm::request::HeaderStrings;
    use paysg_wasm::step::{AttemptTiming, Plan};
    use serde::Serialize;
    let create = HttpRequest {
        method: "POST",
        url: "https://api.example/v1/payment-services/s/payments".into(),
        headers: vec![
            ("x-api-key", "k".into()),
            ("content-type", "application/json".into()),
            ("idempotency-key", "key-1".into()),
        ],
        body: Some("{\"a\":1}".into()),
    };
    let get = HttpRequest {
        method: "GET",
        url: "https://api.example/v1/payment-services/s/payments/p".into(),
        headers: vec![("x-api-key", "k".into())],
        body: None,
    };
    let timing = AttemptTiming {
        wait: 1500.5,
        deadline: true,
    };
    let mut made = HeaderStrings::default();
    let mut by_serde = HeaderStrings::default();
    for (request, key) in [
        (create.clone(), Some("key-1")),
        (get, None),
        (create, Some("key-1")),
    ] {
        let one_call = made.plan(7, timing, request.clone(), key);
        let serde_plan = Plan {
            ok: true,
            slot: 7,
            timing,
            request: by_serde.request(request),
            idempotency_key: key.map(str::to_owned),
        }
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap();
        // Key order included: JSON.stringify writes keys in the order they were set.
        assert_eq!(
            js_sys::JSON::stringify(&one_call).unwrap(),
            js_sys::JSON::stringify(&serde_plan).unwrap()
        );
    }
}
