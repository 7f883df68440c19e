//! A request as it crosses to the JS loop: [`HttpRequest`] through serde-wasm-bindgen, except
//! its headers, which are made into a JS object here from strings the client keeps. Every
//! string that crosses is decoded by a `TextDecoder` call; the API key's header, the content
//! types and the client header are the same on every request of a client, so they are made
//! once, and so is the URL a client last sent to (all its creates go to one).

use crate::step::AttemptTiming;
use paysg::request::HttpRequest;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The header whose value differs on every request (kept out of [`HeaderStrings`]).
const VARIES: &str = paysg::request::IDEMPOTENCY_KEY_HEADER;

#[wasm_bindgen(
    inline_js = "export function planned(slot, wait, deadline, method, url, headers, body, key) {
  const request = body === undefined ? { method, url, headers } : { method, url, headers, body };
  const timing = { wait, deadline };
  return key === undefined ? { ok: true, slot, timing, request } : { ok: true, slot, timing, request, idempotencyKey: key };
}"
)]
extern "C" {
    /// A [`crate::step::Plan`] as JS, made in one call: field by field through
    /// serde-wasm-bindgen it is three objects, nine assignments and four strings across the
    /// boundary (≈ 2 µs a call in Node). Its shape is checked against serde's in
    /// `tests/wasm_node.rs`.
    fn planned(
        slot: u32,
        wait: f64,
        deadline: bool,
        method: &JsValue,
        url: &JsValue,
        headers: &JsValue,
        body: Option<String>,
        key: &JsValue,
    ) -> JsValue;
}

#[wasm_bindgen]
extern "C" {
    /// A plain object of header strings.
    type HeaderObject;

    /// `object[name] = value`: a plain assignment to an object made here (`Reflect.set`
    /// through `js_sys` wraps each in a try/catch: ≈ 0.25 µs a header, measured).
    #[wasm_bindgen(method, indexing_setter)]
    fn set(this: &HeaderObject, name: &JsValue, value: &JsValue);
}

/// At most this many header values are kept (a client sends about five).
const KEEP: usize = 16;

/// A client's header names and values as JS strings, made once.
#[derive(Debug, Default)]
pub struct HeaderStrings {
    kept: Vec<(&'static str, String, JsValue, JsValue)>,
    /// The last URL sent, as text and as a JS string (a client's creates all go to one URL).
    url: Option<(String, JsValue)>,
}

impl HeaderStrings {
    /// `headers` as a JS object of strings.
    /// The value of the header [`VARIES`], when given, is `key`'s string (made once for both).
    fn object(&mut self, headers: &[(&'static str, String)], key: &JsValue) -> JsValue {
        let object: HeaderObject = js_sys::Object::new().unchecked_into();
        for (name, value) in headers {
            let (name_js, value_js) = self.strings(name, value);
            let value_js = if *name == VARIES && !key.is_undefined() {
                key
            } else {
                &value_js
            };
            object.set(&name_js, value_js);
        }
        object.into()
    }

    /// The JS strings of one header.
    fn strings(&mut self, name: &'static str, value: &str) -> (JsValue, JsValue) {
        if let Some((_, _, n, v)) = self
            .kept
            .iter()
            .find(|(k, kv, _, _)| *k == name && kv == value)
        {
            return (n.clone(), v.clone());
        }
        let name_js = match self.kept.iter().find(|(k, ..)| *k == name) {
            Some((_, _, n, _)) => n.clone(),
            None => JsValue::from_str(name),
        };
        let value_js = JsValue::from_str(value);
        if name != VARIES && self.kept.len() < KEEP {
            self.kept
                .push((name, value.to_owned(), name_js.clone(), value_js.clone()));
        }
        (name_js, value_js)
    }

    /// The plan of a call in `slot` whose first attempt's timer is `timing`, as JS: what
    /// [`crate::step::Plan`] serialises to, made in one call ([`planned`]).
    /// `key` is the call's idempotency key, which the plan shows (the header carries it).
    pub fn plan(
        &mut self,
        slot: u32,
        timing: AttemptTiming,
        request: HttpRequest,
        key: Option<&str>,
    ) -> JsValue {
        let key_js = key.map_or(JsValue::UNDEFINED, JsValue::from_str);
        let none = JsValue::UNDEFINED;
        let shared = key.is_some() && request.header(VARIES) == key;
        let out = self.request_with(request, if shared { &key_js } else { &none });
        let key = key_js;
        let method = self.method(out.method);
        planned(
            slot,
            timing.wait,
            timing.deadline,
            &method,
            &out.url,
            &out.headers,
            out.body,
            &key,
        )
    }

    /// `GET` or `POST` as a JS string, made once.
    fn method(&mut self, method: &'static str) -> JsValue {
        self.strings(":method", method).1
    }

    /// `request` as it crosses to JS.
    pub fn request(&mut self, request: HttpRequest) -> RequestOut {
        self.request_with(request, &JsValue::UNDEFINED)
    }

    /// [`Self::request`], its idempotency key's string `key` when made already.
    fn request_with(&mut self, request: HttpRequest, key: &JsValue) -> RequestOut {
        let url = match &self.url {
            Some((text, js)) if *text == request.url => js.clone(),
            _ => {
                let js = JsValue::from_str(&request.url);
                self.url = Some((request.url, js.clone()));
                js
            }
        };
        RequestOut {
            headers: self.object(&request.headers, key),
            method: request.method,
            url,
            body: request.body,
        }
    }
}

/// [`HttpRequest`] as the JS loop gets it (its TypeScript is `HttpRequest`'s):
/// `fetch(request.url, request)` sends it.
#[derive(Debug, Clone, Serialize)]
pub struct RequestOut {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// The absolute URL.
    #[serde(with = "serde_wasm_bindgen::preserve")]
    pub url: JsValue,
    /// Header names (lower case) and values. They include the API key: never log them.
    #[serde(with = "serde_wasm_bindgen::preserve")]
    pub headers: JsValue,
    /// The JSON body, when the request has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}
