//! The webhook handler's and stores' part of `pkg/gen/contract.js`: the answers of
//! `createWebhookHandler` by outcome ([`paysg::webhook::answers::ANSWERS`]) and the numbers the
//! handler and the stores use (the default lease, the late limit, how long a done event is kept).

use paysg::webhook::answers::{
    Answer, ANSWERS, CLAIMS, DELIVERY_METHOD, EVENT_ID_MAX, HEADERS, KEEP_DONE_MS,
};
use paysg::webhook::handler_options::{DEFAULT_LEASE_MS, LATE_LIMIT_S};
use std::fmt::Write as _;

/// An object literal of `pairs` (keys and values written as given).
fn object(pairs: &[(String, String)]) -> String {
    let body: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    format!("{{ {} }}", body.join(", "))
}

fn headers(pairs: &[(&str, &str)]) -> String {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (format!("{k:?}"), format!("{v:?}")))
        .collect();
    object(&pairs)
}

/// An answer: `detail` and `headers` only when it has them (a bundle carries the table).
fn entry(a: &Answer) -> String {
    let mut pairs = vec![
        ("status".to_owned(), a.status.to_string()),
        ("code".to_owned(), format!("{:?}", a.code)),
    ];
    if let Some(d) = a.detail {
        pairs.push(("detail".to_owned(), format!("{d:?}")));
    }
    if !a.headers.is_empty() {
        pairs.push(("headers".to_owned(), headers(a.headers)));
    }
    object(&pairs)
}

/// The webhook part of `pkg/gen/contract.js`.
pub(crate) fn javascript() -> String {
    let mut js = String::from(
        "\n/**\n * createWebhookHandler's answers by outcome (src/webhook/answers.rs): the status, the body's\n * `outcome` code, its `detail` (none: `{ outcome }` alone) and headers beyond\n * WEBHOOK_ANSWER_HEADERS (none: no others). A `{name}` in them is filled by the handler.\n */\n",
    );
    let mut answers = vec![("__proto__".to_owned(), "null".to_owned())];
    answers.extend(ANSWERS.iter().map(|a| (a.name.to_owned(), entry(a))));
    // `/* @__PURE__ */`: a bundle without the handler (the validation-only page) drops it.
    let _ = writeln!(
        js,
        "export const WEBHOOK_ANSWERS = /* @__PURE__ */ Object.freeze({});",
        object(&answers)
    );
    let _ = writeln!(
        js,
        "/** The headers of every answer of the handler. */\nexport const WEBHOOK_ANSWER_HEADERS = /* @__PURE__ */ Object.freeze({});",
        headers(&HEADERS)
    );
    let constants: [(&str, String, &str); 5] = [
        ("WEBHOOK_METHOD", format!("{DELIVERY_METHOD:?}"), "the method PaySG delivers webhooks with (any other is `method_not_allowed`)"),
        ("WEBHOOK_EVENT_ID_MAX", EVENT_ID_MAX.to_string(), "the longest event id the handler claims, in UTF-16 units"),
        ("DEFAULT_LEASE_MS", DEFAULT_LEASE_MS.to_string(), "how long a claim holds when `leaseMs` is not given"),
        ("WEBHOOK_LATE_LIMIT_S", LATE_LIMIT_S.to_string(), "the oldest signature a late delivery may carry, in seconds: PaySG's retry window and the default tolerance"),
        ("KEEP_DONE_MS", KEEP_DONE_MS.to_string(), "how long the package's stores remember a done event: PaySG's retry window (3 days) and a day more"),
    ];
    for (name, value, doc) in constants {
        let _ = writeln!(js, "/** {doc} */\nexport const {name} = {value};");
    }
    let claims: Vec<String> = CLAIMS.iter().map(|c| format!("{c}: {c:?}")).collect();
    let _ = writeln!(
        js,
        "/** What a store's `claim` resolves to (the WebhookEventStore contract), by name. */\nexport const CLAIM = /* @__PURE__ */ Object.freeze({{ __proto__: null, {} }});",
        claims.join(", ")
    );
    js
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code
    use super::*;

    #[test]
    fn every_answer_is_written_with_its_status_code_and_detail() {
        let js = javascript();
        for a in ANSWERS {
            let start = js.find(&format!(" {}: {{ status", a.name)).unwrap();
            let line = &js[start..];
            assert!(line.contains(&format!("status: {}, code: {:?}", a.status, a.code)));
            if let Some(d) = a.detail {
                assert!(line.contains(&format!("detail: {d:?}")));
            }
            assert!(a.detail.unwrap_or("").is_ascii(), "{}", a.name);
        }
        assert!(js.contains("\"allow\": \"POST\""), "{js}");
    }
}
