//! What the order expects of the payment the payer came back for (`expected`, read from the JS
//! layer's text), and the decision whether the payment PaySG reports may be confirmed: the
//! refusals `payment_service_mismatch`, `payment_mismatch` and `payment_refunded`.

use crate::client::error::ClientError;
use crate::json::{self, Json};
use crate::scalar::Scalar;
use crate::validate::{Code, FieldError};

/// The fields of the payment PaySG returned that the decision reads (its top-level strings).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Returned<'a> {
    /// `id`.
    pub id: Option<&'a str>,
    /// `reference_id`.
    pub reference_id: Option<&'a str>,
    /// `refund_status`.
    pub refund_status: Option<&'a str>,
    /// `payment_fully_refunded_timestamp`.
    pub fully_refunded_at: Option<&'a str>,
}

/// The payment an order expects, as the e-service stored it when it created the payment. When
/// both are given, both must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    /// The payment's `id`.
    pub payment_id: Option<String>,
    /// The payment's `reference_id` (the e-service's own).
    pub reference_id: Option<String>,
}

/// One of `expected`'s ids: absent, or a non-blank string.
fn expected_id(j: &Json<'_>, key: &str, p: &mut Vec<FieldError>) -> Option<String> {
    let field = format!("expected.{key}");
    match Scalar::of(j.get(key)) {
        Scalar::Absent => None,
        Scalar::Str(s) if crate::strings::is_blank(&s) => {
            p.push(FieldError::new(
                field,
                Code::Empty,
                format!("expected.{key} is empty: pass the {key} stored with the order"),
            ));
            None
        }
        Scalar::Str(s) => Some(s),
        other => {
            let got = match other {
                Scalar::Num(_) => "number",
                Scalar::Bool(_) => "boolean",
                Scalar::Other(t) => t,
                Scalar::Absent | Scalar::Str(_) => "",
            };
            p.push(FieldError::new(
                field,
                Code::InvalidType,
                format!("expected.{key} must be a string, got {got}"),
            ));
            None
        }
    }
}

/// Reads `confirmReturn`'s second argument from the JS layer's text (see [`json::from_js`]; the
/// JS layer copies only `paymentId` and `referenceId`, and writes `{"type": …}` for a value
/// that is not an object).
///
/// # Errors
///
/// Every problem: the argument missing or not an object, neither id given, an id not a
/// non-blank string.
pub fn read_expected(text: &str) -> Result<Expected, Vec<FieldError>> {
    const WHY: &str = "confirmReturn(returnUrl, expected) needs expected = { paymentId } or { referenceId }, as stored with the order when the payment was created; without it a replayed or someone else's paid return URL would confirm this order";
    if text.is_empty() {
        return Err(vec![FieldError::new("expected", Code::Required, WHY)]);
    }
    let j = match json::from_js(text) {
        Ok(j @ Json::Obj(_)) => j,
        Ok(other) => {
            return Err(vec![FieldError::new(
                "expected",
                Code::InvalidType,
                format!(
                    "expected must be an object, got {}: {WHY}",
                    other.type_name()
                ),
            )])
        }
        Err(got) => {
            return Err(vec![FieldError::new(
                "expected",
                Code::InvalidType,
                format!("expected must be an object, got {got}"),
            )])
        }
    };
    if let Some(Json::Str(t)) = j.get("type") {
        return Err(vec![FieldError::new(
            "expected",
            Code::InvalidType,
            format!("expected must be an object, got {t}: {WHY}"),
        )]);
    }
    let mut p = Vec::new();
    let payment_id = expected_id(&j, "paymentId", &mut p);
    let reference_id = expected_id(&j, "referenceId", &mut p);
    if p.is_empty() && payment_id.is_none() && reference_id.is_none() {
        p.push(FieldError::new("expected", Code::Required, WHY));
    }
    if p.is_empty() {
        Ok(Expected {
            payment_id,
            reference_id,
        })
    } else {
        Err(p)
    }
}

/// The code of a return URL of another payment service than the call's.
pub const PAYMENT_SERVICE_MISMATCH: &str = "payment_service_mismatch";
/// The code of a payment that is not the one the order expects.
pub const PAYMENT_MISMATCH: &str = "payment_mismatch";
/// The code of a payment that was paid, then fully refunded.
pub const PAYMENT_REFUNDED: &str = "payment_refunded";

/// Why a return is not confirmed (a `PaySGError` with this `code` in JS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// [`PAYMENT_SERVICE_MISMATCH`], [`PAYMENT_MISMATCH`] or [`PAYMENT_REFUNDED`].
    pub code: &'static str,
    /// What happened, naming the parameter and the values compared.
    pub message: String,
}

impl From<Refusal> for ClientError {
    fn from(r: Refusal) -> Self {
        let message = r.message;
        match r.code {
            PAYMENT_MISMATCH => ClientError::PaymentMismatch { message },
            PAYMENT_REFUNDED => ClientError::PaymentRefunded { message },
            _ => ClientError::PaymentServiceMismatch { message },
        }
    }
}

/// Refuses a return URL of another payment service than the call's (`service`: the call's
/// `paymentServiceId`, else the client's; `None` when neither was given).
///
/// # Errors
///
/// `payment_service_mismatch` when they differ.
pub fn check_service(url_service: &str, service: Option<&str>) -> Result<(), Refusal> {
    match service {
        Some(s) if s == url_service => Ok(()),
        Some(s) => Err(Refusal {
            code: PAYMENT_SERVICE_MISMATCH,
            message: format!("the return URL names payment service {url_service}, not this client's {s}: refusing it"),
        }),
        None => Err(Refusal {
            code: PAYMENT_SERVICE_MISMATCH,
            message: format!("the return URL names payment service {url_service}, and this call has no paymentServiceId to compare it with: set it in the client's or the call's options"),
        }),
    }
}

/// Whether the payment PaySG returned (its top-level fields: `id`, `reference_id`,
/// `refund_status`, `payment_fully_refunded_timestamp`) may be confirmed for `expected`.
///
/// # Errors
///
/// `payment_mismatch` when the payment is not the expected one (its `id` differs from
/// `expected.payment_id`, or its `reference_id` from `expected.reference_id`); then
/// `payment_refunded` when it was fully refunded (`refund_status` `fully_refunded`, or
/// `payment_fully_refunded_timestamp` set). A partial refund is no refusal: the payment stays
/// paid, and its `refund_status` says `partially_refunded`.
pub fn check_payment(expected: &Expected, payment: &Returned<'_>) -> Result<(), Refusal> {
    let id = payment.id.unwrap_or_default();
    if let Some(want) = &expected.payment_id {
        if want != id {
            return Err(Refusal {
                code: PAYMENT_MISMATCH,
                message: format!("the return URL's payment {id} is not the expected payment {want} (expected.paymentId): a replayed or another order's return URL; nothing is confirmed"),
            });
        }
    }
    if let Some(want) = &expected.reference_id {
        if payment.reference_id != Some(want.as_str()) {
            // The other payment's reference is not shown: it may be another payer's.
            return Err(Refusal {
                code: PAYMENT_MISMATCH,
                message: format!("the return URL's payment {id} does not have the expected reference_id {want} (expected.referenceId): a replayed or another order's return URL; nothing is confirmed"),
            });
        }
    }
    let fully = payment.refund_status == Some("fully_refunded");
    if fully || payment.fully_refunded_at.is_some() {
        return Err(Refusal {
            code: PAYMENT_REFUNDED,
            message: format!("payment {id} was paid and then fully refunded (refund_status fully_refunded): a return URL is no evidence of money that was given back"),
        });
    }
    Ok(())
}
