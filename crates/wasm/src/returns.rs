//! The return flow's exports (`confirmReturn`'s two steps), over [`paysg::client::returns`].

use wasm_bindgen::prelude::*;

/// `confirmReturn` before the request: see [`paysg::client::returns::start_text`].
#[wasm_bindgen(js_name = confirmReturnStart)]
pub fn confirm_return_start(url: &str, expected: &str, service: Option<String>) -> String {
    paysg::client::returns::start_text(url, expected, service.as_deref())
}

/// `confirmReturn` after the answer: see [`paysg::client::returns::check_text`].
#[wasm_bindgen(js_name = confirmReturnCheck)]
pub fn confirm_return_check(expected: &str, payment: &str) -> String {
    paysg::client::returns::check_text(expected, payment)
}
