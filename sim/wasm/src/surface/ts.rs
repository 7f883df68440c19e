//! The machinery of the generated declarations ([`super::types`]): a Rust type's TypeScript as
//! serde_json writes it ([`Ts`]), and an interface whose fields take their types from the Rust
//! struct they describe ([`interface!`]), so that a field added, removed or retyped in Rust
//! changes the declarations (or, for a field the table does not name, fails the build).

use std::collections::BTreeMap;

/// A Rust type's TypeScript, as serde_json writes the type.
pub(crate) trait Ts {
    /// The TypeScript type.
    fn ts() -> String;
}

macro_rules! ts_as {
    ($ts:literal: $($ty:ty),+) => {
        $(impl Ts for $ty {
            fn ts() -> String {
                $ts.to_owned()
            }
        })+
    };
}
pub(crate) use ts_as;

ts_as!("string": String, str);
ts_as!("number": u16, u32, u64, usize, i64, f64);
ts_as!("boolean": bool);
ts_as!("Record<string, string>": paysg::model::Pairs);

impl<T: Ts + ?Sized> Ts for &T {
    fn ts() -> String {
        T::ts()
    }
}

impl<T: Ts> Ts for Option<T> {
    fn ts() -> String {
        format!("{} | null", T::ts())
    }
}

impl<T: Ts> Ts for Vec<T> {
    fn ts() -> String {
        format!("Array<{}>", T::ts())
    }
}

impl<T: Ts> Ts for BTreeMap<String, T> {
    fn ts() -> String {
        format!("Record<string, {}>", T::ts())
    }
}

/// One property of a declared interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Field {
    /// Its name, as serialised.
    pub(crate) name: &'static str,
    /// Its documentation (one line).
    pub(crate) doc: &'static str,
    /// The TypeScript of its Rust type (of the `Option`'s content when `optional`).
    pub(crate) rust: String,
    /// A narrower TypeScript type than the Rust type's (a string's known values), if any.
    pub(crate) refined: Option<&'static str>,
    /// Left out when absent (`skip_serializing_if = "Option::is_none"`) rather than `null`.
    pub(crate) optional: bool,
}

impl Field {
    /// A property whose type is the Rust type `T`'s.
    pub(crate) fn of<T: Ts + ?Sized>(name: &'static str, doc: &'static str) -> Field {
        Field {
            name,
            doc,
            rust: T::ts(),
            refined: None,
            optional: false,
        }
    }

    /// The TypeScript declared.
    pub(crate) fn ts(&self) -> &str {
        self.refined.unwrap_or(&self.rust)
    }
}

/// The TypeScript of the field `get` reads of `S`.
pub(crate) fn field_ts<S, T: Ts + ?Sized>(_get: impl Fn(&S) -> &T) -> String {
    T::ts()
}

/// The TypeScript of what `get` returns of `S` (a value computed, not a field).
pub(crate) fn returned_ts<S, T: Ts>(_get: impl Fn(&S) -> T) -> String {
    T::ts()
}

/// The TypeScript of the content of the `Option` field `get` reads of `S`.
pub(crate) fn optional_ts<S, T: Ts>(_get: impl Fn(&S) -> &Option<T>) -> String {
    T::ts()
}

/// One declared interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Interface {
    /// Its TypeScript name.
    pub(crate) name: String,
    /// Its documentation (one line).
    pub(crate) doc: &'static str,
    /// Its properties, in serialisation order.
    pub(crate) fields: Vec<Field>,
}

impl Interface {
    /// `/** doc */ export interface Name { … }`, two spaces in.
    pub(crate) fn render(&self) -> String {
        let mut out = format!("/** {} */\nexport interface {} {{\n", self.doc, self.name);
        for f in &self.fields {
            let q = if f.optional { "?" } else { "" };
            out.push_str(&format!(
                "  /** {} */\n  {}{q}: {};\n",
                f.doc,
                f.name,
                f.ts()
            ));
        }
        out.push_str("}\n");
        out
    }
}

/// Whether an optional token was given.
macro_rules! given {
    () => {
        false
    };
    ($x:tt) => {
        true
    };
}
pub(crate) use given;

/// The [`Interface`] of the Rust struct `$ty`, named by its [`Ts`] impl: every field, each with
/// its documentation, optionally a refined type (`field("…")`) or `[optional]` (serde skips it
/// when `None`). Listing every field is checked by the compiler (an exhaustive pattern).
macro_rules! interface {
    ($ty:path, $doc:literal {
        $($field:ident $(($refined:expr))? $([$optional:ident])?: $fdoc:literal),* $(,)?
    }) => {{
        /// Every field of the struct is declared: one added in Rust fails this pattern.
        #[allow(dead_code)]
        fn exhaustive(value: &$ty) {
            let $ty { $($field: _),* } = value;
        }
        $crate::surface::ts::Interface {
            name: <$ty as $crate::surface::ts::Ts>::ts(),
            doc: $doc,
            fields: vec![$($crate::surface::ts::Field {
                name: stringify!($field),
                doc: $fdoc,
                rust: $crate::surface::ts::interface!(@ts $ty, $field $([$optional])?),
                refined: $crate::surface::ts::interface!(@refined $($refined)?),
                optional: $crate::surface::ts::given!($($optional)?),
            }),*],
        }
    }};
    (@ts $ty:path, $field:ident) => {
        $crate::surface::ts::field_ts(|v: &$ty| &v.$field)
    };
    (@ts $ty:path, $field:ident [$optional:ident]) => {
        $crate::surface::ts::optional_ts(|v: &$ty| &v.$field)
    };
    (@refined) => {
        None
    };
    (@refined $refined:expr) => {
        Some($refined)
    };
}
pub(crate) use interface;
