//! An answer as the core reads it, for every shell: which statuses are a success, which response
//! headers are read ([`received`]), and a 2xx body decoded once into what the operation returns
//! ([`success`]). The Rust client over gloo-net (crates/gloo) calls these instead of deciding
//! itself; `answer` then says what to do, and a `Done` with a body is decoded here.

use super::answer::{Received, Shape};
use super::error::ClientError;
use super::plan::Context;
use super::{read, Op};
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

/// What came back for a request, as [`super::answer`] reads it: the status, the headers the core
/// reads (asked of `header`, by lower-case name), and, for any status but a 2xx, the body's text,
/// for the error. A 2xx body is then decoded once by [`decoded`], which gives `answer` its
/// [`Shape`].
#[inline]
pub fn received(status: u16, header: impl Fn(&str) -> Option<String>, text: &str) -> Received {
    Received {
        status: Some(status),
        retry_after: header(RETRY_AFTER),
        request_id: REQUEST_ID.iter().find_map(|name| header(name)),
        text: (!is_success(status)).then(|| text.to_owned()),
        ..Received::default()
    }
}

/// Decodes `body`, the text of the 2xx answer in `got` to the call of `ctx`, once, with
/// [`success`], and gives `got` the [`Shape`] of the decoded value for [`super::answer`]. A shell
/// calls this for every 2xx before `answer`, and returns the value when `answer` says `Done`.
///
/// # Errors
///
/// [`success`]'s: the call fails with it (the body is not what the operation returns).
pub fn decoded(ctx: &Context, got: &mut Received, body: &str) -> Result<Success, Box<ClientError>> {
    let status = got.status.unwrap_or(200);
    let value = success(ctx, status, body)?;
    got.json = Some(match &value {
        Success::Payment(p) => Shape {
            id: Scalar::Str(p.id.clone()),
            latest_status: Scalar::Str(p.latest_status.clone()),
            reference_id: Scalar::Str(p.reference_id.clone()),
            refund_status: Scalar::Str(p.refund_status.clone()),
            payment_fully_refunded_timestamp: p
                .payment_fully_refunded_timestamp
                .clone()
                .map_or(Scalar::Absent, Scalar::Str),
            ..Shape::default()
        },
        Success::Page(_) => Shape {
            data: Scalar::Other("array"),
            page_info: Scalar::Other("object"),
            ..Shape::default()
        },
        Success::Nothing => Shape::default(),
    });
    Ok(value)
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
    let invalid = |why: String| {
        Box::new(ClientError::InvalidResponse {
            message: format!("PaySG answered {status} with a body that could not be read: {why}"),
            status,
            attempts: ctx.attempts,
            idempotency_key: ctx.idempotency_key.clone(),
        })
    };
    if ctx.op == Op::SendEmail {
        return Ok(Success::Nothing);
    }
    // Parsed into the core's JSON tree and read field by field (super::read): the derived
    // decoders cost the npm wasm ≈ 15 KB gzip.
    let json = Json::parse(body).map_err(|e| invalid(e.to_string()))?;
    match ctx.op {
        Op::List => read::page(&json).map(Success::Page),
        _ => read::payment(&json).map(|p| Success::Payment(Box::new(p))),
    }
    .map_err(invalid)
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
        assert_eq!(ok.retry_after.as_deref(), Some("3"));
        assert_eq!(ok.request_id.as_deref(), Some("req_1"));
        // A 2xx body is left to `decoded`, which parses it once.
        assert!(ok.json.is_none() && ok.text.is_none());
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
            Ok(Success::Page(_))
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
}
