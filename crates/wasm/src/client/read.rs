//! Values the JS layer made for Rust to read — scalars, and objects of scalars by the JS names
//! Rust reads — read field by field, not through serde-wasm-bindgen's deserializer.

use paysg::client::plan::Query;
use paysg::client::Options;
use paysg::scalar::{self, Scalar};
use wasm_bindgen::prelude::*;

/// A value the JS layer made a scalar (`scalar` in `pkg/src/encode.js`: a string, number,
/// boolean, `null` or `undefined` as it is, anything else a `{ "\0type": name }` marker) as Rust
/// reads it. Read here, not through serde-wasm-bindgen's deserializer, whose error texts format
/// floats (≈ 18 KB gzip of wasm with the derived readers, measured); anything else reads as the
/// JS type it is.
pub(crate) fn scalar_of(v: &JsValue) -> Scalar {
    if let Some(s) = v.as_string() {
        return Scalar::Str(s);
    }
    if let Some(n) = v.as_f64() {
        return Scalar::Num(n);
    }
    if let Some(b) = v.as_bool() {
        return Scalar::Bool(b);
    }
    if v.is_null() || v.is_undefined() {
        return Scalar::Absent;
    }
    if v.is_object() {
        if js_sys::Array::is_array(v) {
            return Scalar::Other("array");
        }
        let marker = js_sys::Reflect::get(v, &JsValue::from_str(scalar::TYPE_MARKER))
            .ok()
            .and_then(|t| t.as_string());
        return marker.map_or(Scalar::Other("object"), |t| Scalar::of_type(&t));
    }
    Scalar::of_type(&v.js_typeof().as_string().unwrap_or_default())
}

/// Options or a query from the JS layer (`settings` / `scalars`: an object of scalars with the
/// fields Rust reads, by their JS names): each name in `names` read and `set`; `undefined`
/// reads as nothing given.
pub(crate) fn read_fields<T: Default>(
    v: &JsValue,
    names: &[&str],
    set: impl Fn(&mut T, &str, Scalar) -> bool,
) -> T {
    let mut out = T::default();
    if v.is_undefined() || v.is_null() {
        return out;
    }
    for name in names {
        let value = js_sys::Reflect::get(v, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED);
        if !value.is_undefined() {
            set(&mut out, name, scalar_of(&value));
        }
    }
    out
}

/// Options (a client's or a call's) from the JS layer.
pub(crate) fn read_options(v: &JsValue) -> Options {
    read_fields(v, &Options::FIELDS, Options::set)
}

/// A list query from the JS layer.
pub(crate) fn read_query(v: &JsValue) -> Query {
    read_fields(v, &paysg::surface::LIST_QUERY, Query::set)
}
