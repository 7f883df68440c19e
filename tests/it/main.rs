//! Native integration tests of the `paysg` crate's public Rust API.

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
