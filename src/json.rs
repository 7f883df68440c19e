//! A borrowed, loosely typed view of a JSON document.
//!
//! Input from JS arrives as JSON text (from `JSON.stringify`, which is native and fast). It is
//! parsed by `serde_json` into [`Json`], which keeps every key and every type so that validation
//! can report *all* problems at once (a typed `Deserialize` would stop at the first). Strings
//! without escapes borrow from the input; objects keep their entries in order, in a `Vec`.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use std::borrow::Cow;
use std::fmt;

/// One JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// Any number. JSON produced by `JSON.stringify` only holds numbers a JS `number` can hold,
    /// so `f64` loses nothing.
    Num(f64),
    /// A string.
    Str(Cow<'a, str>),
    /// An array.
    Arr(Vec<Json<'a>>),
    /// An object, with its entries in document order (duplicates kept).
    Obj(Vec<(Cow<'a, str>, Json<'a>)>),
}

impl<'a> Json<'a> {
    /// Parses JSON text.
    ///
    /// # Errors
    ///
    /// Returns `serde_json`'s error for text that is not JSON (or nested more than 128 deep).
    pub fn parse(text: &'a str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The value of `key` when this is an object (the last one, as `JSON.parse` keeps it).
    /// Never inlined: it is called for each field read, and inlined it repeats its loop there.
    #[inline(never)]
    pub fn get(&self, key: &str) -> Option<&Json<'a>> {
        match self {
            Json::Obj(entries) => entries
                .iter()
                .rev()
                .find(|(k, _)| same(k.as_bytes(), key.as_bytes()))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The JavaScript-style name of this value's type, for messages (`"string"`, `"number"`,
    /// `"boolean"`, `"null"`, `"array"`, `"object"`, and `"bigint"` or `"Date"` for the JS
    /// layer's markers).
    pub fn type_name(&self) -> &'static str {
        match self {
            Json::Obj(e) if e.len() == 1 && e[0].0 == BIGINT_MARKER => "bigint",
            Json::Obj(e) if e.len() == 1 && e[0].0 == DATE_MARKER => "Date",
            Json::Null => "null",
            Json::Bool(_) => "boolean",
            Json::Num(_) => "number",
            Json::Str(_) => "string",
            Json::Arr(_) => "array",
            Json::Obj(_) => "object",
        }
    }

    /// The same value, owning its strings.
    pub fn into_owned(self) -> Json<'static> {
        let own = |c: Cow<'_, str>| Cow::Owned(c.into_owned());
        match self {
            Json::Null => Json::Null,
            Json::Bool(b) => Json::Bool(b),
            Json::Num(n) => Json::Num(n),
            Json::Str(s) => Json::Str(own(s)),
            Json::Arr(items) => Json::Arr(items.into_iter().map(Json::into_owned).collect()),
            Json::Obj(entries) => Json::Obj(
                entries
                    .into_iter()
                    .map(|(k, v)| (own(k), v.into_owned()))
                    .collect(),
            ),
        }
    }

    /// Applies `f` to every string (keys and values), replacing those it answers for.
    pub fn rewrite_strings(&mut self, f: &impl Fn(&str) -> Option<String>) {
        match self {
            Json::Str(s) => {
                if let Some(new) = f(s) {
                    *s = Cow::Owned(new);
                }
            }
            Json::Arr(items) => items.iter_mut().for_each(|i| i.rewrite_strings(f)),
            Json::Obj(entries) => {
                for (k, v) in entries {
                    if let Some(new) = f(k) {
                        *k = Cow::Owned(new);
                    }
                    v.rewrite_strings(f);
                }
            }
            Json::Null | Json::Bool(_) | Json::Num(_) => {}
        }
    }

    /// A JS `Date` the JS layer marked: `Some(Some(iso))` for a valid one, `Some(None)` for an
    /// invalid one (its time is `NaN`), `None` for any other value.
    pub fn js_date(&self) -> Option<Option<&str>> {
        match self {
            Json::Obj(e) if e.len() == 1 && e[0].0 == DATE_MARKER => match &e[0].1 {
                Json::Str(iso) => Some(Some(iso)),
                _ => Some(None),
            },
            _ => None,
        }
    }
}

/// Writes the value back as it was read (entries in order; non-finite numbers as `null`).
impl Serialize for Json<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Null => s.serialize_unit(),
            Json::Bool(b) => s.serialize_bool(*b),
            Json::Num(n) if !n.is_finite() => s.serialize_unit(),
            Json::Num(n) if n.fract() == 0.0 && n.abs() < 9e15 => s.serialize_i64(*n as i64),
            Json::Num(n) => s.serialize_f64(*n),
            Json::Str(v) => s.serialize_str(v),
            Json::Arr(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for i in items {
                    seq.serialize_element(i)?;
                }
                seq.end()
            }
            Json::Obj(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

/// The key of the one-entry object the JS layer writes for a `BigInt` (which `JSON.stringify`
/// cannot write), so that messages can name the type.
pub const BIGINT_MARKER: &str = "\u{0}bigint";
/// The key of the one-entry object the JS layer writes for a `Date`: `{"\0date": "<ISO>"}`, or
/// `{"\0date": null}` for an invalid `Date` (which `JSON.stringify` would write as `null`, that
/// is "absent").
pub const DATE_MARKER: &str = "\u{0}date";
/// The key of the one-entry object the JS layer writes for `NaN`, `Infinity` or `-Infinity`
/// (which `JSON.stringify` would write as `null`): `{"\0number": "NaN"}`. It is read back as
/// that number, so every number rule sees what the user passed.
pub const NUMBER_MARKER: &str = "\u{0}number";

/// What the JS layer hands over: JSON text from `JSON.stringify`; `""` when that gave
/// `undefined` (for `undefined`, a function or a symbol); `"\0"` followed by the reason when the
/// value could not be written as JSON at all (a cycle, a getter that throws).
///
/// # Errors
///
/// The JS type name (`"undefined"`) or the reason, for a message.
pub fn from_js(text: &str) -> Result<Json<'_>, String> {
    if text.is_empty() {
        return Err("undefined".to_owned());
    }
    if let Some(reason) = text.strip_prefix('\0') {
        return Err(format!("a value that cannot be read as JSON ({reason})"));
    }
    let parsed = match well_formed(text) {
        Cow::Borrowed(t) => Json::parse(t),
        Cow::Owned(t) => Json::parse(&t).map(Json::into_owned),
    };
    parsed.map_err(|e| format!("text that is not JSON ({e})"))
}

/// `JSON.stringify`'s text with every lone UTF-16 surrogate (`\ud800` with no pair, which a JS
/// string may hold and UTF-8 cannot) written as U+FFFD — what `TextEncoder` and `fetch` send
/// for it, and what the fast path sees: one behaviour on every path. It still counts as one
/// character.
pub fn well_formed(text: &str) -> Cow<'_, str> {
    if !text.contains("\\u") {
        return Cow::Borrowed(text);
    }
    let b = text.as_bytes();
    let code = |i: usize| -> Option<u16> {
        let hex = text.get(i..i + 4)?;
        if hex.bytes().all(|c| c.is_ascii_hexdigit()) {
            u16::from_str_radix(hex, 16).ok()
        } else {
            None
        }
    };
    let mut out = String::with_capacity(text.len());
    let (mut i, mut copied) = (0, 0);
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        if b.get(i + 1) != Some(&b'u') {
            i += 2; // another escape (a backslash among them): skip it whole
            continue;
        }
        let unit = code(i + 2);
        let paired = |u: u16| {
            (0xd800..0xdc00).contains(&u)
                && b.get(i + 6) == Some(&b'\\')
                && b.get(i + 7) == Some(&b'u')
                && code(i + 8).is_some_and(|l| (0xdc00..0xe000).contains(&l))
        };
        match unit {
            Some(u) if paired(u) => i += 12,
            Some(u) if (0xd800..0xe000).contains(&u) => {
                out.push_str(&text[copied..i]);
                out.push_str("\\ufffd");
                i += 6;
                copied = i;
            }
            _ => i += 6,
        }
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

impl<'de: 'a, 'a> Deserialize<'de> for Json<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Json::Null)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Json::Num(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Json::Num(v as f64))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Json::Num(v))
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Json::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Json::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Json::Str(Cow::Owned(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Arr(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
        while let Some(key) = map.next_key::<Key<'de>>()? {
            entries.push((key.0, map.next_value()?));
        }
        if let [(k, Json::Str(n))] = entries.as_slice() {
            if k == NUMBER_MARKER {
                match n.as_ref() {
                    "NaN" => return Ok(Json::Num(f64::NAN)),
                    "Infinity" => return Ok(Json::Num(f64::INFINITY)),
                    "-Infinity" => return Ok(Json::Num(f64::NEG_INFINITY)),
                    _ => {}
                }
            }
        }
        Ok(Json::Obj(entries))
    }
}

