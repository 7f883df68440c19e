#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code
//! The contract written for the npm package and the README says what the Rust definitions say.

use paysg::validate::{Code, CREATE_PAYMENT_FIELDS};
use paysg::webhook::Reason;
use paysg_contract as contract;

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap()
}

#[test]
fn the_readme_tables_are_the_generated_ones() {
    let readme = readme();
    for (name, table) in contract::readme_tables() {
        let marker = format!("<!-- generated: paysg_contract::{name} ");
        assert!(readme.contains(&marker), "README.md has no marker {marker}");
        assert!(
            readme.contains(&table),
            "README.md's {name} differs from the Rust definitions: run `cargo run -p paysg-contract -- --readme README.md`; it should be:\n{table}"
        );
    }
    assert!(
        contract::update_readme(&readme) == readme,
        "README.md's generated tables are not the Rust definitions': run `cargo run -p paysg-contract -- --readme README.md`"
    );
}

#[test]
fn the_generated_javascript_lists_every_code_reason_and_field_in_order() {
    let js = contract::javascript();
    let list = |items: Vec<&str>| {
        items
            .iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let codes = list(Code::ALL.iter().map(|c| c.as_str()).collect());
    assert!(
        js.contains(&format!("export const CODE_ORDER = [{codes}];")),
        "{js}"
    );
    let reasons = list(Reason::ALL.iter().map(|r| r.as_str()).collect());
    assert!(js.contains(&format!("export const REASONS = [{reasons}];")));
    let fields = list(CREATE_PAYMENT_FIELDS.iter().map(|f| f.name).collect());
    assert!(js.contains(&format!("export const FIELDS = [{fields}];")));
    for f in CREATE_PAYMENT_FIELDS {
        assert!(
            js.contains(&format!("case {:?}:", f.name)),
            "readFields reads {}",
            f.name
        );
        assert!(
            js.contains(&format!("value.{} =", f.name)),
            "buildValue writes {}",
            f.name
        );
    }
}

#[test]
fn the_generated_types_declare_every_field_code_and_reason() {
    let ts = contract::typescript();
    for f in CREATE_PAYMENT_FIELDS {
        let optional = if f.required { ":" } else { "?:" };
        assert!(
            ts.contains(&format!("  {}{optional}", f.name)),
            "{}",
            f.name
        );
        assert!(
            ts.contains(&contract::rule(f)),
            "the docs carry {}'s rule",
            f.name
        );
    }
    for c in Code::ALL {
        assert!(ts.contains(&format!("{:?}", c.as_str())));
    }
    for r in Reason::ALL {
        assert!(ts.contains(&format!("{:?}", r.as_str())));
    }
    for name in [
        "Payment",
        "WebhookEvent",
        "PaymentList",
        "FieldError",
        "CreatePaymentInput",
    ] {
        assert!(ts.contains(&format!("export interface {name} ")), "{name}");
    }
}

#[test]
fn the_generated_types_include_the_reconcile_and_verify_declarations() {
    let ts = contract::typescript();
    assert!(
        ts.contains(&paysg::client::reconcile::json_entry::typescript()),
        "the package's declarations include reconcile's"
    );
    assert!(
        ts.contains(&paysg::client::verify::messages::typescript()),
        "the package's declarations include verifyPayment's"
    );
}

/// The hand-written declarations (`pkg/src/index.d.ts`).
fn index_dts() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../pkg/src/index.d.ts"
    ))
    .unwrap()
}

/// The body of `export declare class name … { … }` in `dts`.
fn class_body<'a>(dts: &'a str, name: &str) -> &'a str {
    let start = dts
        .find(&format!("export declare class {name} "))
        .unwrap_or_else(|| panic!("index.d.ts declares no class {name}"));
    let body = &dts[start..];
    &body[..body.find("\n}\n").unwrap()]
}

#[test]
fn the_declarations_have_every_error_class_with_its_fields() {
    let dts = index_dts();
    for c in paysg::surface::ERROR_CLASSES {
        let body = class_body(&dts, c.name);
        for field in c.fields {
            let declared = [": ", "?: "]
                .iter()
                .any(|s| body.contains(&format!("  {field}{s}")));
            assert!(
                declared || c.name == "PaySGError",
                "{}.{field} is declared",
                c.name
            );
        }
    }
}

#[test]
fn the_declarations_have_every_function_with_its_parameters() {
    let dts = index_dts();
    for f in paysg::surface::FUNCTIONS {
        let start = dts
            .find(&format!("export declare function {}(", f.js))
            .unwrap_or_else(|| panic!("index.d.ts declares no function {}", f.js));
        let decl = &dts[start..];
        let decl = &decl[..decl.find(");").unwrap()];
        for p in f.params {
            let optional = if p.optional { "?" } else { "" };
            assert!(
                decl.contains(&format!("{}{optional}: ", p.name)),
                "{}'s parameter {}{optional}",
                f.js,
                p.name
            );
        }
    }
}

#[test]
fn the_generated_class_has_every_operation() {
    let ts = contract::typescript();
    let class = class_body(&ts, "PaySG");
    for o in paysg::surface::OPERATIONS {
        let static_ = if o.is_static { "static " } else { "" };
        assert!(class.contains(&format!("  {static_}{}(", o.js)), "{}", o.js);
    }
    assert!(class.contains("  readonly attemptTimeoutMs: number;"));
}
