//! An answer as the core reads it, for every shell: which statuses are a success, which response
//! headers are read ([`received`]), and a 2xx body decoded once into what the operation returns
//! ([`success`]). The Rust client over gloo-net (crates/gloo) calls these instead of deciding
//! itself; `answer` then says what to do, and a `Done` with a body is decoded here.

use super::answer::{Received, Shape};
use super::error::ClientError;
use super::plan::Context;
use super::{read, scan, Op};
use crate::json::Json;
use crate::model::{Payment, PaymentList};
use crate::scalar::Scalar;

/// The response header that says how long to wait before retrying a 429 or 503.
pub const RETRY_AFTER: &str = "retry-after";

/// The response headers that carry PaySG's request id, in order of preference.
pub const REQUEST_ID: [&str; 2] = ["x-request-id", "request-id"];

/// Whether an HTTP status is a success (2xx), whose body is the operation's result.
#[inline]
pub fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

/// What came back for a request, as [`super::answer`] reads it: the status and, for any status
/// but a 2xx, the headers the core reads (asked of `header`, by lower-case name) and the body's
/// text, for the error. A 2xx body is then decoded once by [`decoded`], which gives `answer` its
/// [`Shape`].
#[inline]
pub fn received(status: u16, header: impl Fn(&str) -> Option<String>, text: &str) -> Received {
    if is_success(status) {
        // A success reads no header: its result is the body (and an event's request id is read
        // by the shell that shows it).
        return Received {
            status: Some(status),
            ..Received::default()
        };
    }
    Received {
        status: Some(status),
        retry_after: header(RETRY_AFTER),
        request_id: REQUEST_ID.iter().find_map(|name| header(name)),
        text: Some(text.to_owned()),
        ..Received::default()
    }
}

/// Decodes `body`, the text of the 2xx answer in `got` to the call of `ctx`, once, with
/// [`success`], and gives `got` the [`Shape`] of the decoded value for [`super::answer`]. A shell
/// calls this (or [`checked`]) for every 2xx before `answer`, and returns the value when
/// `answer` says `Done`.
///
/// # Errors
///
/// [`success`]'s: the call fails with it (the body is not what the operation returns).
pub fn decoded(ctx: &Context, got: &mut Received, body: &str) -> Result<Decoded, Box<ClientError>> {
    let (value, verbatim) = read_body(ctx, got, body, true)?;
    Ok(Decoded {
        value: value.unwrap_or(Success::Nothing),
        verbatim,
    })
}

/// [`decoded`] for a shell that holds the body's text and can build the value from it (the JS
/// layer's `JSON.parse`): when the body is the value verbatim ([`Decoded::verbatim`]) it is
/// checked and its shape read, but no value is built.
///
/// # Errors
///
/// [`decoded`]'s.
pub fn checked(ctx: &Context, got: &mut Received, body: &str) -> Result<Checked, Box<ClientError>> {
    Ok(match read_body(ctx, got, body, false)? {
        (_, true) => Checked::Verbatim,
        (value, false) => Checked::Value(value.unwrap_or(Success::Nothing)),
    })
}

/// What [`checked`] found in a 2xx body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checked {
    /// The body is the call's result verbatim: `JSON.parse` of its text is the decoded value.
    Verbatim,
    /// The call's result, decoded (a body with fields the result does not have, or without
    /// optional ones, …: written back, it is the result).
    Value(Success),
}

/// A 2xx body decoded by [`decoded`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// What the call returns.
    pub value: Success,
    /// Whether `JSON.parse` of the body's text is already `value` written as JSON (same keys,
    /// each once, same values: [`read::payment_verbatim`]), so that a JS shell may parse the
    /// text it holds rather than a copy written back.
    pub verbatim: bool,
}

