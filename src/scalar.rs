//! [`Scalar`]: what a caller passed where a scalar is expected (an option, an id, a query
//! parameter), kept as it is so that Rust checks it and reports every problem, whatever it is.
//!
//! The JS layer hands such values over through serde-wasm-bindgen after making them safe to
//! cross: strings, numbers (`NaN` and `±Infinity` included), booleans, `null` and `undefined` as
//! they are; anything else as a marker object `{ "\0type": "<its type>" }` (an object could be a
//! cycle, a Proxy or have throwing getters, which must not run inside the module). The text
//! paths read the same values from [`Json`].

use crate::json::Json;
use crate::validate::Given;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// The key of the marker object the JS layer writes for a value that is not a scalar.
pub const TYPE_MARKER: &str = "\u{0}type";

/// A value passed where a scalar is expected.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Scalar {
    /// Absent, `undefined` or `null`.
    #[default]
    Absent,
    /// A boolean.
    Bool(bool),
    /// A number.
    Num(f64),
    /// A string.
    Str(String),
    /// Anything else: its JS type, for messages.
    Other(&'static str),
}

/// The JS type names a marker may carry (others read as `"object"`).
const TYPE_NAMES: [&str; 9] = [
    "object",
    "array",
    "function",
    "symbol",
    "bigint",
    "Date",
    "boolean",
    "number",
    "a value whose getter throws",
];

pub(crate) fn type_name(name: &str) -> &'static str {
    if name == "unreadable" {
        return TYPE_NAMES[8];
    }
    TYPE_NAMES
        .iter()
        .find(|t| **t == name)
        .copied()
        .unwrap_or("object")
}

impl Scalar {
    /// The value the JS layer's marker `{ "\0type": name }` stands for: `Other` with the JS type
    /// `name` names (`"unreadable"`: a getter threw), `"object"` for a name it does not know.
    pub fn of_type(name: &str) -> Scalar {
        Scalar::Other(type_name(name))
    }

    /// What the value holds, for the rules (see [`Given`]).
    pub fn given(&self) -> Given<'_> {
        match self {
            Scalar::Absent => Given::Absent,
            Scalar::Str(s) => Given::Str(s),
            Scalar::Num(n) => Given::Num(*n),
            Scalar::Bool(_) => Given::Other("boolean"),
            Scalar::Other(t) => Given::Other(t),
        }
    }

    /// The same value read from a [`Json`] view (the text paths).
    pub fn of(value: Option<&Json<'_>>) -> Self {
        match value {
            None | Some(Json::Null) => Scalar::Absent,
            Some(Json::Bool(b)) => Scalar::Bool(*b),
            Some(Json::Num(n)) => Scalar::Num(*n),
            Some(Json::Str(s)) => Scalar::Str(s.to_string()),
            Some(other) => Scalar::Other(other.type_name()),
        }
    }

    /// The string, when it is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Scalar::Str(s) => Some(s),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Absent)
    }
    fn visit_none<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Absent)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::Num(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar::Num(v as f64))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar::Num(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Str(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other("array"))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        let mut name = "object";
        while let Some(key) = map.next_key::<String>()? {
            if key == TYPE_MARKER {
                name = type_name(&map.next_value::<String>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(Scalar::Other(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_from_json_text_and_markers() {
        let read = |t: &str| serde_json::from_str::<Scalar>(t).unwrap_or(Scalar::Other("?"));
        assert_eq!(read("null"), Scalar::Absent);
        assert_eq!(read("true"), Scalar::Bool(true));
        assert_eq!(read("1.5"), Scalar::Num(1.5));
        assert_eq!(read("\"x\""), Scalar::Str("x".into()));
        assert_eq!(read("[1,[2]]"), Scalar::Other("array"));
        assert_eq!(read(r#"{"a":{"b":1}}"#), Scalar::Other("object"));
        assert_eq!(read(r#"{"\u0000type":"symbol"}"#), Scalar::Other("symbol"));
        assert_eq!(
            read(r#"{"\u0000type":"nonsense"}"#),
            Scalar::Other("object")
        );
        assert_eq!(Scalar::Bool(true).given(), Given::Other("boolean"));
        let j = Json::parse(r#"{"k":[1]}"#).unwrap_or(Json::Null);
        assert_eq!(Scalar::of(j.get("k")), Scalar::Other("array"));
        assert_eq!(Scalar::of(j.get("missing")), Scalar::Absent);
    }
}
