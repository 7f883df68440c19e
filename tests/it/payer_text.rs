//! Payer text PaySG refuses (`non_ascii`) and `normaliseText`: both sides of every mapping (each
//! mapped character → its ASCII; the characters just outside each mapped range stay refused),
//! positions in UTF-16 code units, lengths of the text sent, and the fields that are not checked.

use paysg::json::Json;
use paysg::validate::ascii::{ascii_for, MAPPINGS};
use paysg::validate::{self, Code, FieldError, Rules};

fn payment(field: &str, value: &str) -> String {
    let mut v = serde_json::json!({
        "reference_id": "R1",
        "payer_name": "Tan",
        "description": "Parking",
        "amount_in_cents": 1100,
    });
    v[field] = serde_json::Value::String(value.to_owned());
    v.to_string()
}

fn check(field: &str, value: &str, rules: &Rules) -> Result<String, Vec<FieldError>> {
    let text = payment(field, value);
    validate::validate_create_payment_with(&Json::parse(&text).unwrap(), rules).map(|b| b.to_json())
}

fn normalising() -> Rules {
    Rules {
        normalise_text: true,
        ..Rules::default()
    }
}

/// The payer-text value sent, read back from the body.
fn sent(body: &str, field: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    v[field].as_str().unwrap().to_owned()
}

/// The one problem, which must be `non_ascii` on `field`.
fn refused(r: Result<String, Vec<FieldError>>, field: &str) -> String {
    let errors = r.expect_err("refused");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        (errors[0].field.as_str(), errors[0].code),
        (field, Code::NonAscii)
    );
    errors[0].message.clone()
}

/// Every character of every mapped range, in both payer-text fields: refused as it is (the
/// message naming it, its index and what normaliseText would send), sent as its ASCII with
/// normaliseText.
#[test]
fn every_mapped_character_is_refused_as_is_and_sent_as_its_ascii_when_normalised() {
    let mut n = 0;
    for (first, last, _, _) in MAPPINGS {
        for c in *first..=*last {
            let ascii = ascii_for(c).unwrap();
            for field in ["payer_name", "payer_address"] {
                let value = format!("A{c}B");
                let message = refused(check(field, &value, &Rules::default()), field);
                assert!(
                    message.contains(&format!("U+{:04X}", u32::from(c))),
                    "{message}"
                );
                assert!(message.contains("at index 1 "), "{message}");
                assert!(
                    message.ends_with(&format!("normaliseText: true would send it as `{ascii}`")),
                    "{message}"
                );
                let body = check(field, &value, &normalising()).unwrap();
                assert_eq!(sent(&body, field), format!("A{ascii}B"), "{c:?}");
                n += 1;
            }
        }
    }
    assert!(n > 2 * 100, "{n} characters checked");
}

/// The characters on each side of each mapped range that are not in another range stay refused
/// with normaliseText, and the message then offers nothing.
#[test]
fn the_characters_just_outside_each_mapped_range_stay_refused() {
    let mapped = |c: char| MAPPINGS.iter().any(|(f, l, _, _)| (*f..=*l).contains(&c));
    let mut outside = Vec::new();
    for (first, last, _, _) in MAPPINGS {
        for c in [
            char::from_u32(u32::from(*first) - 1),
            char::from_u32(u32::from(*last) + 1),
        ]
        .into_iter()
        .flatten()
        {
            if !c.is_ascii() && !mapped(c) {
                outside.push(c);
            }
        }
    }
    // e.g. U+009F, U+00A1, U+2006, U+2008, U+2016, U+2017, U+2020, U+FF00, U+FF5F
    assert!(outside.len() >= 12, "{outside:?}");
    for c in outside {
        assert_eq!(ascii_for(c), None);
        let message = refused(
            check("payer_name", &format!("x{c}"), &normalising()),
            "payer_name",
        );
        assert!(
            message.contains(&format!("U+{:04X} ", u32::from(c)))
                || message.contains(&format!("U+{:04X})", u32::from(c))),
            "{message}"
        );
        assert!(!message.contains("normaliseText: true would"), "{message}");
    }
}

