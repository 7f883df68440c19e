//! The payer's return: the URL read as `URLSearchParams` reads it, and the decision whether its
//! payment may be confirmed for the order (`paysg::client::returns`).

use paysg::client::plan::{Call, Query};
use paysg::client::returns::{
    self, check_payment, check_service, parse_return_url, read_expected, Expected, MAX_ID_BYTES,
};
use paysg::client::{answer, ClientError, Op, Options, Received, Shape, Step};
use paysg::request::ApiKey;
use paysg::scalar::Scalar;

const SVC: &str = "payment_service_1";

fn url(query: &str) -> String {
    format!("https://agency.gov.sg/back?{query}")
}

fn ok(query: &str) -> (String, String) {
    parse_return_url(&url(query)).unwrap()
}

/// `(field, code)` of each problem.
fn problems(query: &str) -> Vec<(String, &'static str)> {
    parse_return_url(&url(query))
        .unwrap_err()
        .into_iter()
        .map(|e| (e.field, e.code.as_str()))
        .collect()
}

#[test]
fn both_ids_are_read_wherever_they_are() {
    let want = ("Zb-z".to_owned(), SVC.to_owned());
    assert_eq!(
        ok(&format!(
            "x=1&paysg_payment_id=Zb%2Dz&paysg_payment_service_id={SVC}"
        )),
        want
    );
    for u in [
        format!("/back?paysg_payment_service_id={SVC}&paysg_payment_id=Zb-z"),
        format!("https://a.sg/back?paysg_payment_id=Zb-z&&paysg_payment_service_id={SVC}#top"),
        format!("  https://a.sg/b\nack?paysg_payment_id=Z\tb-z&paysg_payment_service_id={SVC}\r\n"),
    ] {
        assert_eq!(parse_return_url(&u).unwrap(), want, "{u:?}");
    }
    // A `?` inside the fragment is no query.
    assert_eq!(
        parse_return_url(&format!(
            "https://a.sg/#?paysg_payment_id=a&paysg_payment_service_id={SVC}"
        ))
        .unwrap_err()
        .len(),
        2
    );
}

#[test]
fn names_and_values_are_decoded_as_url_search_params_does() {
    // Percent-encoded names are the same parameter.
    assert_eq!(
        ok(&format!(
            "paysg%5Fpayment%5Fid=abc&paysg_payment_service_%69d={SVC}"
        ))
        .0,
        "abc"
    );
    // `+` is a space (so not an id); `%2B` is a plus.
    assert_eq!(
        problems(&format!(
            "paysg_payment_id=a+b&paysg_payment_service_id={SVC}"
        )),
        [("paysg_payment_id".to_owned(), "invalid_format")]
    );
    assert_eq!(
        ok(&format!(
            "paysg_payment_id=a%2Bb&paysg_payment_service_id={SVC}"
        ))
        .0,
        "a+b"
    );
    // A malformed escape stays as it is; bytes that are not UTF-8 become U+FFFD.
    assert_eq!(
        ok(&format!(
            "paysg_payment_id=a%ZZ%4&paysg_payment_service_id={SVC}"
        ))
        .0,
        "a%ZZ%4"
    );
    assert_eq!(
        ok(&format!(
            "paysg_payment_id=a%FF%E2%82&paysg_payment_service_id={SVC}"
        ))
        .0,
        "a\u{fffd}\u{fffd}"
    );
    assert_eq!(
        ok(&format!(
            "paysg_payment_id=%C3%A9&paysg_payment_service_id={SVC}"
        ))
        .0,
        "é"
    );
    // A name without `=` has an empty value.
    assert_eq!(
        problems(&format!("paysg_payment_id&paysg_payment_service_id={SVC}")),
        [("paysg_payment_id".to_owned(), "invalid_format")]
    );
}

