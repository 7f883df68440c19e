//! How a call fails: one `#[non_exhaustive]` enum, each variant mapped to one error class of the
//! npm package ([`ClientError::class`]); the JS layer turns a serialised error into that class.

use crate::json::Json;
use crate::validate::FieldError;
use serde::Serialize;

/// PaySG's error answer, decoded for `PaySGApiError`. Every text is scrubbed of the API key.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// PaySG's `error.type`, when the body is PaySG's error format.
    pub r#type: Option<String>,
    /// PaySG's `error.code`, or `http_<status>`.
    pub code: String,
    /// PaySG's `error.message`, or a sentence naming the status.
    pub message: String,
    /// PaySG's `error.data`, when it sent one.
    pub data: Option<Json<'static>>,
    /// The request id PaySG's answer carried, if any.
    pub request_id: Option<String>,
    /// Whether the same call could succeed later.
    pub retryable: bool,
    /// Attempts made.
    pub attempts: u32,
    /// The `Idempotency-Key` sent (creates and refunds).
    pub idempotency_key: Option<String>,
}

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ClientError {
    /// The call or its input failed validation; nothing was sent.
    Validation {
        /// Every problem.
        errors: Vec<FieldError>,
    },
    /// PaySG answered non-2xx.
    Api(ApiError),
    /// No answer: the connection failed or was dropped, on every attempt allowed.
    Connection {
        /// Names the host, the attempts and the cause.
        message: String,
        /// Attempts made.
        attempts: u32,
        /// The `Idempotency-Key` sent.
        #[serde(rename = "idempotencyKey")]
        idempotency_key: Option<String>,
    },
    /// The deadline passed, or an attempt stalled past its timeout and was not retried.
    Timeout {
        /// What ran out.
        message: String,
        /// The deadline (`timeoutMs`) or the attempt's timeout (`attemptTimeoutMs`), in ms.
        #[serde(rename = "timeoutMs")]
        timeout_ms: u64,
        /// Attempts made.
        attempts: u32,
        /// The `Idempotency-Key` sent.
        #[serde(rename = "idempotencyKey")]
        idempotency_key: Option<String>,
    },
    /// A 2xx answer that is not what the operation returns.
    InvalidResponse {
        /// What was wrong.
        message: String,
        /// HTTP status.
        status: u16,
        /// Attempts made.
        attempts: u32,
        /// The `Idempotency-Key` sent.
        #[serde(rename = "idempotencyKey")]
        idempotency_key: Option<String>,
    },
    /// `listAllPayments` met pages no list ends with (a cursor seen before, a run of empty
    /// pages each claiming a next one, `data` that is not an array); kind `invalid_response`.
    #[serde(rename = "invalid_response")]
    InvalidPages {
        /// What was wrong.
        message: String,
    },
    /// `listAllPayments` reached its `maxItems` or `maxPages` with more to read.
    ListCapReached {
        /// Which bound, and how to raise it.
        message: String,
    },
    /// `confirmReturn`: the return URL names another payment service than the call's.
    PaymentServiceMismatch {
        /// Both services.
        message: String,
    },
    /// `confirmReturn`: the payment is not the order's expected one.
    PaymentMismatch {
        /// Which id differs.
        message: String,
    },
    /// `confirmReturn`: the payment was paid, then fully refunded.
    PaymentRefunded {
        /// The payment.
        message: String,
    },
}

impl ClientError {
    /// Every kind (the `kind` field) and the npm package's error class for it.
    pub const CLASSES: [(&'static str, &'static str); 9] = [
        ("validation", "PaySGValidationError"),
        ("api", "PaySGApiError"),
        ("connection", "PaySGConnectionError"),
        ("timeout", "PaySGTimeoutError"),
        ("invalid_response", "PaySGError"),
        ("list_cap_reached", "PaySGError"),
        ("payment_service_mismatch", "PaySGError"),
        ("payment_mismatch", "PaySGError"),
        ("payment_refunded", "PaySGError"),
    ];

    /// This error's kind (its `kind` field).
    pub fn kind(&self) -> &'static str {
        match self {
            ClientError::Validation { .. } => "validation",
            ClientError::Api(_) => "api",
            ClientError::Connection { .. } => "connection",
            ClientError::Timeout { .. } => "timeout",
            ClientError::InvalidResponse { .. } | ClientError::InvalidPages { .. } => {
                "invalid_response"
            }
            ClientError::ListCapReached { .. } => "list_cap_reached",
            ClientError::PaymentServiceMismatch { .. } => "payment_service_mismatch",
            ClientError::PaymentMismatch { .. } => "payment_mismatch",
            ClientError::PaymentRefunded { .. } => "payment_refunded",
        }
    }

    /// The npm package's error class for this error.
    pub fn class(&self) -> &'static str {
        let kind = self.kind();
        Self::CLASSES
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or("PaySGError", |(_, c)| c)
    }

    /// The problems of a validation error (empty for the others).
    pub fn problems(&self) -> &[FieldError] {
        match self {
            ClientError::Validation { errors } => errors,
            _ => &[],
        }
    }
}