#[test]
fn positions_count_utf16_code_units_in_the_text_as_given() {
    // The index is in the text as given: the ellipsis before é counts one, though it is sent as
    // three characters.
    let message = refused(check("payer_name", "’…é", &normalising()), "payer_name");
    assert!(
        message.starts_with("payer_name has \"é\" (U+00E9) at index 2 (UTF-16 code units from 0)"),
        "{message}"
    );
    // An astral character is one character, named whole (the index of a later one would count
    // it as two units, but the first refused character has only ASCII or mapped ones before
    // it, each one unit).
    let message = refused(
        check("payer_name", "ab😀é", &Rules::default()),
        "payer_name",
    );
    assert!(
        message.starts_with("payer_name has \"😀\" (U+1F600) at index 2"),
        "{message}"
    );
    let message = refused(
        check("payer_address", "Blk 1 ’Ａ’ é😀", &Rules::default()),
        "payer_address",
    );
    assert!(message.contains("at index 6 "), "{message}");
    assert!(message.contains("(5 such characters in all)"), "{message}");
    // An invisible character is named by its code point alone.
    let message = refused(
        check("payer_name", "Tan\u{00A0}Ah", &Rules::default()),
        "payer_name",
    );
    assert!(
        message.starts_with("payer_name has U+00A0 at index 3"),
        "{message}"
    );
}

#[test]
fn the_readme_example_is_what_the_rules_say() {
    let message = refused(
        check("payer_name", "Tan Ah Kow’s Café", &Rules::default()),
        "payer_name",
    );
    assert_eq!(
        message,
        "payer_name has \"’\" (U+2019) at index 10 (UTF-16 code units from 0) (2 such characters in all): PaySG accepts only ASCII in payer_name; normaliseText: true would send it as `'`"
    );
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(
        readme.contains(&message.replace('"', "\\\"")),
        "README shows the message"
    );
}

#[test]
fn normalised_text_is_measured_as_sent() {
    // The ellipsis becomes three characters: 252 + 3 = 255 fits, 253 + 3 does not.
    let fits = format!("{}…", "a".repeat(252));
    let body = check("payer_name", &fits, &normalising()).unwrap();
    assert_eq!(sent(&body, "payer_name"), format!("{}...", "a".repeat(252)));
    let over = format!("{}…", "a".repeat(253));
    let errors = check("payer_name", &over, &normalising()).unwrap_err();
    assert_eq!(errors[0].code, Code::TooLong);
    assert!(
        errors[0].message.contains("256 characters"),
        "{}",
        errors[0].message
    );
    // Without normalising it is refused for its character, and its length (254) is fine.
    refused(check("payer_name", &over, &Rules::default()), "payer_name");
    // Both problems of one field are reported together.
    let both = format!("{}é", "a".repeat(255));
    let codes: Vec<_> = check("payer_name", &both, &normalising())
        .unwrap_err()
        .into_iter()
        .map(|e| e.code)
        .collect();
    assert_eq!(codes, [Code::TooLong, Code::NonAscii]);
    // Only ideographic spaces: blank, as a required field.
    let errors = check("payer_name", "\u{3000}\u{3000}", &normalising()).unwrap_err();
    assert_eq!(errors[0].code, Code::Empty);
}

#[test]
fn other_fields_keep_their_non_ascii_text_and_the_switch_accepts_payer_text() {
    for field in ["reference_id", "description"] {
        let body = check(field, "Café ’😀", &Rules::default()).unwrap();
        assert_eq!(sent(&body, field), "Café ’😀", "{field} is sent as given");
        let body = check(field, "Café ’😀", &normalising()).unwrap();
        assert_eq!(
            sent(&body, field),
            "Café ’😀",
            "normaliseText maps payer text only"
        );
    }
    let accepting = Rules {
        accept_non_ascii: true,
        ..Rules::default()
    };
    let body = check("payer_name", "José ’😀", &accepting).unwrap();
    assert_eq!(sent(&body, "payer_name"), "José ’😀");
    // ASCII text and an absent optional address are untouched by normalising.
    let body = check("payer_name", "O'Brien - Tan", &normalising()).unwrap();
    assert_eq!(sent(&body, "payer_name"), "O'Brien - Tan");
    assert!(!body.contains("payer_address"));
}

#[test]
fn the_json_text_api_takes_normalise_text() {
    let input = payment("payer_name", "Ｔａｎ “Ah” Kow");
    let r = paysg::json_entry::validate_create_payment_with(&input, r#"{"normaliseText":true}"#);
    assert!(r.contains(r#""payer_name":"Tan \"Ah\" Kow""#), "{r}");
    let r = paysg::json_entry::validate_create_payment_with(&input, "");
    assert!(r.contains(r#""code":"non_ascii""#), "{r}");
    let r = paysg::json_entry::validate_create_payment_with(&input, r#"{"normaliseText":false}"#);
    assert!(r.contains(r#""code":"non_ascii""#), "{r}");
}
