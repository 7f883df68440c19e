//! A request as it crosses to the JS loop: [`HttpRequest`] through serde-wasm-bindgen, except
//! its headers, which are made into a JS object here from strings the client keeps. Every
//! string that crosses is decoded by a `TextDecoder` call; the API key's header, the content
//! types and the client header are the same on every request of a client, so they are made
//! once, and so is the URL a client last sent to (all its creates go to one).

use paysg::request::HttpRequest;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The header whose value differs on every request (kept out of [`HeaderStrings`]).
const VARIES: &str = "idempotency-key";

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
    fn object(&mut self, headers: &[(&'static str, String)]) -> JsValue {
        let object: HeaderObject = js_sys::Object::new().unchecked_into();
        for (name, value) in headers {
            let (name_js, value_js) = self.strings(name, value);
            object.set(&name_js, &value_js);
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

    /// `request` as it crosses to JS.
    pub fn request(&mut self, request: HttpRequest) -> RequestOut {
        let url = match &self.url {
            Some((text, js)) if *text == request.url => js.clone(),
            _ => {
                let js = JsValue::from_str(&request.url);
                self.url = Some((request.url, js.clone()));
                js
            }
        };
        RequestOut {
            headers: self.object(&request.headers),
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
