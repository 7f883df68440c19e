//! The exports behind `reconcile` (`pkg/src/reconcile.js`): each forwards JSON text to
//! [`paysg::client::reconcile`] and returns its JSON answer.

use paysg::client::reconcile;
use wasm_bindgen::prelude::*;

/// The fields reconciliation compares, as a JSON array (the JS layer copies these from each
/// stored record, own properties only).
#[wasm_bindgen(js_name = reconcileFields)]
pub fn reconcile_fields() -> String {
    reconcile::FIELDS_JSON.to_owned()
}

/// See [`reconcile::json_entry::options_text`].
#[wasm_bindgen(js_name = reconcileOptions)]
pub fn reconcile_options(text: &str) -> String {
    reconcile::json_entry::options_text(text)
}

/// See [`reconcile::json_entry::known_text`].
#[wasm_bindgen(js_name = reconcileKnown)]
pub fn reconcile_known(text: &str, index: u32) -> String {
    reconcile::json_entry::known_text(text, index)
}

/// See [`reconcile::json_entry::changes_text`].
#[wasm_bindgen(js_name = reconcileChanges)]
pub fn reconcile_changes(known: &str, fresh: &str, index: u32) -> String {
    reconcile::json_entry::changes_text(known, fresh, index)
}
