//! Rust core of `paysg`, the client SDK for PaySG, the Singapore Government's payment platform.
//!
//! Domain code in plain Rust: no `#[wasm_bindgen]` exports, compiled and tested natively with
//! `cargo test`. The thin binding layer that converts JS values to Rust types and results back to
//! JS is its own crate, `paysg-wasm` (crates/wasm); the npm package `paysg` wraps those raw
//! exports in its public JS surface (see `pkg/src/`).

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
