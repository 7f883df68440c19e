//! The functions the package exports: validation, request building, the webhook and
//! return-flow helpers.

use super::{Carries, Function, Param};

const fn p(name: &'static str, ts: &'static str, optional: bool) -> Param {
    Param {
        name,
        ts,
        optional,
        shown: name,
        carries: Carries::Other,
    }
}

/// Every function of the package's main entry, in the order of `pkg/src/index.d.ts`.
pub const FUNCTIONS: &[Function] = &[
    Function {
        js: "version",
        params: &[],
        doc: "the SDK version",
    },
    Function {
        js: "validateCreatePayment",
        params: &[
            p("input", "unknown", false),
            p("options", "ValidateOptions", true),
        ],
        doc: "checks a create-payment body against PaySG's rules; never throws",
    },
    Function {
        js: "validateRefund",
        params: &[p("input", "unknown", false)],
        doc: "checks a refund body; never throws",
    },
    Function {
        js: "buildCreatePaymentRequest",
        params: &[
            p("input", "CreatePaymentInput", false),
            p("options", "BuildRequestOptions", false),
        ],
        doc: "the HTTP request `createPayment` sends first",
    },
    Function {
        js: "verifyWebhook",
        params: &[
            p("rawBody", "string | Uint8Array", false),
            p("signatureHeader", "string | null | undefined", false),
            p("secret", "string", false),
            p("options", "VerifyWebhookOptions", true),
        ],
        doc: "verifies a webhook's `PaySG-Signature` and parses its event",
    },
    Function {
        js: "verifyWebhookRequest",
        params: &[
            p("request", "RequestLike", false),
            p("secret", "string", false),
            p("options", "VerifyWebhookOptions", true),
        ],
        doc: "`verifyWebhook` for a Fetch API `Request`",
    },
    Function {
        js: "signWebhook",
        params: &[
            p("rawBody", "string | Uint8Array", false),
            p("secret", "string", false),
            p("options", "{ timestamp?: number | string }", true),
        ],
        doc: "a `PaySG-Signature` header for a body, for tests",
    },
    Function {
        js: "parseReturnUrl",
        params: &[p(
            "url",
            "string | { readonly href: string } | { readonly url: string }",
            false,
        )],
        doc: "the ids of the payer's return URL (proves nothing by itself: see `confirmReturn`)",
    },
    Function {
        js: "createWebhookHandler",
        params: &[p("options", "WebhookHandlerOptions", false)],
        doc: "a Fetch API handler that verifies each webhook and acts on each event once",
    },
    Function {
        js: "memoryStore",
        params: &[p("options", "{ keepDoneMs?: number }", true)],
        doc: "an in-memory event store for `createWebhookHandler`",
    },
    Function {
        js: "durableObjectStore",
        params: &[p("namespace", "DurableObjectNamespaceLike", false)],
        doc: "an event store over the Durable Object `PaySGWebhookEvents`",
    },
];
