//! What is generated from the description of the public surface ([`paysg::surface`]):
//! `pkg/gen/surface.js` (the option names the client reads, and its plain call methods) and
//! the README's tables of methods, options and errors.

use paysg::surface::{
    call_option_names, client_option_names, Carries, Resolves, ERROR_CLASSES, LIST_ALL_PARAMS,
    LIST_QUERY, OPERATIONS, OPTIONS,
};
use std::fmt::Write as _;

/// `pkg/gen/surface.js`.
pub fn javascript() -> String {
    let mut js = format!("// {}\n\n", super::GENERATED);
    let list = |names: &mut dyn Iterator<Item = &str>| {
        names
            .map(|n| format!("{n:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(
        js,
        "/** The client options Rust reads (as scalars; `limits` as an object of its own). */\nexport const CLIENT_OPTIONS = [{}];",
        list(&mut client_option_names())
    );
    let _ = writeln!(
        js,
        "/** The call options Rust reads (as scalars; `limits` as an object of its own). */\nexport const CALL_OPTIONS = [{}];",
        list(&mut call_option_names())
    );
    let _ = writeln!(
        js,
        "/** The fields of `listPayments`' params Rust reads (as scalars). */\nexport const LIST_QUERY = [{}];",
        list(&mut LIST_QUERY.into_iter())
    );
    let _ = writeln!(
        js,
        "/** The fields of `listAllPayments`' params Rust reads (as scalars). */\nexport const LIST_ALL_PARAMS = [{}];",
        list(&mut LIST_ALL_PARAMS.into_iter())
    );
    js.push_str(
        "\n/**\n * Defines the client's plain call methods on `proto`: each gathers its arguments and makes one\n * planned call, `send(client, op, opts, args)`.\n */\nexport function defineCalls(proto, send) {\n  const methods = {\n",
    );
    for o in OPERATIONS {
        let Some(op) = o.call else { continue };
        let names: Vec<&str> = o.params.iter().map(|p| p.name).collect();
        let mut opts = "undefined";
        let mut args = Vec::new();
        for p in o.params {
            match p.carries {
                Carries::PaymentId if p.name == "paymentId" => args.push("paymentId".to_owned()),
                Carries::PaymentId => args.push(format!("paymentId: {}", p.name)),
                Carries::Body => args.push(format!("body: {}", p.name)),
                Carries::Query => args.push(format!("query: {}", p.name)),
                Carries::CallOptions => opts = p.name,
                Carries::Other => {}
            }
        }
        let call = format!(
            "send(this, {:?}, {opts}, {{ {} }})",
            op.name(),
            args.join(", ")
        );
        let (prefix, body) = match o.resolves {
            Resolves::Answer => ("", format!("return {call};")),
            Resolves::Nothing => ("async ", format!("await {call};")),
        };
        let _ = writeln!(
            js,
            "    {prefix}{}({}) {{\n      {body}\n    }},",
            o.js,
            names.join(", ")
        );
    }
    js.push_str(
        "  };\n  for (const name of Object.keys(methods)) {\n    Object.defineProperty(proto, name, { value: methods[name], writable: true, configurable: true, enumerable: false });\n  }\n}\n",
    );
    js
}

/// A method's signature as the README shows it: `refundPayment(paymentId, { … }, opts?)`.
fn signature(js: &str, params: &[paysg::surface::Param]) -> String {
    let params: Vec<String> = params
        .iter()
        .map(|p| format!("{}{}", p.shown, if p.optional { "?" } else { "" }))
        .collect();
    format!("{js}({})", params.join(", "))
}

/// The README's table of the client's methods.
pub fn operations_table() -> String {
    let mut t = String::from("| method | request | returns |\n|---|---|---|\n");
    for o in OPERATIONS {
        let name = if o.is_static {
            format!("PaySG.{}", o.js)
        } else {
            o.js.to_owned()
        };
        let static_ = if o.is_static { " (static)" } else { "" };
        let _ = writeln!(
            t,
            "| `{}`{static_} | {} | {} |",
            signature(&name, o.params),
            o.request,
            o.returns
        );
    }
    t
}

/// The README's table of the client's and each call's options.
pub fn options_table() -> String {
    let mut t =
        String::from("| option | client | call | default | what |\n|---|---|---|---|---|\n");
    let yes = |b: bool| if b { "yes" } else { "" };
    for o in OPTIONS {
        let client = if o.required {
            "required"
        } else {
            yes(o.client)
        };
        let _ = writeln!(
            t,
            "| `{}` | {client} | {} | {} | {} |",
            o.name,
            yes(o.call),
            o.default.unwrap_or(""),
            o.doc
        );
    }
    t
}

/// The README's table of error classes.
pub fn errors_table() -> String {
    let mut t = String::from("| class | when | fields |\n|---|---|---|\n");
    for c in ERROR_CLASSES {
        let _ = writeln!(
            t,
            "| `{}` ({}) | {} | {} |",
            c.name, c.codes, c.when, c.fields_shown
        );
    }
    t
}

/// Every README table generated here and in the crate root, by the name its marker gives.
pub fn readme_tables() -> Vec<(&'static str, String)> {
    vec![
        ("operations_table", operations_table()),
        ("options_table", options_table()),
        ("errors_table", errors_table()),
        ("rules_table", super::rules_table()),
        ("mappings_table", super::mappings_table()),
        ("limits_table", super::limits_table()),
        ("codes_table", super::codes_table()),
    ]
}

/// `readme` with the table after each `<!-- generated: paysg_contract::NAME … -->` marker
/// replaced by the generated one (a table ends at the first line that does not start with `|`).
pub fn update_readme(readme: &str) -> String {
    let tables = readme_tables();
    let mut out = String::with_capacity(readme.len());
    let mut lines = readme.lines().peekable();
    while let Some(line) = lines.next() {
        out.push_str(line);
        out.push('\n');
        let table = line
            .strip_prefix("<!-- generated: paysg_contract::")
            .and_then(|rest| rest.split([' ', '-']).next())
            .and_then(|name| tables.iter().find(|(n, _)| *n == name));
        if let Some((_, table)) = table {
            while lines.peek().is_some_and(|l| l.starts_with('|')) {
                lines.next();
            }
            out.push_str(table);
        }
    }
    out
}

/// A JSDoc block of `lines`, at two spaces: on one line when there is one.
fn member_doc(lines: &[&str]) -> String {
    match lines {
        [] => String::new(),
        [one] => format!("  /** {one} */\n"),
        _ => {
            let mut t = String::from("  /**\n");
            for l in lines {
                let _ = writeln!(t, "   * {l}");
            }
            t + "   */\n"
        }
    }
}

/// `PaySGOperation`: the methods that make one planned call, as events name them.
pub fn operation_type() -> String {
    let names: Vec<String> = OPERATIONS
        .iter()
        .filter(|o| o.call.is_some())
        .map(|o| format!("{:?}", o.js))
        .collect();
    format!(
        "/** The public method that made a call, as events name it. */\nexport type PaySGOperation = {};\n",
        names.join(" | ")
    )
}

/// The declaration of the client class `PaySG`: its properties from [`OPTIONS`], its methods
/// from [`OPERATIONS`].
pub fn paysg_class() -> String {
    let mut t = String::from(
        "/** The PaySG client: every endpoint, with validation, retries, idempotency and deadlines. */\nexport declare class PaySG {\n  /** @throws {PaySGValidationError} for bad options; {@link PaySGError} `browser_not_allowed` in a browser page */\n  constructor(options: PaySGOptions);\n",
    );
    let properties: Vec<(&str, &str, &str)> = OPTIONS
        .iter()
        .filter_map(|o| o.property.map(|(ts, doc)| (o.name, ts, doc)))
        .collect();
    for (name, ts, doc) in &properties {
        let _ = writeln!(t, "{}  readonly {name}: {ts};", member_doc(&[doc]));
    }
    for o in OPERATIONS {
        let params: Vec<String> = o
            .params
            .iter()
            .map(|p| format!("{}{}: {}", p.name, if p.optional { "?" } else { "" }, p.ts))
            .collect();
        let static_ = if o.is_static { "static " } else { "" };
        let _ = writeln!(
            t,
            "{}  {static_}{}({}): {};",
            member_doc(o.doc),
            o.js,
            params.join(", "),
            o.returns_ts
        );
    }
    let shown: Vec<String> = properties
        .iter()
        .map(|(name, ts, _)| format!("{name}: {ts}"))
        .collect();
    let _ = writeln!(
        t,
        "  /** The settings, never the API key. */\n  toJSON(): {{ {} }};\n}}",
        shown.join("; ")
    );
    t
}

/// An options interface: the [`OPTIONS`] that `pick` keeps, each with its doc and default.
pub fn options_interface(
    name: &str,
    doc: &str,
    pick: fn(&paysg::surface::OptionSpec) -> bool,
) -> String {
    let mut t = format!("/** {doc} */\nexport interface {name} {{\n");
    for o in OPTIONS.iter().filter(|o| pick(o)) {
        let mut text = o.doc.to_owned();
        if let Some(d) = o.default {
            let _ = write!(text, " (default {d})");
        }
        let mut chars = text.chars();
        let text: String = chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default();
        let optional = if o.required && pick(o) && o.client {
            ""
        } else {
            "?"
        };
        let _ = writeln!(
            t,
            "{}  {}{optional}: {};",
            member_doc(&[&format!("{text}.")]),
            o.name,
            o.ts
        );
    }
    t.push_str("}\n");
    t
}
