//! What `createWebhookHandler` answers PaySG, one entry per outcome: the status, the code (the
//! JSON body's `outcome`), the detail and any extra header. The JS handler
//! (`pkg/src/webhook-handler.js`) does the I/O — it reads the request, calls the store and
//! `onEvent` — and answers with the entry of the outcome it reached, by name, from the table
//! generated into `pkg/gen/contract.js` (`WEBHOOK_ANSWERS`). A `{name}` in a code, a detail or
//! a header value is the one part known only then (the signature error's reason, the value a
//! store resolved to); the handler fills it in, and nothing else.

use super::RETRY_WINDOW_S;

/// The method PaySG delivers webhooks with; any other is answered [`METHOD_NOT_ALLOWED`].
pub const DELIVERY_METHOD: &str = "POST";
/// The longest event id the handler claims, in UTF-16 units (a longer or empty one is
/// [`NO_EVENT_ID`]).
pub const EVENT_ID_MAX: u32 = 255;
/// What a store's `claim` may resolve to, in the order the contract lists them.
pub const CLAIMS: [&str; 3] = ["claimed", "done", "busy"];
/// How long the package's stores remember a done event, in milliseconds: PaySG's retry window
/// (3 days) and a day more (`memoryStore`'s default `keepDoneMs`; the Durable Object's alarm).
pub const KEEP_DONE_MS: u64 = (RETRY_WINDOW_S as u64 + 86_400) * 1000;
/// The headers of every answer (a JSON body that no cache keeps).
pub const HEADERS: [(&str, &str); 2] = [
    ("content-type", "application/json; charset=utf-8"),
    ("cache-control", "no-store"),
];

/// One answer of the handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    /// The outcome's name, by which the handler picks the answer.
    pub name: &'static str,
    /// The HTTP status: 2xx only once the event is done (or was already).
    pub status: u16,
    /// The JSON body's `outcome`: a code of the package's (`{reason}`: the
    /// `PaySGSignatureError`'s reason).
    pub code: &'static str,
    /// The JSON body's `detail`, or none (the body is `{ outcome }` alone).
    pub detail: Option<&'static str>,
    /// Headers beyond [`HEADERS`].
    pub headers: &'static [(&'static str, &'static str)],
    /// When the handler gives it, for people.
    pub when: &'static str,
}

/// The name of the answer to a method other than [`DELIVERY_METHOD`].
pub const METHOD_NOT_ALLOWED: &str = "method_not_allowed";
/// The name of the answer to an event without a usable id.
pub const NO_EVENT_ID: &str = "no_event_id";
/// The name of the answer to something that is not a Request.
pub const NOT_A_REQUEST: &str = "not_a_request";

/// What the webhook handler answers before it reads the body, from what the shell saw of its
/// argument: whether it has `headers.get` (a Fetch API Request, or one like it) and its method
/// when that is a string. `None`: go on and read the body. Methods compare as HTTP's do, without
/// regard to case.
pub fn refused_request(has_headers_get: bool, method: Option<&str>) -> Option<&'static str> {
    if !has_headers_get {
        return Some(NOT_A_REQUEST);
    }
    match method {
        Some(m) if !m.eq_ignore_ascii_case(DELIVERY_METHOD) => Some(METHOD_NOT_ALLOWED),
        _ => None,
    }
}

const fn answer(
    name: &'static str,
    status: u16,
    code: &'static str,
    detail: Option<&'static str>,
    when: &'static str,
) -> Answer {
    Answer {
        name,
        status,
        code,
        detail,
        headers: &[],
        when,
    }
}

