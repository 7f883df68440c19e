use super::*;

const GOOD_SECRET: Secret<'static> = Secret {
    kind: "string",
    len: 10.0,
};

fn args() -> VerifyArgs<'static> {
    VerifyArgs {
        secret: GOOD_SECRET,
        options: "object",
        tolerance: ("number", 300.0),
        now: ("number", 1.7e12),
        header: TEXT,
        body: "string",
        body_size: 10.0,
    }
}

fn field(r: Option<Refusal>) -> (String, &'static str) {
    match r {
        Some(Refusal::Validation { errors, .. }) => {
            (errors[0].field.clone(), errors[0].code.as_str())
        }
        Some(Refusal::Signature(f)) => (String::new(), f.reason.as_str()),
        None => (String::new(), "accepted"),
    }
}

#[test]
fn good_arguments_pass() {
    assert_eq!(verify_refusal(&args()), None);
    let bytes = VerifyArgs {
        body: BYTES,
        ..args()
    };
    assert_eq!(verify_refusal(&bytes), None);
}

#[test]
fn secret_must_be_a_non_empty_string() {
    for s in [
        Secret {
            kind: "string",
            len: 0.0,
        },
        Secret {
            kind: "undefined",
            len: 0.0,
        },
        Secret {
            kind: "object",
            len: 0.0,
        },
    ] {
        let a = VerifyArgs {
            secret: s,
            ..args()
        };
        assert_eq!(field(verify_refusal(&a)), ("secret".into(), "invalid_type"));
        assert!(sign_refusal(s, "object", "1", "string").is_some());
        assert!(request_refusal(true, s, "object").is_some());
    }
    let one = Secret {
        kind: "string",
        len: 1.0,
    };
    assert_eq!(
        verify_refusal(&VerifyArgs {
            secret: one,
            ..args()
        }),
        None
    );
}

#[test]
fn tolerance_from_zero_up_infinity_included() {
    for t in [0.0, 1.0, f64::INFINITY] {
        let a = VerifyArgs {
            tolerance: ("number", t),
            ..args()
        };
        assert_eq!(verify_refusal(&a), None);
    }
    for (k, t) in [("number", -0.001), ("number", f64::NAN), ("string", 5.0)] {
        let a = VerifyArgs {
            tolerance: (k, t),
            ..args()
        };
        assert_eq!(
            field(verify_refusal(&a)),
            ("toleranceSeconds".into(), "out_of_range")
        );
    }
}

#[test]
fn now_is_a_finite_number() {
    for (k, n) in [
        ("number", f64::INFINITY),
        ("number", f64::NAN),
        ("object", 0.0),
    ] {
        let a = VerifyArgs {
            now: (k, n),
            ..args()
        };
        assert_eq!(field(verify_refusal(&a)), ("now".into(), "invalid_type"));
    }
    let a = VerifyArgs {
        now: ("number", -1.0),
        ..args()
    };
    assert_eq!(verify_refusal(&a), None);
}

#[test]
fn options_unreadable_header_and_body_kinds() {
    let a = VerifyArgs {
        options: UNREADABLE,
        ..args()
    };
    assert_eq!(
        field(verify_refusal(&a)),
        ("options".into(), "invalid_type")
    );
    let a = VerifyArgs {
        header: NOT_TEXT,
        ..args()
    };
    assert_eq!(
        field(verify_refusal(&a)),
        (String::new(), "malformed_header")
    );
    let a = VerifyArgs {
        header: NOT_A_HEADER,
        ..args()
    };
    assert_eq!(
        field(verify_refusal(&a)),
        ("signatureHeader".into(), "invalid_type")
    );
    for (kind, what) in [
        ("null", "null"),
        ("object", "an object (a parsed body)"),
        ("number", "number"),
    ] {
        let a = VerifyArgs {
            body: kind,
            ..args()
        };
        match verify_refusal(&a) {
            Some(Refusal::Signature(f)) => {
                assert_eq!(f.reason, Reason::InvalidPayload);
                assert!(
                    f.message.starts_with(&format!("the body is {what}:")),
                    "{}",
                    f.message
                );
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn body_size_up_to_the_limit() {
    let max = MAX_BODY_BYTES as f64;
    assert_eq!(
        verify_refusal(&VerifyArgs {
            body_size: max,
            ..args()
        }),
        None
    );
    let a = VerifyArgs {
        body_size: max + 1.0,
        ..args()
    };
    assert_eq!(
        field(verify_refusal(&a)),
        (String::new(), "invalid_payload")
    );
}

#[test]
fn sign_timestamp_one_to_sixteen_digits_and_body() {
    assert_eq!(sign_refusal(GOOD_SECRET, "object", "1", "string"), None);
    assert_eq!(
        sign_refusal(GOOD_SECRET, "object", "1234567890123456", BYTES),
        None
    );
    for ts in ["", "12345678901234567", "1.5", "-1", "1e3"] {
        let r = sign_refusal(GOOD_SECRET, "object", ts, "string");
        assert_eq!(field(r), ("timestamp".into(), "invalid_format"), "{ts}");
    }
    for body in [ARRAY_BUFFER, "object", "undefined"] {
        let r = sign_refusal(GOOD_SECRET, "object", "1", body);
        assert_eq!(field(r), ("rawBody".into(), "invalid_type"));
    }
    let r = sign_refusal(GOOD_SECRET, UNREADABLE, "1", "string");
    assert_eq!(field(r), ("options".into(), "invalid_type"));
}

#[test]
fn request_first_then_secret_and_options() {
    let bad = Secret {
        kind: "number",
        len: 0.0,
    };
    assert_eq!(
        field(request_refusal(false, bad, "object")),
        ("request".into(), "invalid_type")
    );
    assert_eq!(request_refusal(true, GOOD_SECRET, "undefined"), None);
    let r = request_refusal(true, GOOD_SECRET, UNREADABLE);
    assert_eq!(field(r), ("options".into(), "invalid_type"));
}

#[test]
fn refusal_json_names_the_class() {
    let j = verify_refusal(&VerifyArgs {
        header: NOT_A_HEADER,
        ..args()
    })
    .map(|r| r.to_json())
    .unwrap_or_default();
    assert!(j.contains(r#""class":"PaySGValidationError""#), "{j}");
    assert!(j.contains(r#""context":"webhook arguments""#), "{j}");
    let j = verify_refusal(&VerifyArgs {
        body: "null",
        ..args()
    })
    .map(|r| r.to_json())
    .unwrap_or_default();
    assert!(j.contains(r#""class":"PaySGSignatureError""#), "{j}");
}
