//! The fast path agrees with the JSON path: on known inputs, on generated ones (the encoding
//! written as the JS layer writes it, `paysg::fast::encode`), and it refuses encodings that
//! break its invariants instead of trusting them.

use paysg::fast::encode::{encode, validate_like_js, PlainInput};
use paysg::fast::{self, DETAILS, INVALID, TEXT_FIELDS};
use paysg::json::Json;
use paysg::validate::{self, fields, FieldError, CREATE_PAYMENT_FIELDS};
use proptest::prelude::*;

fn index(name: &str) -> usize {
    fields::field_index(name).unwrap()
}

fn input(strings: &[(&str, &str)], amount: Option<f64>, md: Option<&[(&str, &str)]>) -> PlainInput {
    let mut i = PlainInput::default();
    for (k, v) in strings {
        i.strings[index(k)] = Some((*v).to_owned());
    }
    i.amount = amount;
    i.metadata = md.map(|m| {
        m.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    });
    i
}

/// The JSON path's answer for the same input.
fn json_path(i: &PlainInput) -> Result<String, Vec<FieldError>> {
    let text = i.to_json();
    validate::validate_create_payment(&Json::parse(&text).unwrap()).map(|b| b.to_json())
}

const BASE: [(&str, &str); 3] = [
    ("reference_id", "R1"),
    ("payer_name", "Tan Ah Kow"),
    ("description", "d 😀é"),
];