#[test]
fn a_parameter_given_twice_is_refused_naming_it() {
    for q in [
        format!("paysg_payment_id=A&paysg_payment_id=B&paysg_payment_service_id={SVC}"),
        format!("paysg_payment_id=A&paysg_payment_id=A&paysg_payment_service_id={SVC}"),
        format!("paysg_payment_id=A&paysg%5Fpayment_id=B&paysg_payment_service_id={SVC}"),
        format!("paysg_payment_id=A&paysg_payment_service_id={SVC}&paysg_payment_id="),
    ] {
        let e = parse_return_url(&url(&q)).unwrap_err();
        assert_eq!(e.len(), 1, "{q}");
        assert_eq!(e[0].field, "paysg_payment_id", "{q}");
        assert_eq!(e[0].code.as_str(), "invalid_format");
        assert!(e[0].message.contains("2 times"), "{}", e[0].message);
    }
    let e = problems(&format!(
        "paysg_payment_id=A&paysg_payment_service_id={SVC}&paysg_payment_service_id=payment_service_2&paysg_payment_service_id={SVC}"
    ));
    assert_eq!(
        e,
        [("paysg_payment_service_id".to_owned(), "invalid_format")]
    );
}

#[test]
fn missing_empty_and_malformed_ids_are_named() {
    assert_eq!(
        problems("x=1"),
        [
            ("paysg_payment_id".to_owned(), "required"),
            ("paysg_payment_service_id".to_owned(), "required")
        ]
    );
    assert_eq!(
        problems("paysg_payment_id=&paysg_payment_service_id=svc"),
        [
            ("paysg_payment_id".to_owned(), "invalid_format"),
            ("paysg_payment_service_id".to_owned(), "invalid_format")
        ]
    );
    assert_eq!(
        problems(&format!(
            "paysg_payment_id=a%20b&paysg_payment_service_id={SVC}"
        )),
        [("paysg_payment_id".to_owned(), "invalid_format")]
    );
    assert_eq!(
        problems(&format!(
            "paysg_payment_id=a%00b&paysg_payment_service_id={SVC}"
        )),
        [("paysg_payment_id".to_owned(), "invalid_format")]
    );
    // The length limit, both sides.
    let at = "a".repeat(MAX_ID_BYTES);
    assert_eq!(
        ok(&format!(
            "paysg_payment_id={at}&paysg_payment_service_id={SVC}"
        ))
        .0,
        at
    );
    assert_eq!(
        problems(&format!(
            "paysg_payment_id={at}a&paysg_payment_service_id={SVC}"
        )),
        [("paysg_payment_id".to_owned(), "invalid_format")]
    );
}

fn expected(text: &str) -> Result<Expected, Vec<(String, &'static str, String)>> {
    read_expected(text).map_err(|e| {
        e.into_iter()
            .map(|e| (e.field, e.code.as_str(), e.message))
            .collect()
    })
}

