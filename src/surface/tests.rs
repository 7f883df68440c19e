//! The description agrees with the code that runs.

use super::*;
use crate::client::{ClientError, Options};

#[test]
fn every_planned_operation_has_one_method_of_the_same_name() {
    for op in Op::ALL {
        let methods: Vec<_> = OPERATIONS.iter().filter(|o| o.call == Some(op)).collect();
        assert_eq!(methods.len(), 1, "{op:?}");
        assert_eq!(methods[0].js, op.public_name(), "{op:?}");
    }
}

#[test]
fn a_plain_call_carries_its_arguments_and_call_options_last() {
    for o in OPERATIONS.iter().filter(|o| o.call.is_some()) {
        let last = o.params.last().map(|p| p.carries);
        assert_eq!(last, Some(Carries::CallOptions), "{}", o.js);
        assert!(
            o.params.iter().all(|p| p.carries != Carries::Other),
            "{}",
            o.js
        );
    }
}

#[test]
fn every_option_rust_reads_is_a_field_of_options() {
    for name in client_option_names().chain(call_option_names()) {
        let read: Options = match serde_json::from_str(&format!("{{{name:?}: \"x\"}}")) {
            Ok(o) => o,
            Err(e) => panic!("{name}: {e}"),
        };
        assert_ne!(read, Options::default(), "Options does not read {name}");
    }
    let limits: Options = serde_json::from_str("{\"limits\": \"x\"}").unwrap_or_default();
    assert_ne!(limits, Options::default(), "Options reads limits");
}

#[test]
fn the_list_parameters_are_what_rust_reads_and_what_the_docs_show() {
    use crate::client::plan::Query;
    for name in LIST_QUERY {
        let read: Query = match serde_json::from_str(&format!("{{{name:?}: \"x\"}}")) {
            Ok(q) => q,
            Err(e) => panic!("{name}: {e}"),
        };
        assert_ne!(read, Query::default(), "Query does not read {name}");
    }
    // The parameters each list operation shows in its signature are the ones Rust reads
    // (listAllPayments takes `before` only to refuse it, and does not show it).
    let shown = |js: &str| {
        OPERATIONS
            .iter()
            .find(|o| o.js == js)
            .and_then(|o| o.params.iter().find(|p| p.name == "params"))
            .map(|p| p.shown)
            .unwrap_or_default()
    };
    for name in LIST_QUERY {
        assert!(
            shown("listPayments").contains(&format!("{name}?")),
            "{name}"
        );
    }
    for name in LIST_ALL_PARAMS.iter().filter(|n| **n != "before") {
        assert!(
            shown("listAllPayments").contains(&format!("{name}?")),
            "{name}"
        );
    }
}