#[test]
fn valid_inputs_give_the_json_paths_body() {
    let i = input(&BASE, Some(1100.0), Some(&[("k", "v")]));
    assert_eq!(validate_like_js(&i), Some(json_path(&i)));
    let mut with_date = BASE.to_vec();
    with_date.extend([("due_date", "2023-12-31"), ("payer_email", "")]);
    let i = input(&with_date, Some(5.0), None);
    let got = validate_like_js(&i).unwrap().unwrap();
    assert!(got.contains(r#""due_date":"31-DEC-2023""#), "{got}");
    assert!(
        !got.contains("payer_email"),
        "an empty optional email is left out"
    );
    assert_eq!(Some(Ok(got)), Some(json_path(&i)));
}

#[test]
fn invalid_inputs_give_the_json_paths_problems() {
    let fields = [
        ("reference_id", " "),
        ("payer_name", "Tan Ah Kow 😀é"),
        ("payer_address", "Blk 1 ’Ａ’"),
        ("payer_identifier", "S1234567DAB"),
        ("payer_email", "x@"),
        ("description", "d"),
        ("due_date", "31-APR-2024"),
        ("return_url", "http://a.b"),
    ];
    let long = "v".repeat(256);
    let md = [("ключ", "v"), ("", "x"), ("k", long.as_str())];
    let i = input(&fields, Some(0.5), Some(&md));
    let got = validate_like_js(&i).unwrap().unwrap_err();
    assert_eq!(got.len(), 10, "{got:?}");
    assert_eq!(Err(got), json_path(&i));
    // NaN and infinities reach the rules as numbers, never as "required"
    for (a, code) in [(f64::NAN, "invalid_type"), (f64::INFINITY, "out_of_range")] {
        let e = validate_like_js(&input(&BASE, Some(a), None))
            .unwrap()
            .unwrap_err();
        assert_eq!(e[0].code.as_str(), code);
    }
}

#[test]
fn a_long_name_is_checked_by_its_length_alone() {
    let reference = "N".repeat(300);
    let i = input(
        &[
            ("reference_id", &reference),
            ("payer_name", "P"),
            ("description", "d"),
        ],
        Some(5.0),
        None,
    );
    let lean = encode(&i, false);
    assert_eq!(
        lean.len, 1,
        "two length-only strings; only the payer name's text (its characters are checked)"
    );
    assert_eq!(lean.header[TEXT_FIELDS], 1 << index("payer_name"));
    assert_eq!(
        lean.header[fast::FIRST_CHARS + index("reference_id")],
        u32::from(b'N')
    );
    let e = validate_like_js(&i).unwrap().unwrap_err();
    assert_eq!(
        e[0].message,
        "reference_id is 300 characters long; PaySG allows at most 255"
    );
}

/// Runs the fast path on an encoding as given.
fn run(e: &mut fast::encode::Encoded, amount: f64) -> u32 {
    fast::validate(&mut e.header, &mut e.bytes, e.len, amount)
}

#[test]
fn encodings_that_break_an_invariant_are_refused() {
    let mut fields = BASE.to_vec();
    fields.push(("payer_email", "a@b.sg"));
    let i = input(&fields, Some(5.0), Some(&[("k", "v")]));
    let good = encode(&i, false);
    assert_eq!(
        good.len,
        6 + "Tan Ah Kow".len(),
        "the email's and the payer name's text (its characters are checked); the rest by length"
    );
    assert_eq!(run(&mut good.clone(), 5.0) & INVALID, 0);
    let tamper = |f: &dyn Fn(&mut fast::encode::Encoded)| {
        let mut e = good.clone();
        f(&mut e);
        run(&mut e, 5.0)
    };
    let name = index("description");
    // A length-only string whose first character is a space (or not ASCII) could be blank:
    // not taken.
    let first = fast::FIRST_CHARS + index("reference_id");
    assert_eq!(good.header[first], u32::from(b'R'));
    assert_eq!(tamper(&|e| e.header[first] = u32::from(b' ')), INVALID);
    assert_eq!(tamper(&|e| e.header[first] = 0xa0), INVALID);
    assert_eq!(tamper(&|e| e.header[first] = 0x152), INVALID);
    // A length-only string of length 0 would be empty.
    assert_eq!(tamper(&|e| e.header[name] = 0), INVALID);
    // A rule that reads text (return_url) cannot be given a length only.
    let url = input(
        &[
            ("reference_id", "R"),
            ("payer_name", "P"),
            ("description", "d"),
            ("return_url", "https://a.sg"),
        ],
        Some(5.0),
        None,
    );
    let mut e = encode(&url, false);
    e.header[TEXT_FIELDS] &= !(1 << index("return_url"));
    assert_eq!(run(&mut e, 5.0), INVALID);
    // Bytes left over, or missing, or a length past the buffer.
    assert_eq!(tamper(&|e| e.len += 1), INVALID);
    assert_eq!(tamper(&|e| e.len -= 1), INVALID);
    assert_eq!(tamper(&|e| e.len = e.bytes.len() + 1), INVALID);
    // Line items never come this way; more metadata entries than allowed neither.
    assert_eq!(tamper(&|e| e.header[fields::LINE_ITEMS] = 0), INVALID);
    assert_eq!(tamper(&|e| e.header[fields::METADATA] = 11), INVALID);
    assert_eq!(tamper(&|e| e.header[fields::AMOUNT] = 7), INVALID);
    // A short header.
    let mut e = good.clone();
    assert_eq!(
        fast::validate(&mut e.header[..10], &mut e.bytes, e.len, 5.0),
        INVALID
    );
    // Problems that do not fit the buffer: the JS layer asks the JSON path.
    let mut e = encode(&input(&BASE, Some(0.0), None), true);
    let n = e.len;
    assert_eq!(
        fast::validate(&mut e.header, &mut e.bytes[..n], n, 0.0),
        INVALID
    );
}

#[test]
fn a_metadata_problem_asks_for_every_text() {
    let key = "k".repeat(41);
    let i = input(&BASE, Some(5.0), Some(&[(&key, "v")]));
    let mut e = encode(&i, false);
    assert_eq!(
        run(&mut e, 5.0),
        INVALID,
        "the lean pass cannot name the key"
    );
    let mut e = encode(&i, true);
    assert_eq!(run(&mut e, 5.0) & (INVALID | DETAILS), INVALID | DETAILS);
    assert_eq!(validate_like_js(&i), Some(json_path(&i)));
}

/// Strings that probe every rule: edges of every limit, blank and near-blank, non-ASCII and
/// astral characters, first characters on both sides of the length-only rule.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~]{0,12}",
        "[ \t]{0,2}[a-zA-Z0-9]{0,8}",
        "[a-zé😀 ]{0,6}",
        "[a-z ’–…　、。Ａａ０\u{a0}\u{ff5f}]{1,6}",
        (1usize..12, 250usize..260).prop_map(|(n, m)| "x".repeat(if n % 2 == 0 { n } else { m })),
        (495usize..505).prop_map(|n| "d".repeat(n)),
        Just("😀".repeat(6)),
        Just("\u{a0}".to_owned()),
        Just(String::new()),
    ]
}

/// A value the rules accept for field `name`.
fn good_value(name: &'static str) -> BoxedStrategy<String> {
    match name {
        "payer_email" => "[a-z]{1,4}(\\.[a-z]{1,3})?@[a-z]{1,4}\\.(sg|com)".boxed(),
        "due_date" => prop_oneof![
            "(0[1-9]|1[0-9]|2[0-8])-(JAN|feb|Mar|APR|DEC)-20(2[0-9])",
            "20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])",
            Just("2023-12-31T16:30:00.000Z".to_owned()),
        ]
        .boxed(),
        "return_url" => "https://[a-z]{1,6}\\.sg(/[a-z]{0,4})?".boxed(),
        "payer_identifier" => "[A-Z0-9][A-Za-z0-9 é]{0,8}".boxed(),
        "payer_name" | "payer_address" => "[A-Za-z0-9][ -~]{0,20}".boxed(),
        _ => "[A-Za-z0-9é😀 ][ -~é😀]{0,20}".boxed(),
    }
}

