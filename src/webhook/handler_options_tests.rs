use super::*;

fn number(value: f64) -> NumberGiven<'static> {
    NumberGiven {
        kind: "number",
        value,
        shown: "x",
    }
}

fn args() -> HandlerArgs<'static> {
    HandlerArgs {
        options: "object",
        secret: Secret {
            kind: "string",
            len: 5.0,
        },
        store: "object",
        store_methods: ["function"; 3],
        on_event: "function",
        client: "undefined",
        get_payment: "undefined",
        tolerance: number(300.0),
        lease: number(60_000.0),
    }
}

fn fields(r: Option<Refusal>) -> Vec<(String, &'static str)> {
    match r {
        Some(Refusal::Validation { errors, .. }) => errors
            .into_iter()
            .map(|e| (e.field, e.code.as_str()))
            .collect(),
        Some(Refusal::Signature(f)) => vec![(String::new(), f.reason.as_str())],
        None => Vec::new(),
    }
}

fn f(field: &str, code: &'static str) -> Vec<(String, &'static str)> {
    vec![(field.to_owned(), code)]
}

#[test]
fn good_options_pass() {
    assert_eq!(handler_refusal(&args()), None);
    let with_client = HandlerArgs {
        client: "object",
        get_payment: "function",
        ..args()
    };
    assert_eq!(handler_refusal(&with_client), None);
}

#[test]
fn options_must_be_a_readable_object() {
    for kind in ["null", "undefined", "function", "string"] {
        let a = HandlerArgs {
            options: kind,
            ..args()
        };
        assert_eq!(fields(handler_refusal(&a)), f("options", "invalid_type"));
    }
    let a = HandlerArgs {
        options: UNREADABLE,
        ..args()
    };
    assert_eq!(fields(handler_refusal(&a)), f("options", "invalid_type"));
    let a = HandlerArgs {
        store: UNREADABLE,
        ..args()
    };
    assert_eq!(fields(handler_refusal(&a)), f("store", "invalid_type"));
    let a = HandlerArgs {
        client: UNREADABLE,
        ..args()
    };
    assert_eq!(fields(handler_refusal(&a)), f("client", "invalid_type"));
}

#[test]
fn secret_missing_is_required_other_kinds_invalid() {
    let missing = Secret {
        kind: "undefined",
        len: 0.0,
    };
    let empty = Secret {
        kind: "string",
        len: 0.0,
    };
    let number = Secret {
        kind: "number",
        len: 0.0,
    };
    for (s, code) in [
        (missing, "required"),
        (empty, "required"),
        (number, "invalid_type"),
    ] {
        let a = HandlerArgs {
            secret: s,
            ..args()
        };
        assert_eq!(fields(handler_refusal(&a)), f("secret", code));
    }
}

#[test]
fn every_store_method_and_on_event_and_client() {
    let a = HandlerArgs {
        store: "null",
        ..args()
    };
    let all = fields(handler_refusal(&a));
    assert_eq!(all.len(), 3);
    let a = HandlerArgs {
        store_methods: ["function", "undefined", "function"],
        ..args()
    };
    assert_eq!(fields(handler_refusal(&a)), f("store.complete", "required"));
    let a = HandlerArgs {
        on_event: "undefined",
        ..args()
    };
    assert_eq!(fields(handler_refusal(&a)), f("onEvent", "required"));
    let a = HandlerArgs {
        on_event: "null",
        ..args()
    };
    assert_eq!(fields(handler_refusal(&a)), f("onEvent", "invalid_type"));
    let a = HandlerArgs {
        client: "null",
        ..args()
    };
    assert_eq!(fields(handler_refusal(&a)), f("client", "invalid_type"));
    let a = HandlerArgs {
        client: "object",
        get_payment: "undefined",
        ..args()
    };
    assert_eq!(fields(handler_refusal(&a)), f("client", "invalid_type"));
}

#[test]
fn tolerance_from_zero_to_the_late_limit() {
    let limit = f64::from(LATE_LIMIT_S);
    for t in [0.0, limit] {
        let a = HandlerArgs {
            tolerance: number(t),
            ..args()
        };
        assert_eq!(handler_refusal(&a), None);
    }
    for t in [-0.5, limit + 0.5, f64::NAN, f64::INFINITY] {
        let a = HandlerArgs {
            tolerance: number(t),
            ..args()
        };
        assert_eq!(
            fields(handler_refusal(&a)),
            f("toleranceSeconds", "out_of_range")
        );
    }
}

#[test]
fn lease_whole_from_one_second_to_an_hour() {
    for l in [f64::from(LEASE_MIN_MS), f64::from(LEASE_MAX_MS)] {
        let a = HandlerArgs {
            lease: number(l),
            ..args()
        };
        assert_eq!(handler_refusal(&a), None);
    }
    for l in [999.0, 3_600_001.0, 1500.5, f64::NAN, f64::INFINITY] {
        let a = HandlerArgs {
            lease: number(l),
            ..args()
        };
        assert_eq!(fields(handler_refusal(&a)), f("leaseMs", "out_of_range"));
    }
    let a = HandlerArgs {
        lease: NumberGiven {
            kind: "string",
            value: 0.0,
            shown: "5000",
        },
        ..args()
    };
    let r = handler_refusal(&a).map(|r| r.to_json()).unwrap_or_default();
    assert!(r.contains("it is 5000"), "{r}");
}

#[test]
fn memory_store_keep_done_above_zero() {
    assert_eq!(memory_store_refusal("undefined", None), None);
    assert_eq!(memory_store_refusal("object", Some(number(1.0))), None);
    for k in [0.0, -1.0, f64::INFINITY, f64::NAN] {
        assert_eq!(
            fields(memory_store_refusal("object", Some(number(k)))),
            f("keepDoneMs", "out_of_range")
        );
    }
    assert_eq!(
        fields(memory_store_refusal(UNREADABLE, None)),
        f("options", "invalid_type")
    );
}

#[test]
fn durable_object_store_needs_a_namespace() {
    assert_eq!(durable_object_store_refusal(true, "object"), None);
    let r = durable_object_store_refusal(false, "object")
        .map(|r| r.to_json())
        .unwrap_or_default();
    assert!(r.contains("it was given object without them"), "{r}");
    let r = durable_object_store_refusal(false, "null")
        .map(|r| r.to_json())
        .unwrap_or_default();
    assert!(r.contains("it was given null\""), "{r}");
}