/// Reads the 2xx `body` of the call of `ctx` (see [`success`]), gives `got` its [`Shape`], and
/// says whether it is the value verbatim; the value is built unless it is verbatim and `always`
/// is false.
fn read_body(
    ctx: &Context,
    got: &mut Received,
    body: &str,
    always: bool,
) -> Result<(Option<Success>, bool), Box<ClientError>> {
    let status = got.status.unwrap_or(200);
    let invalid = |why: String| {
        Box::new(ClientError::InvalidResponse {
            message: format!("PaySG answered {status} with a body that could not be read: {why}"),
            status,
            attempts: ctx.attempts,
            idempotency_key: ctx.idempotency_key.clone(),
        })
    };
    if ctx.op == Op::SendEmail {
        got.json = Some(Shape::default());
        return Ok((Some(Success::Nothing), false));
    }
    // A payment as PaySG writes it needs only its shape: one pass over the text (super::scan).
    if !always && ctx.op != Op::List {
        if let Some(payment) = scan::verbatim_payment(body) {
            got.json = Some(payment_shape(payment));
            return Ok((None, true));
        }
    }
    // Else parsed into the core's JSON tree and read field by field (super::read): the derived
    // decoders cost the npm wasm ≈ 15 KB gzip.
    let json = Json::parse(body).map_err(|e| invalid(e.to_string()))?;
    if ctx.op == Op::List {
        let page = read::page(&json).map_err(invalid)?;
        got.json = Some(Shape {
            data: Scalar::Other("array"),
            page_info: Scalar::Other("object"),
            ..Shape::default()
        });
        let verbatim = read::page_verbatim(&json, &page);
        return Ok((Some(Success::Page(page)), verbatim));
    }
    let view = read::payment_view(&json).map_err(invalid)?;
    got.json = Some(payment_shape(scan::ShapeFields {
        id: view.id(),
        reference_id: view.reference_id(),
        latest_status: view.latest_status(),
        refund_status: view.refund_status(),
        payment_fully_refunded_timestamp: view.payment_fully_refunded_timestamp(),
    }));
    let verbatim = read::payment_verbatim(&json, view.has_line_items());
    let value = (always || !verbatim).then(|| Success::Payment(Box::new(view.to_payment())));
    Ok((value, verbatim))
}

/// The [`Shape`] of a payment, from the fields it needs.
fn payment_shape(p: scan::ShapeFields<'_>) -> Shape {
    let text = |s: &str| Scalar::Str(s.to_owned());
    Shape {
        id: text(p.id),
        latest_status: text(p.latest_status),
        reference_id: text(p.reference_id),
        refund_status: text(p.refund_status),
        payment_fully_refunded_timestamp: p
            .payment_fully_refunded_timestamp
            .map_or(Scalar::Absent, text),
        ..Shape::default()
    }
}

/// What a call returns, decoded from its 2xx answer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Success {
    /// A payment (create, get, cancel, refund).
    Payment(Box<Payment>),
    /// A page of payments (list).
    Page(PaymentList),
    /// Nothing (send the payment email).
    Nothing,
}

impl Success {
    /// The payment, when this is one.
    #[inline]
    pub fn payment(self) -> Option<Payment> {
        match self {
            Success::Payment(p) => Some(*p),
            _ => None,
        }
    }

    /// The page, when this is one.
    #[inline]
    pub fn page(self) -> Option<PaymentList> {
        match self {
            Success::Page(p) => Some(p),
            _ => None,
        }
    }
}