/// An object key, borrowed when it has no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Key<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// Whether the bytes `a` and `b` are equal: of the same length and compared eight bytes at a
/// time. `==` on bytes calls wasm's `memcmp`, a loop over single bytes: in Node, a third of the
/// time Rust took to read a 1 KB payment (profiled).
#[inline]
pub fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut a8, mut b8) = (a.chunks_exact(8), b.chunks_exact(8));
    a8.by_ref()
        .zip(b8.by_ref())
        .all(|(x, y)| word(x) == word(y))
        && a8.remainder() == b8.remainder()
}

/// Whether the strings `a` and `b` are equal, at compile time (for finding a name's index in a
/// table of names in a `const`).
pub(crate) const fn const_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut j = 0;
    while j < a.len() && a[j] == b[j] {
        j += 1;
    }
    j == a.len()
}

/// An eight-byte chunk as a number.
#[inline]
pub(crate) fn word(c: &[u8]) -> u64 {
    let mut w = [0; 8];
    w.copy_from_slice(c);
    u64::from_le_bytes(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_type_and_borrows_plain_strings() {
        let text = r#"{"a":null,"b":true,"c":1.5,"d":"x","e":[1,"y"],"f":{"g":"h\n"}}"#;
        let j = Json::parse(text).unwrap();
        let Json::Obj(entries) = j else {
            panic!("not an object")
        };
        let names: Vec<_> = entries
            .iter()
            .map(|(k, v)| (k.as_ref(), v.type_name()))
            .collect();
        assert_eq!(
            names,
            [
                ("a", "null"),
                ("b", "boolean"),
                ("c", "number"),
                ("d", "string"),
                ("e", "array"),
                ("f", "object")
            ]
        );
        assert!(matches!(&entries[3].1, Json::Str(Cow::Borrowed("x"))));
        let Json::Obj(inner) = &entries[5].1 else {
            panic!()
        };
        assert!(matches!(&inner[0].1, Json::Str(Cow::Owned(s)) if s == "h\n"));
    }

    #[test]
    fn keeps_duplicate_keys_and_order() {
        let Json::Obj(e) = Json::parse(r#"{"b":1,"a":2,"b":3}"#).unwrap() else {
            panic!()
        };
        assert_eq!(
            e.iter().map(|(k, _)| k.as_ref()).collect::<Vec<_>>(),
            ["b", "a", "b"]
        );
    }

    #[test]
    fn writes_back_what_it_read_and_rewrites_strings() {
        let text = r#"{"b":[1,2.5,"x",null,true],"a":{"k":"secret"}}"#;
        let mut j = Json::parse(text).unwrap().into_owned();
        assert_eq!(serde_json::to_string(&j).unwrap(), text);
        j.rewrite_strings(&|s: &str| (s == "secret").then(|| "<x>".to_owned()));
        assert!(serde_json::to_string(&j).unwrap().contains(r#""k":"<x>""#));
    }

    #[test]
    fn reads_the_js_layers_markers() {
        let j = Json::parse(r#"[{"\u0000number":"NaN"},{"\u0000number":"-Infinity"},{"\u0000number":"5"},{"\u0000date":"2023-12-31T00:00:00.000Z"},{"\u0000date":null},{"\u0000bigint":"1"}]"#).unwrap();
        let Json::Arr(items) = j else { panic!() };
        assert!(matches!(items[0], Json::Num(n) if n.is_nan()));
        assert_eq!(items[1], Json::Num(f64::NEG_INFINITY));
        assert_eq!(
            items[2].type_name(),
            "object",
            "only the three non-finite numbers"
        );
        assert_eq!(items[3].js_date(), Some(Some("2023-12-31T00:00:00.000Z")));
        assert_eq!(items[3].type_name(), "Date");
        assert_eq!(items[4].js_date(), Some(None));
        assert_eq!(items[5].type_name(), "bigint");
        assert_eq!(items[5].js_date(), None);
    }

    #[test]
    fn lone_surrogates_read_as_the_replacement_character() {
        assert_eq!(well_formed(r#"{"a":"x"}"#), r#"{"a":"x"}"#);
        assert_eq!(well_formed(r#""Tan \ud800""#), r#""Tan \ufffd""#);
        assert_eq!(
            well_formed(r#""\udc00\ud83d\ude00\ud83d""#),
            r#""\ufffd\ud83d\ude00\ufffd""#
        );
        assert_eq!(
            well_formed(r#""\\ud800""#),
            r#""\\ud800""#,
            "an escaped backslash"
        );
        assert_eq!(
            well_formed(r#"{"\ud800":"\u0041"}"#),
            r#"{"\ufffd":"\u0041"}"#
        );
        let Ok(Json::Str(s)) = from_js(r#""Tan \ud800""#) else {
            panic!()
        };
        assert_eq!(s, "Tan \u{fffd}");
        assert!(from_js(r#""\ud800"#).is_err(), "still not JSON when cut");
    }

    #[test]
    fn rejects_bad_text_and_deep_nesting_without_panicking() {
        assert!(Json::parse("{").is_err());
        assert!(Json::parse("").is_err());
        assert!(Json::parse("NaN").is_err());
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(Json::parse(&deep).is_err());
    }
}
