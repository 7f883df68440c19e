//! The client's and each call's options.

use super::OptionSpec;

const fn opt(
    name: &'static str,
    rust: &'static str,
    ts: &'static str,
    doc: &'static str,
) -> OptionSpec {
    OptionSpec {
        name,
        rust: Some(rust),
        ts,
        client: true,
        call: true,
        required: false,
        shell: false,
        default: None,
        doc,
        property: None,
    }
}

/// Every option of a client (`new PaySG(options)`) and of a call (`opts`), in the order the
/// README lists them. A call's value overrides its client's.
pub const OPTIONS: &[OptionSpec] = &[
    OptionSpec {
        call: false,
        required: true,
        ..opt(
            "apiKey",
            "api_key",
            "string",
            "`paysg_stag_…` (staging) or `paysg_live_…` (live); any other key needs `baseUrl`; never shown in errors",
        )
    },
    OptionSpec {
        property: Some(("string | null", "The default payment service of every call.")),
        ..opt(
            "paymentServiceId",
            "payment_service_id",
            "string",
            "the `payment_service_…` of the call (a client's is every call's default)",
        )
    },
    OptionSpec {
        property: Some(("string", "The API's base URL (from the key's prefix unless `baseUrl` was given).")),
        call: false,
        ..opt(
            "baseUrl",
            "base_url",
            "string",
            "overrides the base URL chosen from the key prefix (paysg-sim, a proxy): an absolute http(s) URL without user, password, query or fragment; `https://` for a live key",
        )
    },
    OptionSpec {
        client: false,
        default: Some("a random V4 UUID, the same on every retry"),
        ..opt(
            "idempotencyKey",
            "idempotency_key",
            "string",
            "`Idempotency-Key` of a create or refund: 1 to 255 visible ASCII characters",
        )
    },
    OptionSpec {
        property: Some(("number", "The default deadline of a call, retries included, in ms.")),
        default: Some("30,000"),
        ..opt(
            "timeoutMs",
            "timeout_ms",
            "number",
            "deadline of a whole call, retries included, in ms: 1 to 600,000",
        )
    },
    OptionSpec {
        property: Some(("number", "The default time one attempt may take before it is abandoned (and retried when the operation allows), in ms.")),
        default: Some("10,000"),
        ..opt(
            "attemptTimeoutMs",
            "attempt_timeout_ms",
            "number",
            "time one attempt may take before it is abandoned (and retried when the operation allows), in ms: 1 to 600,000",
        )
    },
    OptionSpec {
        property: Some(("number", "The default number of retries.")),
        default: Some("2"),
        ..opt(
            "maxRetries",
            "max_retries",
            "number",
            "retries after the first attempt: 0 to 10",
        )
    },
    OptionSpec {
        default: Some("false"),
        ..opt(
            "normaliseText",
            "normalise_text",
            "boolean",
            "map the common non-ASCII characters of `payer_name` and `payer_address` to ASCII before checking and sending",
        )
    },
    opt(
        "limits",
        "limit",
        "Limits",
        "limits PaySG's own sources disagree on (a call's override its client's, key by key)",
    ),
    OptionSpec {
        rust: None,
        call: false,
        shell: true,
        default: Some("the global `fetch`"),
        ..opt(
            "fetch",
            "",
            "FetchFunction",
            "called as `fetch(url, init)` instead of the global fetch; must resolve to a Fetch API `Response`",
        )
    },
    OptionSpec {
        rust: None,
        call: false,
        shell: true,
        default: Some("false"),
        ..opt(
            "dangerouslyAllowBrowser",
            "",
            "boolean",
            "allow a client in a browser page, where the API key is visible: for test keys only",
        )
    },
    OptionSpec {
        rust: None,
        call: false,
        shell: true,
        ..opt(
            "onRequest",
            "",
            "(event: PaySGRequestEvent) => unknown",
            "called with each attempt's event before it is sent; never given the key, a body or payer data",
        )
    },
    OptionSpec {
        rust: None,
        call: false,
        shell: true,
        ..opt(
            "onResponse",
            "",
            "(event: PaySGResponseEvent) => unknown",
            "called with each attempt's event when it ends: status or failure, request id, timings, whether the client retries",
        )
    },
    OptionSpec {
        rust: None,
        client: false,
        shell: true,
        ..opt(
            "signal",
            "",
            "PlatformAbortSignal",
            "an `AbortSignal`: when it aborts, the call rejects at once with the signal's reason",
        )
    },
];
