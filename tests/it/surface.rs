//! The gloo client (the Rust shell) against the description of the public surface
//! (`paysg::surface`): every method of the JS client and every option has its Rust name there,
//! or is a known gap listed below.

use paysg::surface::{OPERATIONS, OPTIONS};
use std::path::Path;

/// What the gloo client does not have yet. Remove an entry when it gains it (the test fails
/// until then, and when an entry is no longer a gap).
const KNOWN_GAPS: &[&str] = &[];

/// The gloo client's source: `crates/gloo/src/**.rs` once it moves there, else `src/gloo.rs`.
fn gloo_source() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("crates/gloo/src");
    let mut files = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p);
            }
        }
    }
    if files.is_empty() {
        files.push(root.join("src/gloo.rs"));
    }
    files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The words that follow `prefix` anywhere in `source` (a name: letters, digits, `_`).
fn names_after<'a>(source: &'a str, prefix: &str) -> Vec<&'a str> {
    source
        .match_indices(prefix)
        .map(|(i, _)| {
            let rest = &source[i + prefix.len()..];
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            &rest[..end]
        })
        .collect()
}

/// The text of `struct name { … }` in `source`.
fn struct_body<'a>(source: &'a str, name: &str) -> &'a str {
    let start = source
        .find(&format!("pub struct {name} {{"))
        .unwrap_or_else(|| panic!("no pub struct {name}"));
    let body = &source[start..];
    &body[..body.find("\n}").unwrap()]
}

#[test]
fn the_gloo_client_has_every_method_and_option_or_a_known_gap() {
    let source = gloo_source();
    let methods = names_after(&source, "pub async fn ");
    let builders = names_after(&source, "pub fn ");
    let call_body = struct_body(&source, "CallOptions");
    let call_fields = names_after(call_body, "pub ");
    let mut missing = Vec::new();
    for o in OPERATIONS {
        if !methods.contains(&o.rust) {
            missing.push(format!("PaySg::{}", o.rust));
        }
    }
    for o in OPTIONS {
        let Some(rust) = o.rust else { continue };
        // The API key is `Config::new`'s argument.
        if o.client && rust != "api_key" && !builders.contains(&rust) {
            missing.push(format!("Config::{rust}"));
        }
        if o.call && !call_fields.contains(&rust) {
            missing.push(format!("CallOptions::{rust}"));
        }
    }
    let mut gaps: Vec<String> = KNOWN_GAPS.iter().map(|g| (*g).to_owned()).collect();
    gaps.sort_unstable();
    missing.sort_unstable();
    assert_eq!(
        missing, gaps,
        "the gloo client's gaps against src/surface/ changed: update KNOWN_GAPS"
    );
}