/// Decodes `body`, the text of the 2xx answer (`status`) that ended the call of `ctx`
/// ([`super::Step::Done`]), into what the call's operation returns.
///
/// # Errors
///
/// [`ClientError::InvalidResponse`] naming the status and the first field that does not read as
/// PaySG documents it (boxed: the error is large, the success path should not pay for it).
#[inline]
pub fn success(ctx: &Context, status: u16, body: &str) -> Result<Success, Box<ClientError>> {
    let mut got = Received {
        status: Some(status),
        ..Received::default()
    };
    decoded(ctx, &mut got, body).map(|d| d.value)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code
    use super::*;
    use crate::client::plan::{plan, Body, Call, Query};
    use crate::client::Options;
    use crate::scalar::Scalar;

    #[test]
    fn only_2xx_bodies_are_read_for_their_shape() {
        let headers = |name: &str| match name {
            "retry-after" => Some("3".to_owned()),
            "request-id" => Some("req_1".to_owned()),
            _ => None,
        };
        let ok = received(201, headers, r#"{"id":"p1","latest_status":"created"}"#);
        assert_eq!(ok.status, Some(201));
        // A 2xx reads no header, and its body is left to `decoded`, which parses it once.
        assert_eq!((ok.retry_after, ok.request_id), (None, None));
        assert!(ok.json.is_none() && ok.text.is_none());
        let busy = received(503, headers, "busy");
        assert_eq!(busy.retry_after.as_deref(), Some("3"));
        assert_eq!(busy.request_id.as_deref(), Some("req_1"));
        let bad = received(503, |_| None, "busy");
        assert_eq!((bad.json, bad.text.as_deref()), (None, Some("busy")));
        assert!(is_success(200) && is_success(299) && !is_success(300) && !is_success(199));
    }

    fn ctx(op: Op) -> Context {
        let s = |v: &str| Scalar::Str(v.to_owned());
        let call = Call {
            op,
            client: Options {
                api_key: s("paysg_stag_decode_tests"),
                payment_service_id: s("payment_service_decode"),
                ..Options::default()
            },
            options: Options::default(),
            payment_id: s("p1"),
            query: Query::default(),
            runtime: s("rust"),
        };
        plan(&call, Body::None, [0; 16], 0.0).unwrap().context
    }

    #[test]
    fn a_2xx_body_is_decoded_into_what_the_operation_returns() {
        let page = r#"{"data":[],"page_info":{"has_next_page":false,"has_previous_page":false,"start_cursor":null,"end_cursor":null}}"#;
        assert!(
            matches!(success(&ctx(Op::List), 200, page), Ok(Success::Page(p)) if p.data.is_empty())
        );
        assert_eq!(success(&ctx(Op::SendEmail), 204, ""), Ok(Success::Nothing));
        match success(&ctx(Op::Get), 200, r#"{"id":"p1"}"#).map_err(|e| *e) {
            Err(ClientError::InvalidResponse {
                status, message, ..
            }) => {
                assert_eq!(status, 200);
                assert!(
                    message.starts_with("PaySG answered 200 with a body that could not be read"),
                    "{message}"
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(success(&ctx(Op::List), 200, "[]").is_err());
    }

    #[test]
    fn a_2xx_is_decoded_once_and_its_shape_taken_from_the_value() {
        let page = r#"{"data":[],"page_info":{"has_next_page":false,"has_previous_page":false,"start_cursor":null,"end_cursor":null}}"#;
        let mut got = received(200, |_| None, page);
        assert!(matches!(
            decoded(&ctx(Op::List), &mut got, page),
            Ok(Decoded {
                value: Success::Page(_),
                verbatim: true
            })
        ));
        let shape = got.json.unwrap();
        assert_eq!(
            (shape.data, shape.page_info),
            (Scalar::Other("array"), Scalar::Other("object"))
        );
        let mut got = received(200, |_| None, "{}");
        assert!(decoded(&ctx(Op::Get), &mut got, "{}").is_err());
        assert!(got.json.is_none());
    }

    /// A payment as PaySG writes it: every key, `line_items` left out.
    fn full_payment() -> serde_json::Value {
        let mut p: serde_json::Value = serde_json::from_str(r#"{"id":"p1","payment_service_id":"s","reference_id":"r","payer_name":"n","payer_address":null,"payer_identifier":null,"payer_email":"e@x.sg","description":"d","amount_in_cents":100,"due_date":null,"metadata":{},"return_url":null,"payment_url":"u","payment_qr_code_url":"q","payment_status":"unpaid","latest_status":"unpaid","refund_status":"not_refunded","email_delivery_status":"unsent","stripe_payment_intent_id":null,"payout_id":null,"creator_id":"c","created_at":"t","updated_at":"t","payment_sent_timestamp":null,"payment_succeeded_timestamp":null,"payment_cancelled_timestamp":null,"payment_fully_refunded_timestamp":null,"paid_out_timestamp":null}"#).unwrap();
        p["metadata"] = serde_json::json!({ "a": "1", "a ": "2" });
        p
    }

    /// Decodes `body` as `op`'s answer and says whether it is verbatim; checks that the verdict
    /// is right by comparing the body's value with the decoded value written back.
    fn verbatim(op: Op, body: &serde_json::Value) -> bool {
        let text = body.to_string();
        let mut got = received(200, |_| None, &text);
        let d = decoded(&ctx(op), &mut got, &text).unwrap();
        let back = match &d.value {
            Success::Payment(p) => serde_json::to_value(p).unwrap(),
            Success::Page(p) => serde_json::to_value(p).unwrap(),
            Success::Nothing => serde_json::Value::Null,
        };
        // serde_json's Value compares objects as maps: the same keys with the same values.
        assert_eq!(d.verbatim, back == *body, "{text}");
        // `checked` agrees, and builds the value only when it is not verbatim.
        let mut again = received(200, |_| None, &text);
        match checked(&ctx(op), &mut again, &text).unwrap() {
            Checked::Verbatim => assert!(d.verbatim),
            Checked::Value(v) => assert!(!d.verbatim && v == d.value),
        }
        assert_eq!(again.json, got.json);
        d.verbatim
    }

    #[test]
    fn a_body_is_verbatim_exactly_when_it_is_the_decoded_value() {
        let p = full_payment();
        assert!(verbatim(Op::Get, &p));
        let mut with_items = p.clone();
        with_items["line_items"] =
            serde_json::json!([{ "description": "x", "amount_in_cents": 1 }]);
        assert!(verbatim(Op::Get, &with_items));
        // Not verbatim: a key Rust drops, an optional key absent (written back as null), a null
        // line_items (left out when written back), an extra key in a line item.
        let mut extra = p.clone();
        extra["new_field"] = serde_json::json!(1);
        assert!(!verbatim(Op::Get, &extra));
        let mut absent = p.clone();
        absent.as_object_mut().unwrap().remove("payer_email");
        assert!(!verbatim(Op::Get, &absent));
        let mut null_items = p.clone();
        null_items["line_items"] = serde_json::Value::Null;
        assert!(!verbatim(Op::Get, &null_items));
        let mut item_extra = with_items.clone();
        item_extra["line_items"][0]["x"] = serde_json::json!(true);
        assert!(!verbatim(Op::Get, &item_extra));
        // A duplicated key: JSON.parse keeps the last, the written-back value has it once.
        let text = p.to_string().replacen("{", r#"{"id":"p0","#, 1);
        let mut got = received(200, |_| None, &text);
        let d = decoded(&ctx(Op::Get), &mut got, &text).unwrap();
        assert!(!d.verbatim && matches!(d.value, Success::Payment(ref q) if q.id == "p1"));
        // -0: JSON.parse keeps it; the u32 written back is 0.
        let text = p
            .to_string()
            .replace(r#""amount_in_cents":100"#, r#""amount_in_cents":-0"#);
        let mut got = received(200, |_| None, &text);
        assert!(!decoded(&ctx(Op::Get), &mut got, &text).unwrap().verbatim);
        // Pages: each payment, page_info's four keys.
        let info = serde_json::json!({ "has_next_page": true, "has_previous_page": false, "start_cursor": "a", "end_cursor": null });
        assert!(verbatim(
            Op::List,
            &serde_json::json!({ "data": [p, with_items], "page_info": info })
        ));
        assert!(!verbatim(
            Op::List,
            &serde_json::json!({ "data": [extra], "page_info": info })
        ));
        let mut short = info.clone();
        short.as_object_mut().unwrap().remove("end_cursor");
        assert!(!verbatim(
            Op::List,
            &serde_json::json!({ "data": [], "page_info": short })
        ));
        assert!(!verbatim(
            Op::List,
            &serde_json::json!({ "data": [], "page_info": info, "x": 1 })
        ));
    }
}
