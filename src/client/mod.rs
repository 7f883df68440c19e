//! The PaySG client's core, without I/O: a call is checked and becomes a request
//! ([`plan::plan`]); what came back for it becomes the next step ([`answer::answer`]: send
//! again after a delay, done, or a typed error). The caller performs the I/O — the npm
//! package's small JS loop (`pkg/src/client.js`) with `fetch`, timers and `AbortSignal`, or the
//! Rust client over gloo-net (crate `paysg-gloo`, crates/gloo) — and decides nothing.
//!
//! | file | what |
//! |---|---|
//! | [`options`] | the client's and each call's options: one set of rules |
//! | [`plan`] | a call → its request (the same builder as `buildCreatePaymentRequest`) |
//! | [`answer`] | an answer → the next step; success and error decoding |
//! | [`decode`] | what counts as a 2xx, the headers read, a 2xx body decoded once |
//! | [`list_all`] | `listAllPayments`: its parameters, and what to do with each page |
//! | [`retry`] | which failures are retried, backoff, `Retry-After` |
//! | [`reconcile`] | which fields of a stored payment PaySG has changed since (`reconcile`) |
//! | [`error`] | the one error enum, mapped to the npm package's classes |
//! | [`event`] | what `onRequest` / `onResponse` are told about an attempt |
//! | [`returns`] | the payer's return URL, and whether its payment is the order's |
//! | [`verify`] | `verifyCredentials`: the checks, the one call, what each answer means |

pub mod answer;
pub mod decode;
pub mod error;
pub mod event;
pub mod list_all;
pub mod options;
pub mod plan;
pub mod read;
pub mod reconcile;
pub mod retry;
pub mod returns;
pub mod scan;
pub mod verify;
pub mod wire;

pub use answer::{answer, Received, Shape, Step};
pub use error::{ApiError, ClientError};
pub use options::{check_client, Options, Settings};
pub use plan::{plan, Call, Context, Plan};
pub use returns::parse_return_url;

use serde::{Deserialize, Serialize};

use event::{path_of, Sent};

/// What a call does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Op {
    /// `POST …/payments`.
    Create,
    /// `GET …/payments/{id}`.
    Get,
    /// `GET …/payments`.
    List,
    /// `POST …/payments/{id}/cancel`.
    Cancel,
    /// `POST …/payments/{id}/refund`.
    Refund,
    /// `POST …/payments/{id}/send-email`.
    SendEmail,
}

impl Op {
    /// Whether the call carries an `Idempotency-Key` (PaySG supports one on these two).
    pub fn idempotent(self) -> bool {
        matches!(self, Op::Create | Op::Refund)
    }

    /// Every operation.
    pub const ALL: [Op; 6] = [
        Op::Create,
        Op::Get,
        Op::List,
        Op::Cancel,
        Op::Refund,
        Op::SendEmail,
    ];

    /// Its name, as JS names it (and as serde writes it).
    pub fn name(self) -> &'static str {
        match self {
            Op::Create => "create",
            Op::Get => "get",
            Op::List => "list",
            Op::Cancel => "cancel",
            Op::Refund => "refund",
            Op::SendEmail => "sendEmail",
        }
    }

    /// The operation named `name` (a string read at once: serde-wasm-bindgen would ask the
    /// value's type first, ≈ 0.3 µs).
    pub fn from_name(name: &str) -> Option<Op> {
        Op::ALL.into_iter().find(|op| op.name() == name)
    }

    /// The public method that makes this call (`"createPayment"`), as events name it.
    pub fn public_name(self) -> &'static str {
        match self {
            Op::Create => "createPayment",
            Op::Get => "getPayment",
            Op::List => "listPayments",
            Op::Cancel => "cancelPayment",
            Op::Refund => "refundPayment",
            Op::SendEmail => "sendPaymentEmail",
        }
    }

    /// The HTTP method.
    pub fn method(self) -> &'static str {
        match self {
            Op::Get | Op::List => "GET",
            _ => "POST",
        }
    }
}

impl<'a> Sent<'a> {
    /// The attempt in flight of the call `ctx` describes. The look before re-sending a cancel
    /// ([`answer`]) is an attempt of `cancelPayment`: a `GET` of the payment.
    pub fn of(ctx: &'a Context) -> Sent<'a> {
        let (method, path) = match (&ctx.payment_url, ctx.checking) {
            (Some(url), true) => ("GET", path_of(url)),
            _ => (ctx.op.method(), ctx.path.as_str()),
        };
        Sent {
            operation: ctx.op.public_name(),
            method,
            path,
            attempt: ctx.attempts,
            idempotency_key: ctx.idempotency_key.as_deref(),
        }
    }
}
