//! `listAllPayments`' boundary over [`crate::client::list_all`]: [`list_all`] checks the
//! parameters and returns the first page's query with a [`Lister`]; [`Lister::page`] says what
//! to do with each page. The JS loop (`pkg/src/client.js`) fetches the pages and yields.

use super::{invalid, read_scalar, success, to_js};
use crate::client::list_all::{self, Params};
use crate::loose::Scalar;
use crate::validate::FieldError;
use wasm_bindgen::prelude::*;

/// A `listAllPayments` in progress (its bounds, the cursors seen).
#[wasm_bindgen]
pub struct Lister(list_all::Lister);

/// Checks `listAllPayments`' parameters (each as `scalars` made it; `given_as` the JS type of
/// `params` when it is not an object): `{ ok: true, value: { limit, after }, lister }` (the
/// first page's query) or `{ ok: false, error }`. (Five arguments rather than one object: a
/// serde struct cost ≈ 1 KB more wasm.)
#[wasm_bindgen(js_name = listAll)]
pub fn list_all(
    limit: JsValue,
    after: JsValue,
    before: JsValue,
    max_items: JsValue,
    max_pages: JsValue,
    given_as: Option<String>,
) -> JsValue {
    let params = (|| -> Result<Params, Vec<FieldError>> {
        Ok(Params {
            limit: read_scalar(limit, "limit")?,
            after: read_scalar(after, "after")?,
            before: read_scalar(before, "before")?,
            max_items: read_scalar(max_items, "maxItems")?,
            max_pages: read_scalar(max_pages, "maxPages")?,
            given_as: given_as.map_or(Scalar::Absent, Scalar::Str),
        })
    })();
    let params = match params {
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