/// The field names serde's derive reads for `T`, as it hands them to `deserialize_struct`.
fn serde_fields<T: serde::de::DeserializeOwned>() -> Vec<String> {
    use serde::de::{Deserializer, Visitor};
    #[derive(Debug)]
    struct Fields(String);
    impl std::fmt::Display for Fields {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(&self.0)
        }
    }
    impl std::error::Error for Fields {}
    impl serde::de::Error for Fields {
        fn custom<M: std::fmt::Display>(m: M) -> Self {
            Fields(m.to_string())
        }
    }
    struct Names;
    impl<'de> Deserializer<'de> for Names {
        type Error = Fields;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Fields> {
            Err(Fields(String::new()))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Fields> {
            Err(Fields(fields.join(",")))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }
    match T::deserialize(Names) {
        Err(Fields(names)) => names.split(',').map(str::to_owned).collect(),
        Ok(_) => panic!("not a struct"),
    }
}

#[test]
fn the_names_set_by_name_are_every_field_serde_reads() {
    use crate::client::plan::Query;
    // Read from the derive itself: a field added to Options or Query without its JS name in
    // FIELDS / LIST_QUERY fails here.
    assert_eq!(serde_fields::<Options>(), Options::FIELDS);
    assert_eq!(serde_fields::<Query>(), LIST_QUERY);
}

#[test]
fn options_and_queries_set_by_name_read_as_serde_reads_them() {
    use crate::client::plan::Query;
    use crate::scalar::Scalar;
    // Every name serde's derive reads, set by name, gives what serde gives; no other name sets.
    for name in Options::FIELDS {
        let by_serde: Options = serde_json::from_str(&format!("{{{name:?}: \"x\"}}")).unwrap();
        let mut by_name = Options::default();
        assert!(by_name.set(name, Scalar::Str("x".into())), "{name}");
        assert_eq!(by_name, by_serde, "{name}");
        assert_ne!(by_name, Options::default(), "{name}");
    }
    for name in client_option_names().chain(call_option_names()) {
        assert!(Options::FIELDS.contains(&name), "{name}");
    }
    assert!(!Options::default().set("nope", Scalar::Absent));
    for name in LIST_QUERY {
        let by_serde: Query = serde_json::from_str(&format!("{{{name:?}: 5}}")).unwrap();
        let mut by_name = Query::default();
        assert!(by_name.set(name, Scalar::Num(5.0)), "{name}");
        assert_eq!(by_name, by_serde, "{name}");
    }
    assert!(!Query::default().set("nope", Scalar::Absent));
    // listAllPayments' parameters: each name sets a field of its own.
    use crate::client::list_all::Params;
    let set: Vec<Params> = LIST_ALL_PARAMS
        .iter()
        .map(|name| {
            let mut p = Params::default();
            assert!(p.set(name, Scalar::Num(1.0)), "{name}");
            p
        })
        .collect();
    for (i, a) in set.iter().enumerate() {
        assert_ne!(*a, Params::default());
        assert!(
            set[i + 1..].iter().all(|b| b != a),
            "{}",
            LIST_ALL_PARAMS[i]
        );
    }
    assert!(!Params::default().set("nope", Scalar::Absent));
}

#[test]
fn every_client_error_kind_is_one_class() {
    for (kind, class) in ClientError::CLASSES {
        let classes: Vec<_> = ERROR_CLASSES
            .iter()
            .filter(|c| c.kinds.contains(&kind))
            .collect();
        assert_eq!(classes.len(), 1, "{kind}");
        assert_eq!(classes[0].name, class, "{kind}");
    }
    let kinds: usize = ERROR_CLASSES.iter().map(|c| c.kinds.len()).sum();
    assert_eq!(kinds, ClientError::CLASSES.len());
}

#[test]
fn names_are_unique() {
    let mut names: Vec<_> = OPTIONS.iter().map(|o| o.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), OPTIONS.len());
    let mut methods: Vec<_> = OPERATIONS.iter().map(|o| (o.js, o.is_static)).collect();
    methods.sort_unstable();
    methods.dedup();
    assert_eq!(methods.len(), OPERATIONS.len());
}

#[test]
fn option_docs_state_the_limits_and_defaults_rust_checks() {
    use crate::client::options::{
        DEFAULT_ATTEMPT_TIMEOUT_MS, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS, MAX_RETRIES_LIMIT,
        MAX_TIMEOUT_MS,
    };
    use crate::validate::money::grouped;
    let find = |name: &str| OPTIONS.iter().find(|o| o.name == name);
    for (name, max, default) in [
        ("timeoutMs", MAX_TIMEOUT_MS, DEFAULT_TIMEOUT_MS),
        (
            "attemptTimeoutMs",
            MAX_TIMEOUT_MS,
            DEFAULT_ATTEMPT_TIMEOUT_MS,
        ),
        (
            "maxRetries",
            u64::from(MAX_RETRIES_LIMIT),
            u64::from(DEFAULT_MAX_RETRIES),
        ),
    ] {
        let o = find(name);
        assert!(
            o.is_some_and(|o| o.doc.ends_with(&format!(" to {}", grouped(max)))),
            "{name}'s doc states its limit {max}"
        );
        assert_eq!(
            o.and_then(|o| o.default),
            Some(grouped(default).as_str()),
            "{name}"
        );
    }
    let key = find("idempotencyKey");
    let max = crate::request::IDEMPOTENCY_KEY_MAX;
    assert!(key.is_some_and(|o| o.doc.contains(&format!("1 to {max} "))));
}
