//! wasm-bindgen tests shared by the Node and browser test binaries: they call the raw exports of
//! the binding layer inside a real JS engine.

use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn version_crosses_the_boundary() {
    assert_eq!(paysg::wasm::version(), env!("CARGO_PKG_VERSION"));
}
