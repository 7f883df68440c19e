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
#[cfg(all(target_arch = "wasm32", feature = "gloo"))]
pub mod gloo;
pub mod json;
pub mod loose;
pub mod model;
pub mod request;
pub mod surface;
pub mod text;
pub mod text_api;
pub mod validate;
pub mod webhook;

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
