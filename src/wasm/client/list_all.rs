//! `listAllPayments`' boundary over [`crate::client::list_all`]: [`list_all`] checks the
//! parameters and returns the first page's query with a [`Lister`]; [`Lister::page`] says what
//! to do with each page. The JS loop (`pkg/src/client.js`) fetches the pages and yields.

use super::{invalid, read, success, to_js};
use crate::client::list_all::{self, Params};
use wasm_bindgen::prelude::*;

/// A `listAllPayments` in progress (its bounds, the cursors seen).
#[wasm_bindgen]
pub struct Lister(list_all::Lister);

/// Checks `listAllPayments`' parameters (as `scalars` made them): `{ ok: true, value: { limit,
/// after }, lister }` (the first page's query) or `{ ok: false, error }`.
#[wasm_bindgen(js_name = listAll)]
pub fn list_all(params: JsValue) -> JsValue {
    let params: Params = match read(params, "listAllPayments params") {
        Ok(p) => p,
        Err(e) => return invalid(e),
    };
    match list_all::Lister::start(&params) {
        Ok((lister, first)) => {
            let out = success(&first);
            let _ = js_sys::Reflect::set(
                &out,
                &JsValue::from_str("lister"),
                &JsValue::from(Lister(lister)),
            );
            out
        }
        Err(errors) => invalid(errors),
    }
}

#[wasm_bindgen]
impl Lister {
    /// What to do with the page that came back: `{ take, after, error }` (see
    /// [`list_all::Page`]). `items` is the length of its `data` (anything but a whole number
    /// when `data` is not an array), `has_next` its `page_info.has_next_page` (only `true`
    /// counts), `end_cursor` its `page_info.end_cursor` (only a string counts).
    pub fn page(&mut self, items: JsValue, has_next: JsValue, end_cursor: JsValue) -> JsValue {
        let items = items
            .as_f64()
            .filter(|n| n.fract() == 0.0 && *n >= 0.0 && *n <= u32::MAX as f64)
            .map(|n| n as u64);
        let cursor = end_cursor.as_string();
        to_js(
            &self
                .0
                .page(items, has_next.as_bool() == Some(true), cursor.as_deref()),
        )
    }
}
