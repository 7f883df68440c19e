//! `listAllPayments`' boundary over [`paysg::client::list_all`]: [`list_all`] checks the
//! parameters and returns a [`Lister`]; it says which page to request ([`Lister::limit`],
//! [`Lister::after`]) and, for each page, how many payments to yield ([`Lister::page`]), then
//! whether to fail ([`Lister::error`]) or read on ([`Lister::more`]). (Methods rather than a
//! serde step object: ≈ 0.2 KB less wasm, measured.) The JS loop (`pkg/src/client.js`) fetches
//! the pages and yields.

use super::{fail, invalid, read_fields};
use paysg::client::list_all::{self, Page, Params};
use paysg::scalar::Scalar;
use paysg::surface::LIST_ALL_PARAMS;
use wasm_bindgen::prelude::*;

/// A `listAllPayments` in progress: its bounds, the cursors seen, and the last page's step.
#[wasm_bindgen]
pub struct Lister {
    lister: list_all::Lister,
    limit: u32,
    step: Page,
}

/// Checks `listAllPayments`' parameters (`params`: the fields [`LIST_ALL_PARAMS`] names, each as
/// `scalars` made it; `given_as` the JS type of `params` when it is not an object): a
/// [`Lister`], or `{ ok: false, error }`. (Read field by field by name rather than through a
/// serde struct: ≈ 0.3 KB less wasm.)
#[wasm_bindgen(js_name = listAll)]
pub fn list_all(params: JsValue, given_as: Option<String>) -> JsValue {
    // The fields named by the surface's description (LIST_ALL_PARAMS).
    let mut params: Params = read_fields(&params, &LIST_ALL_PARAMS, Params::set);
    params.given_as = given_as.map_or(Scalar::Absent, Scalar::Str);
    match list_all::Lister::start(&params) {
        Ok((lister, first)) => JsValue::from(Lister {
            lister,
            limit: u32::try_from(first.limit).unwrap_or(u32::MAX),
            step: Page {
                take: 0,
                after: first.after,
                error: None,
            },
        }),
        Err(errors) => invalid(errors),
    }
}

#[wasm_bindgen]
impl Lister {
    /// The page size of every request.
    #[wasm_bindgen(getter)]
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// The cursor of the page to request next (`undefined`: the first page, from the start).
    pub fn after(&self) -> Option<String> {
        self.step.after.clone()
    }

    /// Takes the page that came back and says how many of its payments to yield (in order).
    /// `items` is the length of its `data` (anything but a whole number when `data` is not an
    /// array), `has_next` its `page_info.has_next_page` (only `true` counts), `end_cursor` its
    /// `page_info.end_cursor` (only a string counts). Then ask [`Lister::error`] and
    /// [`Lister::more`].
    pub fn page(&mut self, items: JsValue, has_next: JsValue, end_cursor: JsValue) -> u32 {
        let items = items
            .as_f64()
            .filter(|n| n.fract() == 0.0 && *n >= 0.0 && *n <= f64::from(u32::MAX))
            .map(|n| n as u64);
        let cursor = end_cursor.as_string();
        self.step = self
            .lister
            .page(items, has_next.as_bool() == Some(true), cursor.as_deref());
        u32::try_from(self.step.take).unwrap_or(u32::MAX)
    }

    /// After the page's payments: a `fail` step (`{ kind: "fail", error }`) when the list must stop with an
    /// error (`list_cap_reached`, `invalid_response`), else `undefined`.
    pub fn error(&self) -> JsValue {
        self.step
            .error
            .as_ref()
            .map_or(JsValue::UNDEFINED, |e| fail(e.clone()))
    }

    /// After the page's payments, when there is no error: whether to request the page after
    /// [`Lister::after`].
    pub fn more(&self) -> bool {
        self.step.after.is_some()
    }
}