/// Every answer of the handler, in the order the handler can reach them.
pub const ANSWERS: &[Answer] = &[
    answer(NOT_A_REQUEST, 500, "not_a_request", Some("the handler needs a Fetch API Request"), "the handler was called with something that is not a Request (no `headers.get`)"),
    Answer {
        headers: &[("allow", DELIVERY_METHOD)],
        ..answer(METHOD_NOT_ALLOWED, 405, "method_not_allowed", Some("PaySG delivers webhooks with POST"), "the request's method is not POST")
    },
    answer("body_too_large", 413, "{reason}", Some("{message}"), "the body is over 1 MiB (refused while it streams in)"),
    answer("unreadable_body", 400, "unreadable_body", Some("the request's body could not be read (the sender hung up?)"), "reading the body failed"),
    answer("signature_refused", 400, "{reason}", Some("{message}"), "the signature or the body does not verify (`PaySGSignatureError`)"),
    answer("verify_failed", 500, "verify_failed", Some("the signature could not be checked"), "verifying threw something other than a `PaySGSignatureError`"),
    answer(NO_EVENT_ID, 400, "invalid_payload", Some("the event has no id (a string of 1 to 255 characters)"), "the verified event has no id of 1 to 255 characters"),
    answer("claim_failed", 503, "store_unavailable", Some("the event store could not claim the event; PaySG will retry"), "`store.claim` threw or rejected"),
    answer("duplicate", 200, "duplicate", None, "the store says the event is done"),
    Answer {
        headers: &[("retry-after", "{lease_seconds}")],
        ..answer("in_progress", 409, "in_progress", Some("this event is being processed by another delivery; PaySG will retry"), "another delivery holds the event's claim (its lease running)")
    },
    answer("store_contract", 500, "store_contract", Some("store.claim must resolve to \"claimed\", \"done\", \"busy\"; it resolved to {resolved}"), "`store.claim` resolved to something else than a claim result"),
    answer("confirm_failed", 503, "confirm_failed", Some("the payment could not be read from PaySG to confirm a late delivery ({error_code}); PaySG will retry"), "a late delivery, and `client.getPayment` failed; the claim is released"),
    answer("not_confirmed", 409, "not_confirmed", Some("{refusal}"), "a late delivery that PaySG's payment does not confirm; the claim is released"),
    answer("on_event_failed", 500, "on_event_failed", Some("onEvent threw; the event is not marked done and PaySG will retry"), "`onEvent` threw or rejected; the claim is released"),
    answer("complete_failed", 503, "store_unavailable", Some("onEvent succeeded but the event store could not mark it done"), "`store.complete` failed after `onEvent`; the claim stays until its lease ends"),
    answer("processed", 200, "processed", None, "`onEvent` resolved and the store marked the event done"),
];

/// The `{name}`s of a code, detail or header value, in order.
pub fn placeholders(text: &str) -> Vec<&str> {
    text.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code
    use super::*;
    use crate::validate::Code;

    #[test]
    fn a_request_is_refused_before_its_body_only_when_it_is_none_or_not_a_post() {
        assert_eq!(refused_request(false, Some("POST")), Some(NOT_A_REQUEST));
        assert_eq!(refused_request(false, None), Some(NOT_A_REQUEST));
        for ok in ["POST", "post", "Post"] {
            assert_eq!(refused_request(true, Some(ok)), None, "{ok}");
        }
        // A Request-like without a method string is taken as PaySG's POST.
        assert_eq!(refused_request(true, None), None);
        for other in ["GET", "PUT", "", "POST ", "PÖST"] {
            assert_eq!(
                refused_request(true, Some(other)),
                Some(METHOD_NOT_ALLOWED),
                "{other}"
            );
        }
        // Both names are answers of the table.
        for name in [NOT_A_REQUEST, METHOD_NOT_ALLOWED] {
            assert!(ANSWERS.iter().any(|a| a.name == name), "{name}");
        }
    }

    #[test]
    fn one_answer_per_name_each_with_a_known_code_and_fillable_parts() {
        let known: Vec<&str> = Code::ALL
            .iter()
            .map(|c| c.as_str())
            .chain(crate::surface::PACKAGE_CODES.iter().copied())
            .chain(super::super::Reason::ALL.iter().map(|r| r.as_str()))
            .collect();
        let mut names = std::collections::BTreeSet::new();
        for a in ANSWERS {
            assert!(names.insert(a.name), "{} twice", a.name);
            assert!(
                a.code == "{reason}" || known.contains(&a.code),
                "{}: {} is no code of the package's",
                a.name,
                a.code
            );
            assert!((200..600).contains(&a.status), "{}", a.name);
            assert_eq!(
                (200..300).contains(&a.status),
                ["duplicate", "processed"].contains(&a.name),
                "2xx only for an event done: {}",
                a.name
            );
            for text in [a.code, a.detail.unwrap_or("")]
                .into_iter()
                .chain(a.headers.iter().map(|(_, v)| *v))
            {
                for p in placeholders(text) {
                    assert!(
                        !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                        "{}: {{{p}}}",
                        a.name
                    );
                }
            }
        }
    }

    #[test]
    fn the_texts_say_what_the_constants_say() {
        let find = |n: &str| ANSWERS.iter().find(|a| a.name == n).unwrap();
        let claims: Vec<String> = CLAIMS.iter().map(|c| format!("{c:?}")).collect();
        assert!(find("store_contract")
            .detail
            .unwrap()
            .contains(&claims.join(", ")));
        assert!(find(NO_EVENT_ID)
            .detail
            .unwrap()
            .contains(&format!("1 to {EVENT_ID_MAX} characters")));
        let m = find(METHOD_NOT_ALLOWED);
        assert!(m.detail.unwrap().ends_with(DELIVERY_METHOD));
        assert_eq!(m.headers, [("allow", DELIVERY_METHOD)]);
        assert_eq!(placeholders("a {x} b {y_z}"), ["x", "y_z"]);
        assert_eq!(KEEP_DONE_MS, 4 * 86_400_000);
    }
}
