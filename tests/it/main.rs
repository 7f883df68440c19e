//! Native integration tests of the `paysg` crate's public Rust API.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code
#![cfg(not(target_arch = "wasm32"))] // native tests; the wasm ones are wasm_node and wasm_browser

mod client;
mod fast;
mod import_cycles;
mod json_entry;
mod limits;
mod payer_text;
mod reconcile;
mod reconcile_edges;
mod request;
mod returns;
mod surface;
mod validate;
mod verify;
mod webhook;

#[test]
fn version_matches_the_npm_package() {
    let pkg =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/pkg/package.json")).unwrap();
    let needle = format!("\"version\": \"{}\"", paysg::VERSION);
    assert!(
        pkg.contains(&needle),
        "pkg/package.json does not carry version {}",
        paysg::VERSION
    );
}
