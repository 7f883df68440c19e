//! An async PaySG client for Rust compiled to wasm — a Cloudflare Worker written with
//! workers-rs, say — that drives the same core as the npm package ([`paysg::client`]) and
//! performs the I/O with gloo-net (`fetch`), `setTimeout` and an `AbortSignal`. The npm build does
//! not include it.
//!
//! ```ignore
//! let paysg = paysg_gloo::PaySg::new(paysg_gloo::Config::new(api_key).payment_service_id(service))?;
//! let payment = paysg.create_payment(&serde_json::json!({ … }), Default::default()).await?;
//! ```
//!
//! | module | what |
//! |---|---|
//! | [`Config`], [`CallOptions`] | the client's and one call's options |
//! | [`PaySg`] | one method per operation over one call loop |
//! | `list_all` | [`PaySg::list_all`], [`PaySg::list_all_pages`]: the core's pages |
//! | `returns` | [`PaySg::confirm_return`]: the payer's return, checked by the core |
//! | `reconcile` | [`PaySg::reconcile`]: stored payments against PaySG's, compared by the core |
//! | `verify` | [`PaySg::verify_credentials`], [`PaySg::verify_credentials_for`]: the core's checks, one list call, a [`Report`] |
//! | `fetch` | the I/O: `fetch`, timers, `AbortSignal`, clock, randomness |
//!
//! On targets other than wasm32 the crate is empty.

#[cfg(target_arch = "wasm32")]
mod client;
#[cfg(target_arch = "wasm32")]
mod config;
#[cfg(target_arch = "wasm32")]
mod fetch;
#[cfg(target_arch = "wasm32")]
mod list_all;
#[cfg(target_arch = "wasm32")]
mod reconcile;
#[cfg(target_arch = "wasm32")]
mod returns;
#[cfg(target_arch = "wasm32")]
mod verify;

#[cfg(target_arch = "wasm32")]
pub use client::PaySg;
#[cfg(target_arch = "wasm32")]
pub use config::{CallOptions, Config};
#[cfg(target_arch = "wasm32")]
pub use list_all::{ListAll, Pages};
#[cfg(target_arch = "wasm32")]
pub use paysg::client::verify::{Environment, Problem, Report};
#[cfg(target_arch = "wasm32")]
pub use reconcile::{ReconcileError, Reconciled};
#[cfg(target_arch = "wasm32")]
pub use returns::{Expected, ReturnError};

use paysg::client::{ClientError, Op};
use paysg::validate::FieldError;

/// A [`ClientError`] as one line, for logs (never the key).
pub fn describe(e: &ClientError) -> String {
    match e {
        ClientError::Validation { errors } => errors
            .iter()
            .map(|f: &FieldError| format!("{}: {}", f.field, f.message))
            .collect::<Vec<_>>()
            .join("; "),
        ClientError::Api(a) => format!("{} {}: {}", a.status, a.code, a.message),
        ClientError::Connection { message, .. }
        | ClientError::Timeout { message, .. }
        | ClientError::InvalidResponse { message, .. }
        | ClientError::InvalidPages { message }
        | ClientError::ListCapReached { message } => message.clone(),
        other => other.kind().to_owned(),
    }
}

/// The method of [`PaySg`] that makes each of the core's operations' calls (`Op::SendEmail` →
/// `send_payment_email`): the core's `public_name` in snake case. The match is exhaustive, so an
/// operation added to the core does not compile here until this client has its method; the
/// tests call each method named.
pub fn method(op: Op) -> &'static str {
    match op {
        Op::Create => "create_payment",
        Op::Get => "get_payment",
        Op::List => "list_payments",
        Op::Cancel => "cancel_payment",
        Op::Refund => "refund_payment",
        Op::SendEmail => "send_payment_email",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_has_its_method_named_as_the_core_names_it() {
        for op in Op::ALL {
            let snake: String = op
                .public_name()
                .chars()
                .flat_map(|c| {
                    let lower = c.to_ascii_lowercase();
                    if c.is_ascii_uppercase() {
                        vec!['_', lower]
                    } else {
                        vec![lower]
                    }
                })
                .collect();
            assert_eq!(method(op), snake, "{op:?}");
        }
    }
}