/// A value for field `name`: mostly one the rules accept, otherwise one that probes a rule.
fn field_value(name: &'static str) -> BoxedStrategy<String> {
    let probe = match name {
        "payer_email" => prop_oneof!["[a-z@.]{0,8}", text()].boxed(),
        "due_date" => prop_oneof![
            "(0[0-9]|[23][0-9])-(JAN|FEB|Xyz|APR)-20(2[0-9])",
            "20[0-9]{2}-[0-9]{2}-[0-9]{2}",
            text()
        ]
        .boxed(),
        "return_url" => prop_oneof!["(http|ftp)://[a-z.]{1,6}", text()].boxed(),
        _ => text().boxed(),
    };
    prop_oneof![6 => good_value(name), 1 => probe].boxed()
}

fn plain_input() -> impl Strategy<Value = PlainInput> {
    let strings: Vec<_> = CREATE_PAYMENT_FIELDS
        .iter()
        .map(|f| match (f.kind.is_string(), f.required) {
            (true, true) => proptest::option::weighted(0.97, field_value(f.name)).boxed(),
            (true, false) => proptest::option::weighted(0.5, field_value(f.name)).boxed(),
            (false, _) => Just(None).boxed(),
        })
        .collect();
    let amount = proptest::option::weighted(
        0.97,
        prop_oneof![
            8 => (1u32..20_000_000).prop_map(f64::from),
            1 => prop_oneof![
                (0u32..3).prop_map(f64::from),
                Just(20_000_000.0),
                Just(20_000_001.0),
                Just(99_999_999.0),
                Just(100_000_000.0),
                Just(10.5),
                Just(-1.0),
                Just(f64::NAN),
                Just(f64::INFINITY),
            ],
        ],
    );
    let entry = prop_oneof![
        4 => ("[a-z_]{1,12}", "[ -~]{0,12}"),
        1 => (text(), text()),
    ];
    let metadata = proptest::option::weighted(
        0.5,
        proptest::collection::vec(entry, 0..=10).prop_map(|mut v| {
            v.sort_by(|a, b| a.0.cmp(&b.0));
            v.dedup_by(|a, b| a.0 == b.0); // an object has each key once
            v
        }),
    );
    (strings, amount, metadata).prop_map(|(strings, amount, metadata)| {
        let mut i = PlainInput::default();
        for (slot, s) in i.strings.iter_mut().zip(strings) {
            *slot = s;
        }
        i.amount = amount;
        i.metadata = metadata;
        i
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    /// Whatever the fast path answers (ok or not, the normalised body, every problem with its
    /// message) is what the JSON path answers for the same input.
    #[test]
    fn the_fast_path_agrees_with_the_json_path(i in plain_input()) {
        let text = i.to_json();
        let want = validate::validate_create_payment(&Json::parse(&text).unwrap()).map(|b| b.to_json());
        if let Some(got) = validate_like_js(&i) {
            prop_assert_eq!(got, want);
        }
    }
}

/// Settings a client or call may give: the client's create takes the fast encoding in full and
/// `fast::body_json` checks it under them.
fn rules() -> impl Strategy<Value = validate::Rules> {
    (
        any::<bool>(),
        1usize..=30,
        prop_oneof![Just(20_000_000u32), Just(99_999_999), 1u32..30_000_000],
    )
        .prop_map(
            |(normalise_text, payer_identifier, amount_in_cents)| validate::Rules {
                limits: validate::Limits {
                    payer_identifier,
                    amount_in_cents,
                },
                normalise_text,
                accept_non_ascii: false,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// The client's fast body (every text in the buffer) under any settings is the JSON path's
    /// body or problems under the same settings.
    #[test]
    fn the_clients_fast_body_agrees_with_the_json_path_under_any_settings(i in plain_input(), r in rules()) {
        let text = i.to_json();
        let want = validate::validate_create_payment_with(&Json::parse(&text).unwrap(), &r).map(|b| b.to_json());
        let e = encode(&i, true);
        let got = fast::body_json(&e.header, &e.bytes[..e.len], i.amount.unwrap_or(0.0), &r);
        // Inputs the fast path does not take (more metadata than it holds) are the JSON path's.
        if i.metadata.as_ref().is_none_or(|m| m.len() <= fast::MAX_FAST_METADATA) {
            prop_assert_eq!(got, want);
        }
    }
}

/// The generated inputs exercise the fast path itself: most of them are answered there, valid
/// and invalid, rather than handed to the JSON path.
#[test]
fn most_generated_inputs_take_the_fast_path() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut valid, mut invalid, mut json) = (0, 0, 0);
    for _ in 0..2000 {
        let i = plain_input().new_tree(&mut runner).unwrap().current();
        match validate_like_js(&i) {
            Some(Ok(_)) => valid += 1,
            Some(Err(_)) => invalid += 1,
            None => json += 1,
        }
    }
    assert!(
        valid >= 400 && invalid >= 400,
        "valid {valid}, invalid {invalid}, JSON path {json}"
    );
    assert!(
        json < 400,
        "valid {valid}, invalid {invalid}, JSON path {json}"
    );
}
