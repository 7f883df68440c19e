//! A response of the API: a status, PaySG's JSON body, and the headers that go with it.

/// A status and a JSON body (`None` for 204).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiResponse {
    /// HTTP status.
    pub status: u16,
    /// JSON text.
    pub body: Option<String>,
    /// Seconds for a `Retry-After` header.
    pub retry_after: Option<u64>,
    /// An idempotent replay (the header `Idempotent-Replayed: true`).
    pub replayed: bool,
}

impl ApiResponse {
    /// A JSON answer.
    pub fn json(status: u16, value: &impl serde::Serialize) -> ApiResponse {
        ApiResponse {
            status,
            body: Some(serde_json::to_string(value).unwrap_or_else(|_| "{}".to_owned())),
            retry_after: None,
            replayed: false,
        }
    }

    /// 204, no body.
    pub fn no_content() -> ApiResponse {
        ApiResponse {
            status: 204,
            body: None,
            retry_after: None,
            replayed: false,
        }
    }

    /// PaySG's error body `{ "error": { type, code, message } }`.
    pub fn error(status: u16, kind: &str, code: &str, message: impl Into<String>) -> ApiResponse {
        ApiResponse::error_body(status, kind, code, message.into(), None)
    }

    /// PaySG's error body with `data`.
    pub fn error_with(
        status: u16,
        kind: &str,
        code: &str,
        message: String,
        data: serde_json::Value,
    ) -> ApiResponse {
        ApiResponse::error_body(status, kind, code, message, Some(data))
    }

    fn error_body(
        status: u16,
        kind: &str,
        code: &str,
        message: String,
        data: Option<serde_json::Value>,
    ) -> ApiResponse {
        #[derive(serde::Serialize)]
        struct Inner<'a> {
            r#type: &'a str,
            code: &'a str,
            message: String,
            #[serde(skip_serializing_if = "Option::is_none")]
            data: Option<serde_json::Value>,
        }
        #[derive(serde::Serialize)]
        struct Body<'a> {
            error: Inner<'a>,
        }
        ApiResponse::json(
            status,
            &Body {
                error: Inner {
                    r#type: kind,
                    code,
                    message,
                    data,
                },
            },
        )
    }

    /// 404 `<what>_not_found`.
    pub fn not_found(what: &str) -> ApiResponse {
        ApiResponse::error(
            404,
            "not_found",
            &format!("{what}_not_found"),
            format!("no such {}", what.replace('_', " ")),
        )
    }

    /// 404 for a path the simulator does not serve.
    pub fn no_route() -> ApiResponse {
        ApiResponse::error(404, "not_found", "route_not_found", "no such endpoint")
    }

    /// 402 `invalid_state_error`.
    pub fn state(code: &str, message: impl Into<String>) -> ApiResponse {
        ApiResponse::error(402, "invalid_state_error", code, message)
    }

    /// 400 `invalid_request_error`.
    pub fn invalid(code: &str, message: impl Into<String>) -> ApiResponse {
        ApiResponse::error(400, "invalid_request_error", code, message)
    }

    /// 503: the change could not be stored, so nothing was done (PaySG's body; the reason is
    /// logged, not sent).
    pub fn storage_failed() -> ApiResponse {
        let mut a = ApiResponse::error(
            503,
            "api_error",
            "storage_unavailable",
            "paysg-sim could not store this change, so nothing was done; retry later",
        );
        a.retry_after = Some(1);
        a
    }
}
