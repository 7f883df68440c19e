//! The npm package's error classes.

use super::ErrorClass;

const CALL: &[&str] = &["attempts", "idempotencyKey"];

/// Every `code` a `PaySGError` (or a webhook handler's answer) of the package carries besides a
/// problem's codes (`Code::ALL`) and a call's error kinds (`ClientError::CLASSES`): generated,
/// with those, into `CODES` in `pkg/gen/contract.js`, which the JS layer names its codes by.
pub const PACKAGE_CODES: &[&str] = &[
    "validation_error",
    "connection_error",
    "timeout",
    "signature_error",
    "browser_not_allowed",
    "paysg_error",
    "reconcile_stopped",
    "store_error",
    "unreadable_body",
    // The webhook handler's answers (`createWebhookHandler`).
    "not_a_request",
    "method_not_allowed",
    "verify_failed",
    "invalid_payload",
    "store_unavailable",
    "in_progress",
    "store_contract",
    "confirm_failed",
    "not_confirmed",
    "on_event_failed",
    "duplicate",
    "processed",
];

/// Every error class the package exports, base class first.
pub const ERROR_CLASSES: &[ErrorClass] = &[
    ErrorClass {
        name: "PaySGValidationError",
        codes: "`validation_error`",
        kinds: &["validation"],
        fields: &["errors"],
        when: "an input or option failed validation; nothing was sent",
        fields_shown: "`errors: [{ field, code, message }]`",
    },
    ErrorClass {
        name: "PaySGApiError",
        codes: "PaySG's `error.code`, or `http_<status>`",
        kinds: &["api"],
        fields: &["status", "type", "data", "requestId", "retryable", CALL[0], CALL[1]],
        when: "PaySG answered non-2xx",
        fields_shown: "`status`, `type`, `code`, `message`, `data`, `requestId`, `retryable`, `attempts`, `idempotencyKey`",
    },
    ErrorClass {
        name: "PaySGConnectionError",
        codes: "`connection_error`",
        kinds: &["connection"],
        fields: &["cause", CALL[0], CALL[1]],
        when: "no answer: network failure, dropped connection; the message names the host and the attempts",
        fields_shown: "`cause` (what `fetch` threw, copied: message, `name`, `code` and two levels of `cause`, the API key replaced), `attempts`, `idempotencyKey`",
    },
    ErrorClass {
        name: "PaySGTimeoutError",
        codes: "`timeout`",
        kinds: &["timeout"],
        fields: &["timeoutMs", CALL[0], CALL[1]],
        when: "`timeoutMs` passed, or the last attempt stalled past `attemptTimeoutMs` with no retry left",
        fields_shown: "`timeoutMs` (the limit that ran out), `attempts`, `idempotencyKey`",
    },
    ErrorClass {
        name: "PaySGError",
        codes: "`invalid_response`",
        kinds: &["invalid_response"],
        fields: &[],
        when: "a 2xx answer that does not decode as the documented payment (or page of payments): a field missing or of another type, named in the message; the result is the decoded value, so fields PaySG adds later are not passed on",
        fields_shown: "",
    },
    ErrorClass {
        name: "PaySGError",
        codes: "`payment_service_mismatch`",
        kinds: &["payment_service_mismatch"],
        fields: &[],
        when: "`confirmReturn` got another service's id",
        fields_shown: "",
    },
    ErrorClass {
        name: "PaySGError",
        codes: "`payment_mismatch`",
        kinds: &["payment_mismatch"],
        fields: &[],
        when: "`confirmReturn`: the payment is not the order's `expected` one (a replayed or another order's return URL)",
        fields_shown: "",
    },
    ErrorClass {
        name: "PaySGError",
        codes: "`payment_refunded`",
        kinds: &["payment_refunded"],
        fields: &[],
        when: "`confirmReturn`: the payment was paid, then fully refunded",
        fields_shown: "",
    },
    ErrorClass {
        name: "PaySGError",
        codes: "`browser_not_allowed`, `list_cap_reached`",
        kinds: &["list_cap_reached"],
        fields: &[],
        when: "see above",
        fields_shown: "",
    },
    ErrorClass {
        name: "PaySGError",
        codes: "`unreadable_body`",
        kinds: &[],
        fields: &["cause"],
        when: "`verifyWebhookRequest`: the request's body could not be read (the sender hung up, or it was read already)",
        fields_shown: "`cause`",
    },
    ErrorClass {
        name: "PaySGSignatureError",
        codes: "`signature_error`",
        kinds: &[],
        fields: &["reason"],
        when: "a webhook did not verify",
        fields_shown: "`reason`",
    },
];
