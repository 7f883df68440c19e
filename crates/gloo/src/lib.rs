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
pub use client::PaySg;
#[cfg(target_arch = "wasm32")]
pub use config::{CallOptions, Config};
#[cfg(target_arch = "wasm32")]
pub use list_all::{ListAll, Pages};
#[cfg(target_arch = "wasm32")]
pub use reconcile::{ReconcileError, Reconciled};
#[cfg(target_arch = "wasm32")]
pub use returns::{Expected, ReturnError};

use paysg::client::ClientError;
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