#[test]
fn expected_is_required_and_says_why() {
    let e = expected("").unwrap_err();
    assert_eq!((e[0].0.as_str(), e[0].1), ("expected", "required"));
    assert!(
        e[0].2.contains("{ paymentId } or { referenceId }"),
        "{}",
        e[0].2
    );
    assert!(e[0].2.contains("replayed"), "{}", e[0].2);
    let e = expected("{}").unwrap_err();
    assert_eq!((e[0].0.as_str(), e[0].1), ("expected", "required"));
    let e = expected(r#"{"type":"string"}"#).unwrap_err();
    assert_eq!((e[0].0.as_str(), e[0].1), ("expected", "invalid_type"));
    assert!(e[0].2.contains("got string"), "{}", e[0].2);
    assert_eq!(expected("[]").unwrap_err()[0].1, "invalid_type");
    let e = expected(r#"{"paymentId":" ","referenceId":7}"#).unwrap_err();
    assert_eq!(
        e.iter().map(|p| (p.0.as_str(), p.1)).collect::<Vec<_>>(),
        [
            ("expected.paymentId", "empty"),
            ("expected.referenceId", "invalid_type")
        ]
    );
    assert!(e[1].2.contains("got number"), "{}", e[1].2);
    assert_eq!(
        expected(r#"{"paymentId":"p1"}"#).unwrap(),
        Expected {
            payment_id: Some("p1".into()),
            reference_id: None
        }
    );
    assert_eq!(
        expected(r#"{"referenceId":"ORDER-1","paymentId":null}"#).unwrap(),
        Expected {
            payment_id: None,
            reference_id: Some("ORDER-1".into())
        }
    );
}

fn payment(id: &str, reference: &str, refund: &str, fully_at: Option<&str>) -> String {
    serde_json::json!({ "id": id, "reference_id": reference, "refund_status": refund, "payment_fully_refunded_timestamp": fully_at }).to_string()
}

fn decide(exp: &Expected, payment: &str) -> Result<(), &'static str> {
    check_payment(
        exp,
        &serde_json::from_str::<Shape>(payment).unwrap().returned(),
    )
    .map_err(|r| r.code)
}

#[test]
fn only_the_expected_payment_is_confirmed() {
    let by_id = Expected {
        payment_id: Some("PAY_B".into()),
        reference_id: None,
    };
    let by_ref = Expected {
        payment_id: None,
        reference_id: Some("ORDER-B".into()),
    };
    let both = Expected {
        payment_id: Some("PAY_B".into()),
        reference_id: Some("ORDER-B".into()),
    };
    let b = payment("PAY_B", "ORDER-B", "not_refunded", None);
    let a = payment("PAY_A", "ORDER-A", "not_refunded", None);
    for exp in [&by_id, &by_ref, &both] {
        assert_eq!(decide(exp, &b), Ok(()));
        assert_eq!(decide(exp, &a), Err("payment_mismatch"));
    }
    // Both given: both must match.
    assert_eq!(
        decide(&both, &payment("PAY_B", "ORDER-A", "not_refunded", None)),
        Err("payment_mismatch")
    );
    // The refusal names the URL's payment and the expected value, not the other's reference.
    let r = check_payment(
        &by_ref,
        &serde_json::from_str::<Shape>(&a).unwrap().returned(),
    )
    .unwrap_err();
    assert!(
        r.message.contains("PAY_A") && r.message.contains("ORDER-B"),
        "{}",
        r.message
    );
    assert!(!r.message.contains("ORDER-A"), "{}", r.message);
    // A payment without the fields is not the expected one.
    assert_eq!(decide(&by_id, "{}"), Err("payment_mismatch"));
    assert_eq!(
        decide(&by_ref, r#"{"id":"PAY_B"}"#),
        Err("payment_mismatch")
    );
}

#[test]
fn a_fully_refunded_payment_is_refused_a_partial_refund_is_not() {
    let exp = Expected {
        payment_id: Some("P".into()),
        reference_id: None,
    };
    assert_eq!(
        decide(&exp, &payment("P", "R", "partially_refunded", None)),
        Ok(())
    );
    assert_eq!(
        decide(
            &exp,
            &payment(
                "P",
                "R",
                "fully_refunded",
                Some("2024-01-01T00:00:00.000+08:00")
            )
        ),
        Err("payment_refunded")
    );
    assert_eq!(
        decide(&exp, &payment("P", "R", "fully_refunded", None)),
        Err("payment_refunded")
    );
    assert_eq!(
        decide(
            &exp,
            &payment(
                "P",
                "R",
                "not_refunded",
                Some("2024-01-01T00:00:00.000+08:00")
            )
        ),
        Err("payment_refunded"),
        "either signal is enough"
    );
    // Another order's refunded payment is a mismatch first: nothing is said about it.
    assert_eq!(
        decide(&exp, &payment("Q", "R", "fully_refunded", None)),
        Err("payment_mismatch")
    );
}

#[test]
fn the_service_is_checked_before_any_request() {
    assert!(check_service(SVC, Some(SVC)).is_ok());
    let r = check_service(SVC, Some("payment_service_2")).unwrap_err();
    assert_eq!(r.code, "payment_service_mismatch");
    assert!(r.message.contains(SVC) && r.message.contains("payment_service_2"));
    assert_eq!(
        check_service(SVC, None).unwrap_err().code,
        "payment_service_mismatch"
    );
}

const KEY: &str = "paysg_stag_returns_tests";

/// `confirmReturn`'s call as a shell hands it over: the client's options (service [`SVC`]),
/// no call options.
fn call() -> Call {
    Call {
        op: Op::Get,
        client: Options {
            api_key: Scalar::Str(KEY.to_owned()),
            payment_service_id: Scalar::Str(SVC.to_owned()),
            ..Options::default()
        },
        options: Options::default(),
        payment_id: Scalar::Absent,
        query: Query::default(),
        runtime: Scalar::Str("rust".to_owned()),
    }
}

/// What [`returns::plan`] says of the URL and `expected`: the error's kind, or the planned
/// request's method and path.
fn planned(url: Option<&str>, expected: &str) -> Result<(String, String), Box<ClientError>> {
    returns::plan(&call(), url, expected, [0; 16], 0.0).map(|p| {
        let path = p.request.url.split(".sg").nth(1).unwrap_or("").to_owned();
        (p.request.method.to_owned(), path)
    })
}

#[test]
fn confirm_return_is_one_planned_call() {
    let good = url(&format!(
        "paysg_payment_id=P&paysg_payment_service_id={SVC}"
    ));
    let (method, path) = planned(Some(&good), r#"{"paymentId":"P"}"#).unwrap();
    assert_eq!(method, "GET");
    assert!(path.ends_with("/payments/P"), "{path}");
    // Every problem of both arguments at once: expected's first.
    let Err(ClientError::Validation { errors }) = planned(Some(&url("x=1")), "").map_err(|e| *e)
    else {
        panic!("not a validation error")
    };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        ["expected", "paysg_payment_id", "paysg_payment_service_id"]
    );
    // A URL that is not text is the shell's to report as such: Rust names it.
    let Err(ClientError::Validation { errors }) =
        planned(None, r#"{"paymentId":"P"}"#).map_err(|e| *e)
    else {
        panic!("not a validation error")
    };
    assert_eq!(errors[0].field, "returnUrl");
    let other = url("paysg_payment_id=P&paysg_payment_service_id=payment_service_2");
    let e = planned(Some(&other), r#"{"paymentId":"P"}"#).unwrap_err();
    assert_eq!(e.kind(), "payment_service_mismatch");
    assert_eq!(e.class(), "PaySGError");
}

#[test]
fn the_answer_confirms_only_the_orders_payment() {
    let good = url(&format!(
        "paysg_payment_id=P&paysg_payment_service_id={SVC}"
    ));
    let plan = returns::plan(&call(), Some(&good), r#"{"paymentId":"P"}"#, [0; 16], 0.0).unwrap();
    let key = ApiKey::new(KEY).unwrap();
    let step = |body: &str| {
        let got = Received {
            status: Some(200),
            json: Some(serde_json::from_str::<Shape>(body).unwrap()),
            ..Received::default()
        };
        match answer(&plan.context, &got, &key, 1.0, 0.5) {
            Step::Done { body } => Ok(body),
            Step::Fail { error } => Err(error.kind()),
            Step::Send { .. } => Err("send"),
        }
    };
    assert_eq!(step(&payment("P", "R", "not_refunded", None)), Ok(true));
    assert_eq!(
        step(&payment("Q", "R", "not_refunded", None)),
        Err("payment_mismatch")
    );
    assert_eq!(
        step(&payment("P", "R", "fully_refunded", None)),
        Err("payment_refunded")
    );
    assert_eq!(step("{}"), Err("invalid_response"), "not a payment at all");
}
