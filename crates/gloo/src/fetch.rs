//! The I/O: one request with gloo-net's `fetch` under an `AbortSignal` and a `setTimeout`, the
//! clock, the platform's CSPRNG and a sleep. Nothing here decides anything.

use gloo_net::http::RequestBuilder;
use paysg::client::answer::{Failure, Received};
use paysg::client::{self, decode};
use paysg::request::HttpRequest;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &js_sys::Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// Sends one request, with `headers` besides the request's: what came back for
/// [`client::answer`], and the body's text.
pub(crate) async fn attempt(
    request: &HttpRequest,
    headers: &[(String, String)],
    ctx: &client::Context,
) -> (Received, String) {
    let timing = client::wire::Timing::of(ctx, now());
    let controller = web_sys::AbortController::new().ok();
    let abort = controller.clone();
    let on_time = Closure::once_into_js(move || {
        if let Some(c) = abort {
            c.abort();
        }
    });
    let timer = set_timeout(on_time.unchecked_ref(), timing.wait);
    let mut builder = RequestBuilder::new(&request.url).method(match request.method {
        "GET" => gloo_net::http::Method::GET,
        _ => gloo_net::http::Method::POST,
    });
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    let signal = controller.as_ref().map(web_sys::AbortController::signal);
    builder = builder.abort_signal(signal.as_ref());
    let sent = match &request.body {
        Some(b) => builder.body(b.clone()),
        None => builder.build(),
    };
    let result = match sent {
        Ok(req) => match req.send().await {
            Ok(res) => match res.text().await {
                Ok(text) => Ok((res, text)),
                Err(e) => Err(e.to_string()),
            },
            Err(e) => Err(e.to_string()),
        },
        Err(e) => Err(e.to_string()),
    };
    clear_timeout(&timer);
    let timed_out = signal.as_ref().is_some_and(web_sys::AbortSignal::aborted);
    match result {
        Ok((res, text)) => {
            let headers = res.headers();
            let got = decode::received(res.status(), |name| headers.get(name), &text);
            (got, text)
        }
        Err(cause) => {
            let failure = match (timed_out, timing.deadline) {
                (true, true) => Failure::Deadline,
                (true, false) => Failure::Stalled,
                _ => Failure::Network,
            };
            let got = Received {
                failure: Some(failure),
                cause: Some(cause),
                ..Received::default()
            };
            (got, String::new())
        }
    }
}

/// Milliseconds since the epoch.
pub(crate) fn now() -> f64 {
    js_sys::Date::now()
}

/// 16 bytes from the platform's CSPRNG (`crypto.getRandomValues`).
pub(crate) fn random_bytes() -> [u8; 16] {
    let mut out = [0u8; 16];
    let array = js_sys::Uint8Array::new_with_length(16);
    let crypto = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("crypto"));
    let get = crypto.as_ref().ok().and_then(|c| {
        js_sys::Reflect::get(c, &JsValue::from_str("getRandomValues"))
            .ok()?
            .dyn_into::<js_sys::Function>()
            .ok()
    });
    if let (Ok(c), Some(f)) = (crypto, get) {
        if f.call1(&c, &array).is_ok() {
            array.copy_to(&mut out);
        }
    }
    out
}

/// Waits `ms` milliseconds.
pub(crate) async fn sleep(ms: f64) {
    if ms <= 0.0 {
        return;
    }
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        set_timeout(&resolve, ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
