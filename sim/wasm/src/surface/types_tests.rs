//! The generated declarations: well-formed, every type they name declared, and every struct's
//! serde output has exactly the declared keys (the JS test `sim-types` checks a running
//! simulator's answers against the shipped file at every depth).

use super::super::Flag;
use super::*;
use paysg_sim_core::model::Summary;
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

fn declared(name: &str) -> Interface {
    interfaces()
        .into_iter()
        .find(|i| i.name == name)
        .unwrap_or_else(|| panic!("{name} is not declared"))
}

/// The keys `value` serialises to, and the declared ones (the optional ones only when present).
fn keys(value: &impl Serialize, name: &str) -> (Vec<String>, Vec<String>) {
    let v = serde_json::to_value(value).unwrap_or_default();
    let got: Vec<String> = v
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    let mut want: Vec<String> = declared(name)
        .fields
        .iter()
        .filter(|f| !f.optional || got.iter().any(|g| g == f.name))
        .map(|f| f.name.to_owned())
        .collect();
    want.sort();
    let mut got = got;
    got.sort();
    (got, want)
}

#[test]
fn well_formed_and_every_named_type_is_declared() {
    let all = interfaces();
    let names: BTreeSet<&str> = all.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names.len(), all.len(), "an interface is declared twice");
    for i in &all {
        assert!(!i.doc.is_empty() && !i.doc.contains("*/") && !i.doc.contains('\n'));
        let mut fields = BTreeSet::new();
        for f in &i.fields {
            assert!(fields.insert(f.name), "{}.{} twice", i.name, f.name);
            assert!(!f.doc.is_empty() && !f.doc.contains("*/") && !f.doc.contains('\n'));
            for word in f.ts().split(|c: char| !c.is_ascii_alphanumeric()) {
                if word.starts_with(|c: char| c.is_ascii_uppercase())
                    && !matches!(word, "Array" | "Record")
                {
                    assert!(
                        names.contains(word),
                        "{}.{}: {word} undeclared",
                        i.name,
                        f.name
                    );
                }
            }
            if f.refined.is_some() {
                assert_eq!(f.rust, "string", "{}.{} refines a string", i.name, f.name);
            }
        }
    }
    let text = declarations();
    assert!(text.starts_with(BEGIN) && text.ends_with(&format!("{END}\n")));
}

#[test]
fn rendering() {
    assert_eq!(<Option<Vec<Attempt>>>::ts(), "Array<WebhookAttempt> | null");
    assert_eq!(
        <std::collections::BTreeMap<String, u64>>::ts(),
        "Record<string, number>"
    );
    let text = declarations();
    assert!(text.contains("  /** 1 for the first try. */\n  attempt: number;\n"));
    assert!(text.contains("  line_items?: Array<LineItem>;\n"));
    assert!(text.contains("  payment_status: \"unpaid\" | \"paid\" | (string & {});\n"));
    assert!(text.contains("  redirect_url: string | null;\n"));
    assert!(text.contains("  webhooks_pending: number;\n}\n"));
}

#[test]
fn structs_serialise_to_the_declared_keys() {
    let attempt = Attempt {
        event_id: "evt_1".into(),
        url: "http://x".into(),
        attempt: 1,
        status: None,
        error: Some("refused".into()),
        delivered: false,
        at: "t".into(),
        at_ms: 1,
    };
    let (got, want) = keys(&attempt, "WebhookAttempt");
    assert_eq!(got, want);
    let email = Email {
        to: "a@b.c".into(),
        subject: "s".into(),
        body: "b".into(),
        payment_id: "p".into(),
        sent_at: "t".into(),
    };
    let (got, want) = keys(&email, "Email");
    assert_eq!(got, want);
    let flag = Flag {
        name: "quiet",
        camel: "quiet".into(),
        value: "",
        kind: "switch",
        default: None,
        help: "h",
    };
    let (got, want) = keys(&flag, "Flag");
    assert_eq!(got, want);
    // The state is the summary and `webhooks_pending` (added by sim/core/src/pages.rs).
    let (mut got, want) = keys(&Summary::default(), "SimulatorState");
    got.push("webhooks_pending".into());
    got.sort();
    assert_eq!(got, want);
}

#[test]
fn a_payment_has_exactly_the_declared_keys() {
    // A payment made of the declared names: serde reads it (a name Rust spells otherwise is a
    // missing field) and writes exactly those keys back, `line_items` only when given.
    let fields = declared("Payment").fields;
    for with_items in [false, true] {
        let mut o = Map::new();
        for f in &fields {
            let v = match f.rust.as_str() {
                "number" => json!(1),
                "Record<string, string>" => json!({ "k": "v" }),
                "Array<LineItem>" if with_items => {
                    json!([{ "description": "d", "amount_in_cents": 1 }])
                }
                "Array<LineItem>" => continue,
                t if t.ends_with("| null") => Value::Null,
                _ => json!("s"),
            };
            o.insert(f.name.to_owned(), v);
        }
        let payment: Payment =
            serde_json::from_value(Value::Object(o.clone())).unwrap_or_else(|e| panic!("{e}"));
        let (got, want) = keys(&payment, "Payment");
        assert_eq!(got, want);
        assert_eq!(got.len(), o.len());
        if with_items {
            let item = payment.line_items.unwrap_or_default();
            let (got, want) = keys(&item[0], "LineItem");
            assert_eq!(got, want);
        }
    }
}
