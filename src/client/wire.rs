//! When an attempt's timer fires ([`Timing`]), for whichever loop performs the I/O: the JS loop
//! (`pkg/src/call.js`, through crates/wasm's typed `Plan` and `CallStep`) and the gloo client.
//! A plan used to cross to JS as a string of lines; it now crosses through the one codec
//! (serde-wasm-bindgen, its TypeScript generated), as every other value does.

use super::Context;

/// When an attempt's timer fires: after `wait` ms, which is the attempt's timeout or what is
/// left of the call's deadline (`deadline`: that it is the deadline).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Timing {
    /// ms until the timer fires.
    pub wait: f64,
    /// Whether that is the call's deadline (not only this attempt's timeout).
    pub deadline: bool,
}

impl Timing {
    /// The timing of an attempt of `ctx` sent at `at_ms`.
    pub fn of(ctx: &Context, at_ms: f64) -> Timing {
        let left = (ctx.deadline_ms - at_ms).max(0.0);
        let attempt = ctx.attempt_timeout_ms as f64;
        Timing {
            wait: left.min(attempt),
            deadline: left <= attempt,
        }
    }
}
