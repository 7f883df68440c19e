//! The core as state machines the shells drive, in the manner of quinn-proto or rustls'
//! unbuffered API: a shell feeds in what happened (a request, the time, a store, a delivery's
//! result) and asks what to do next. Every decision is here, once; a shell only reads and
//! writes bytes, keeps time, stores and sends.
//!
//! * [`Exchange`]: one request, from its head and body to its reply ([`Next`]).
//! * [`Outbox`]: the webhook schedule: attempts, backoff, jitter, signing, what a result means.

mod exchange;
pub mod outbox;
#[cfg(test)]
mod tests;

pub use exchange::{Exchange, Next};
pub use outbox::{Outbox, Send, Sent};
