//! The payer's return (`confirmReturn`, `parseReturnUrl`): the return URL read exactly as
//! `new URL(url).searchParams` reads it, and the decision whether the payment PaySG reports for
//! it may be confirmed for the order the e-service expects.
//!
//! PaySG appends `paysg_payment_id` and `paysg_payment_service_id` to the `return_url`, unsigned
//! (`paysg-api.md` §14). Anyone can edit, replay or forward such a URL, so the payment it names
//! is confirmed only when it is the one the e-service stored with the order, and never when its
//! money was given back.
//!
//! [`plan`] makes `confirmReturn` one planned call: the URL and `expected` read, the `GET` of
//! the payment planned, and the check of PaySG's answer left in the call's context for
//! [`super::answer`]. [`url`] reads the return URL.

pub mod expect;
pub mod url;

pub use expect::{
    check_payment, check_service, read_expected, Expected, Refusal, Returned, PAYMENT_MISMATCH,
    PAYMENT_REFUNDED, PAYMENT_SERVICE_MISMATCH,
};
pub use url::{
    form_decode, form_pairs, parse_return_url, query_of, MAX_ID_BYTES, PAYMENT_ID_PARAM,
    SERVICE_ID_PARAM,
};

use super::error::ClientError;
use super::plan::{Body, Call, Plan};
use super::Op;
use crate::scalar::Scalar;
use crate::validate::{Code, FieldError};

/// Why `confirmReturn` stops before it asks PaySG.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// Every problem of the return URL and the expectation.
    Invalid(Vec<FieldError>),
    /// The return URL names another payment service.
    Refused(Refusal),
}

impl From<Stop> for ClientError {
    fn from(s: Stop) -> Self {
        match s {
            Stop::Invalid(errors) => ClientError::Validation { errors },
            Stop::Refused(r) => r.into(),
        }
    }
}

/// `confirmReturn` before it asks PaySG: reads the return URL (`None`: it was not a string, a
/// `URL` or a `Request`) and the expectation (`expected`: see [`read_expected`]) and checks the
/// service (see [`check_service`]): the payment id and service to read, and what to expect.
///
/// # Errors
///
/// Every problem of both arguments, or the refusal of another service's return URL.
pub fn start(
    url: Option<&str>,
    expected: &str,
    service: Option<&str>,
) -> Result<(String, String, Expected), Stop> {
    let (id, url_service, exp) = read_both(url, expected).map_err(Stop::Invalid)?;
    check_service(&url_service, service).map_err(Stop::Refused)?;
    Ok((id, url_service, exp))
}

/// The return URL's payment id and service and the expectation, or every problem of both.
fn read_both(
    url: Option<&str>,
    expected: &str,
) -> Result<(String, String, Expected), Vec<FieldError>> {
    let read = url.map_or_else(
        || {
            Err(vec![FieldError::new(
                "returnUrl",
                Code::InvalidType,
                "confirmReturn needs the URL the payer came back on (a string, a URL or a Request)",
            )])
        },
        parse_return_url,
    );
    match (read, read_expected(expected)) {
        (Ok((id, service)), Ok(exp)) => Ok((id, service, exp)),
        (read, exp) => {
            let mut all = exp.err().unwrap_or_default();
            all.extend(read.err().unwrap_or_default());
            Err(all)
        }
    }
}

/// `confirmReturn` as one planned call: [`start`], then the `GET` of the payment the URL names
/// (with the call's options, its `paymentServiceId` the URL's), whose context carries what to
/// expect: [`super::answer`] confirms the payment, or refuses it, when PaySG answers. The
/// service compared is the call's `paymentServiceId` when it is a string, else the client's.
///
/// # Errors
///
/// A validation error naming every problem of the URL and `expected` (then of the options), or
/// the refusal of another service's return URL (boxed: the error is large).
pub fn plan(
    call: &Call,
    url: Option<&str>,
    expected: &str,
    random: [u8; 16],
    now_ms: f64,
) -> Result<Plan, Box<ClientError>> {
    let service = match (
        &call.options.payment_service_id,
        &call.client.payment_service_id,
    ) {
        (Scalar::Str(s), _) | (Scalar::Absent, Scalar::Str(s)) => Some(s.as_str()),
        _ => None,
    };
    let (id, url_service, exp) = start(url, expected, service).map_err(|s| Box::new(s.into()))?;
    let mut get = call.clone();
    get.op = Op::Get;
    get.payment_id = Scalar::Str(id);
    get.options.payment_service_id = Scalar::Str(url_service);
    let mut plan = super::plan(&get, Body::None, random, now_ms)
        .map_err(|errors| Box::new(ClientError::Validation { errors }))?;
    plan.context.confirm = Some(exp);
    Ok(plan)
}
