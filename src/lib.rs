//! Rust core of `paysg`, the client SDK for PaySG, the Singapore Government's payment platform.
//!
//! The crate is split in two layers:
//!
//! * domain code in plain Rust (this module and its children, apart from `wasm`): no
//!   `#[wasm_bindgen]`, compiled and tested natively with `cargo test`;
//! * a thin binding layer, `wasm`, compiled only for `wasm32`, that converts JS values to Rust
//!   types and results back to JS. The npm package `paysg` wraps those raw exports in its public
//!   JS surface (see `pkg/src/`).

/// The SDK version, as published in the npm package and sent in the `User-Agent`-style header.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub mod client;
pub mod dates;
pub mod fast;
pub mod json;
pub mod json_entry;
pub mod model;
pub mod request;
pub mod scalar;
pub mod strings;
pub mod surface;
pub mod validate;
pub mod webhook;

// The old names of three modules (renamed for what they are, issue 22), for the code that still
// says `crate::loose`, `crate::text` or `crate::text_api` (src/wasm, src/fast, src/contract.rs,
// src/gloo.rs, src/client/{answer,plan}.rs, moved or rewritten on other branches). Remove each
// once nothing uses it.
#[doc(hidden)]
pub use self::json_entry as text_api;
#[doc(hidden)]
pub use self::scalar as loose;
#[doc(hidden)]
pub use self::strings as text;

#[cfg(all(target_arch = "wasm32", feature = "js"))]
pub mod wasm;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_is_semver() {
        let parts: Vec<&str> = VERSION.split('.').collect();
        assert_eq!(parts.len(), 3, "{VERSION}");
        assert!(parts.iter().all(|p| p.parse::<u32>().is_ok()), "{VERSION}");
    }
}
