//! The contract between the Rust core and the npm package, written out from the Rust
//! definitions at build time (`cargo run -p paysg-contract -- pkg/gen`, which
//! `npm run build` runs): nothing here is typed twice.
//!
//! * [`javascript`] → `pkg/gen/contract.js`: the problem codes, signature failure reasons,
//!   outcome kinds, the create-payment fields and the fast path's layout, the webhook handler's
//!   answers and numbers, as JS constants.
//! * [`typescript`] → `pkg/gen/types.d.ts`: the declarations of every data type of the package
//!   (from the serde types through tsify, and from the field table), which the build puts in
//!   front of the hand-written declarations of the functions and classes
//!   (`pkg/src/index.d.ts`).
//! * [`surface_javascript`] → `pkg/gen/surface.js`: from the description of the public surface
//!   (`paysg::surface`), the option names the client reads and its plain call methods.
//! * [`readme_tables`]: the README's tables (methods, options, errors, rules, codes, limits),
//!   which a test compares with the README and `paysg-contract --readme README.md` rewrites.

mod settings;
mod surface;
mod webhook;
pub use self::settings::{limits_table, mappings_table};
pub use self::surface::{
    errors_table, javascript as surface_javascript, operations_table, options_table, paysg_class,
    readme_tables, update_readme,
};

use paysg::client::ClientError;
use paysg::fast;
use paysg::model::{LineItem, PageInfo, Payment, PaymentList, WebhookEvent, WebhookEventData};
use paysg::request::{HttpRequest, IDEMPOTENCY_KEY_MAX, LIVE_KEY_PREFIX, STAGING_KEY_PREFIX};
use paysg::validate::fields::{AMOUNT, DUE_DATE, LINE_ITEMS, METADATA};
use paysg::validate::money::{dollars, grouped};
use paysg::validate::rules::{AMOUNT_LIMIT, LIMITS, PAYER_IDENTIFIER_LIMIT};
use paysg::validate::{
    Code, Field, FieldError, Kind, CREATE_PAYMENT_FIELDS, LINE_ITEMS_TOTAL_MAX,
    LINE_ITEM_DESCRIPTION_MAX, METADATA_KEY_MAX, METADATA_MAX_ENTRIES, METADATA_VALUE_MAX,
    REFUND_FIELDS,
};
use paysg::webhook::{Reason, DEFAULT_TOLERANCE_S, MAX_BODY_BYTES, RETRY_WINDOW_S};
use std::fmt::Write as _;
use tsify::Tsify;

/// The first line of every generated file.
const GENERATED: &str =
    "Generated from the Rust crate (crates/contract) by `npm run build`: do not edit.";

/// `pkg/gen/contract.js`.
pub fn javascript() -> String {
    let mut js = format!("// {GENERATED}\n\n");
    let strings = |items: &mut dyn Iterator<Item = &str>| {
        items
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(
        js,
        "/** Problem codes, in the order of Rust's `Code::ALL` (the fast path sends an index). */\nexport const CODE_ORDER = [{}];",
        strings(&mut Code::ALL.iter().map(|c| c.as_str()))
    );
    let field = |c: &&str| format!("{c}: {c:?}");
    let problems: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    // `/* @__PURE__ */`: a bundle that uses neither object drops it (esbuild, Rollup, webpack
    // cannot tell that `Object.freeze` has no side effect). The validation-only page needs only
    // PROBLEMS; the client's codes stay out of it.
    let _ = writeln!(
        js,
        "/** The problem codes, by name (`PROBLEMS.too_long`): what a validation reports. */\nexport const PROBLEMS = /* @__PURE__ */ Object.freeze({{ __proto__: null, {} }});",
        problems.iter().map(field).collect::<Vec<_>>().join(", ")
    );
    let mut others: Vec<&str> = ClientError::CLASSES.iter().map(|(kind, _)| *kind).collect();
    others.extend(paysg::surface::PACKAGE_CODES);
    let mut named = problems.clone();
    named.append(&mut others);
    let mut seen = std::collections::BTreeSet::new();
    named.retain(|c| seen.insert(*c));
    // Each code written out, not `...PROBLEMS`: a bundler keeps an object with a spread (it may
    // run a getter), and the validation-only page would carry CODES again.
    let _ = writeln!(
        js,
        "/** Every code the package uses, by name (`CODES.payment_mismatch`): problems', error kinds', the others'. */\nexport const CODES = /* @__PURE__ */ Object.freeze({{ __proto__: null, {} }});",
        named.iter().map(field).collect::<Vec<_>>().join(", ")
    );
    let _ = writeln!(
        js,
        "/** Why a webhook did not verify (`PaySGSignatureError.reason`). */\nexport const REASONS = [{}];",
        strings(&mut Reason::ALL.iter().map(|r| r.as_str()))
    );
    let kinds: Vec<String> = ClientError::CLASSES
        .iter()
        .map(|(kind, class)| format!("{kind:?}: {class:?}"))
        .collect();
    let _ = writeln!(
        js,
        "/** How a client call fails (`kind` of an error) → the error class it throws. */\nexport const ERRORS = {{ {} }};",
        kinds.join(", ")
    );
    let _ = writeln!(
        js,
        "/** The create-payment fields, in PaySG's order (a field's bit in the fast path's masks is its index). */\nexport const FIELDS = [{}];",
        strings(&mut CREATE_PAYMENT_FIELDS.iter().map(|f| f.name))
    );
    let mask = |pick: fn(&Field) -> bool| {
        CREATE_PAYMENT_FIELDS
            .iter()
            .enumerate()
            .filter(|(_, f)| pick(f))
            .fold(0u32, |m, (i, _)| m | 1 << i)
    };
    let constants: [(&str, String, &str); 23] = [
        ("STRING_FIELDS", mask(|f| f.kind.is_string()).to_string(), "fields that hold a string"),
        ("TEXT_RULES", mask(|f| f.reads_text()).to_string(), "string fields whose rules read the text (never sent by length only)"),
        ("AMOUNT", AMOUNT.to_string(), "index of the amount field"),
        ("METADATA", METADATA.to_string(), "index of the metadata field"),
        ("LINE_ITEMS", LINE_ITEMS.to_string(), "index of the line-items field"),
        ("DUE_DATE", DUE_DATE.to_string(), "index of the due-date field (the one that takes a Date)"),
        ("ABSENT", fast::ABSENT.to_string(), "header word: field absent"),
        ("HEADER_WORDS", fast::HEADER_WORDS.to_string(), "header length in u32 words"),
        ("METADATA_LENGTHS", fast::METADATA_LENGTHS.to_string(), "header index of the first metadata key length"),
        ("MAX_FAST_METADATA", fast::MAX_FAST_METADATA.to_string(), "most metadata entries the fast path takes"),
        ("TEXT_FIELDS", fast::TEXT_FIELDS.to_string(), "header index of the mask of fields sent as text"),
        ("TEXT_METADATA", fast::TEXT_METADATA.to_string(), "header index of the mask of metadata strings sent as text"),
        ("FIRST_CHARS", fast::FIRST_CHARS.to_string(), "header index of the first characters of length-only strings (fields, then metadata strings)"),
        ("INVALID", fast::INVALID.to_string(), "answer bit: invalid"),
        ("DETAILS", fast::DETAILS.to_string(), "answer bit with INVALID: the problems are in the header and buffer"),
        ("DUE_DATE_REWRITTEN", fast::DUE_DATE_REWRITTEN.to_string(), "answer bit of a valid input: the normalised due_date is in the buffer"),
        ("LENGTH_ONLY_MIN", fast::LENGTH_ONLY_FIRST.start().to_string(), "a string sent by length only starts with a character code from this"),
        ("LENGTH_ONLY_MAX", fast::LENGTH_ONLY_FIRST.end().to_string(), "… to this"),
        ("MAX_INPUT_CHARS", paysg::json_entry::MAX_INPUT_CHARS.to_string(), "longest input text handed to the module"),
        ("DEFAULT_TOLERANCE_S", DEFAULT_TOLERANCE_S.to_string(), "verifyWebhook's default tolerance, in seconds"),
        ("MAX_WEBHOOK_BODY", MAX_BODY_BYTES.to_string(), "the largest webhook body verified, in bytes"),
        ("WEBHOOK_RETRY_WINDOW_S", RETRY_WINDOW_S.to_string(), "how long PaySG retries a failed delivery, in seconds"),
        ("IDEMPOTENCY_KEY_MAX", IDEMPOTENCY_KEY_MAX.to_string(), "longest Idempotency-Key"),
    ];
    for (name, value, doc) in constants {
        let _ = writeln!(js, "/** {doc} */\nexport const {name} = {value};");
    }
    js + &field_functions() + &webhook::javascript()
}

/// The two functions of the fast path that name each field: written out field by field (named
/// property stores, kind checks with the kind known), which V8 runs faster than a loop over the
/// table (measured: ≈ 40 ns of a 0.9 µs call for the reading, more for the value).
fn field_functions() -> String {
    let mut read = String::from(
        "\nconst hasOwn = Object.prototype.hasOwnProperty;\nconst objectPrototype = Object.prototype;\n\
         /** A string with no lone surrogate (the JSON path writes one as U+FFFD, in Rust). */\n\
         export const wellFormed = String.prototype.isWellFormed ? (s) => s.isWellFormed() : () => true;\n\n\
         /**\n * Reads a create-payment input's own enumerable keys into `vals` by field index, each value\n\
         * once: strings (a valid `Date` as ISO text where a date is read), the amount (any number),\n\
         * metadata (a plain object). A string with a lone surrogate is left to the JSON path, which\n\
         * writes it as U+FFFD. Returns a mask of the fields present (not null or undefined;\n\
         * bit i for field i), or -1 when a key or a value's type is one the fast path does not take\n\
         * (the JSON path reports it), or when a key is inherited (it is not read: a polluted\n\
         * Object.prototype). Slots of absent fields are left as they were.\n */\n\
         export function readFields(input, vals) {\n  let present = 0;\n  for (const k in input) {\n    if (!hasOwn.call(input, k)) return -1;\n    switch (k) {\n",
    );
    let mut build = String::from(
        "\n/** The normalised body from a valid answer of the fast path (bit i: field i is kept). */\n\
         export function buildValue(answer, vals, md, dueDate) {\n  const value = {};\n",
    );
    for (i, f) in CREATE_PAYMENT_FIELDS.iter().enumerate() {
        let name = format!("{:?}", f.name);
        let check = match f.kind {
            Kind::DueDate => "if (typeof x !== \"string\") { if (!(x instanceof Date)) return -1; x = x.toISOString(); } else if (!wellFormed(x)) return -1;",
            Kind::Amount { .. } => "if (typeof x !== \"number\") return -1;",
            Kind::Metadata => {
                "if (typeof x !== \"object\" || Object.getPrototypeOf(x) !== objectPrototype) return -1;"
            }
            Kind::LineItems => "return -1;",
            _ => "if (typeof x !== \"string\" || !wellFormed(x)) return -1;",
        };
        let _ = writeln!(
            read,
            "      case {name}: {{ let x = input[k]; if (x != null) {{ {check} vals[{i}] = x; present |= {}; }} break; }}",
            1u32 << i
        );
        let value = match f.kind {
            Kind::Metadata => "md ?? {}".to_owned(),
            Kind::DueDate => format!("dueDate ?? vals[{i}]"),
            _ => format!("vals[{i}]"),
        };
        let _ = writeln!(
            build,
            "  if (answer & {}) value.{} = {value};",
            1u32 << i,
            f.name
        );
    }
    read.push_str("      default: return -1;\n    }\n  }\n  return present;\n}\n");
    build.push_str("  return value;\n}\n");
    read + &build
}

/// The rule of a field, in words: the TypeScript docs and the README's rules table.
pub fn rule(field: &Field) -> String {
    let presence = if field.required {
        "required"
    } else {
        "optional"
    };
    match field.kind {
        Kind::Text { max } if field.required && field.ascii_only => {
            format!("required string, 1–{max} characters, not only whitespace, ASCII only (`normaliseText` maps common characters first)")
        }
        Kind::Text { max } if field.ascii_only => format!(
            "optional string, at most {max} characters, ASCII only (`normaliseText` maps common characters first)"
        ),
        Kind::Text { max } if field.required => {
            format!("required string, 1–{max} characters, not only whitespace")
        }
        Kind::Text { max } if field.name == LIMITS[PAYER_IDENTIFIER_LIMIT].name => format!(
            "optional string, at most {max} characters by default (`limits.{}` sets up to {})",
            field.name, LIMITS[PAYER_IDENTIFIER_LIMIT].max
        ),
        Kind::Text { max } => format!("optional string, at most {max} characters"),
        Kind::Email { max } => format!(
            "{presence} email address (`local@domain.tld`), at most {max} characters"
        ),
        Kind::DueDate => format!(
            "{presence} date: `31-DEC-2023` (month in any case), ISO `2023-12-31`, an ISO date-time, or a JS `Date` (its calendar date in Singapore); sent as `dd-MMM-yyyy`, and must exist on the calendar"
        ),
        Kind::HttpsUrl => format!("{presence} absolute `https://` URL"),
        Kind::Amount { min, max } if field.name == LIMITS[AMOUNT_LIMIT].name => format!(
            "{presence} whole number of cents, {} to {} ({} to {}) by default (`limits.{}` sets up to {})",
            grouped(u64::from(min)),
            grouped(u64::from(max)),
            dollars(u64::from(min)),
            dollars(u64::from(max)),
            field.name,
            grouped(LIMITS[AMOUNT_LIMIT].max)
        ),
        Kind::Amount { min, max } => format!(
            "{presence} whole number of cents, {} to {} ({} to {})",
            grouped(u64::from(min)),
            grouped(u64::from(max)),
            dollars(u64::from(min)),
            dollars(u64::from(max))
        ),
        Kind::Metadata => format!(
            "{presence} object of at most {METADATA_MAX_ENTRIES} entries; keys 1–{METADATA_KEY_MAX} characters, values strings of at most {METADATA_VALUE_MAX}; sent as `{{}}` when absent"
        ),
        Kind::LineItems => format!(
            "{presence} array of `{{ description (1–{LINE_ITEM_DESCRIPTION_MAX} characters), amount_in_cents }}`, the amounts adding up to at most {} ({}); other item keys are refused",
            grouped(LINE_ITEMS_TOTAL_MAX),
            dollars(LINE_ITEMS_TOTAL_MAX)
        ),
    }
}

/// The README's table of create-payment rules.
pub fn rules_table() -> String {
    let mut t = String::from("| field | rule |\n|---|---|\n");
    for f in CREATE_PAYMENT_FIELDS {
        let _ = writeln!(t, "| `{}` | {} |", f.name, rule(f));
    }
    t
}

/// The README's table of problem codes.
pub fn codes_table() -> String {
    let mut t = String::from("| code | meaning |\n|---|---|\n");
    for c in Code::ALL {
        let _ = writeln!(t, "| `{}` | {} |", c.as_str(), c.meaning());
    }
    t
}

/// A JSDoc block, indented by `indent`.
fn jsdoc(indent: &str, lines: &[&str]) -> String {
    let mut out = format!("{indent}/**\n");
    for l in lines {
        let _ = writeln!(out, "{indent} * {l}");
    }
    let _ = writeln!(out, "{indent} */");
    out
}

/// The TypeScript type of a field, in the input (`input`) or in the normalised body.
fn field_type(kind: Kind, input: bool) -> &'static str {
    match kind {
        Kind::Text { .. } | Kind::Email { .. } | Kind::HttpsUrl => "string",
        Kind::DueDate if input => "string | Date",
        Kind::DueDate => "string",
        Kind::Amount { .. } => "number",
        Kind::Metadata => "Record<string, string>",
        Kind::LineItems => "LineItem[]",
    }
}

/// An interface for a field table: the input a caller passes (`input`), or the normalised body.
fn body_interface(name: &str, doc: &str, fields: &[Field], input: bool) -> String {
    let mut t = jsdoc("", &[doc]);
    let _ = writeln!(t, "export interface {name} {{");
    for f in fields {
        let rule = rule(f);
        t += &jsdoc("  ", &[f.doc, &format!("Rule: {rule}.")]);
        let ty = field_type(f.kind, input);
        let always = f.required || (!input && f.kind == Kind::Metadata);
        let _ = match (always, input) {
            (true, _) => writeln!(t, "  {}: {ty};", f.name),
            (false, true) => writeln!(t, "  {}?: {ty} | null;", f.name),
            (false, false) => writeln!(t, "  {}?: {ty};", f.name),
        };
    }
    t.push_str("}\n");
    t
}

/// A string union with a JSDoc line per member.
fn union(name: &str, doc: &str, members: &[(&str, &str)]) -> String {
    let mut lines = vec![doc.to_owned()];
    lines.extend(
        members
            .iter()
            .map(|(m, meaning)| format!("- `{m}`: {meaning}")),
    );
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let mut t = jsdoc("", &lines);
    let alternatives: Vec<String> = members.iter().map(|(m, _)| format!("{m:?}")).collect();
    let _ = writeln!(t, "export type {name} = {};", alternatives.join(" | "));
    t
}

/// `pkg/gen/types.d.ts`: every data type of the package.
pub fn typescript() -> String {
    let mut t = format!("// {GENERATED}\n\n");
    let codes: Vec<_> = Code::ALL
        .iter()
        .map(|c| (c.as_str(), c.meaning()))
        .collect();
    t += &union(
        "FieldErrorCode",
        "The stable problem codes of a `FieldError`:",
        &codes,
    );
    let reasons: Vec<_> = Reason::ALL
        .iter()
        .map(|r| (r.as_str(), r.meaning()))
        .collect();
    t += &union(
        "SignatureFailureReason",
        "Why a webhook did not verify (`PaySGSignatureError.reason`):",
        &reasons,
    );
    for decl in [
        FieldError::DECL,
        LineItem::DECL,
        Payment::DECL,
        PageInfo::DECL,
        PaymentList::DECL,
        WebhookEventData::DECL,
        WebhookEvent::DECL,
        HttpRequest::DECL,
    ] {
        t.push('\n');
        t.push_str(decl);
        t.push('\n');
    }
    t.push('\n');
    t += &body_interface(
        "CreatePaymentInput",
        "A create-payment body as you pass it (PaySG's wire names, snake_case). Lengths count UTF-16 code units, as `String.prototype.length` does.",
        CREATE_PAYMENT_FIELDS,
        true,
    );
    t.push('\n');
    t += &body_interface(
        "CreatePaymentBody",
        "The normalised create-payment body that is sent: optional fields left out when absent, `due_date` as `dd-MMM-yyyy`, `metadata` always present.",
        CREATE_PAYMENT_FIELDS,
        false,
    );
    t.push('\n');
    t += &body_interface("RefundInput", "A refund body.", REFUND_FIELDS, true);
    t.push('\n');
    t += &surface::options_interface("PaySGOptions", "Options of {@link PaySG}.", |o| o.client);
    t.push('\n');
    t += &surface::options_interface(
        "CallOptions",
        "Options of one call (each overrides the client's).",
        |o| o.call,
    );
    t.push('\n');
    t += &options();
    t.push('\n');
    t += &surface::operation_type();
    t.push('\n');
    t += &surface::paysg_class();
    t.push('\n');
    t += &paysg::client::reconcile::json_entry::typescript();
    t.push('\n');
    t += &paysg::client::verify::messages::typescript();
    t
}

/// The client's and the webhook helpers' options, with the limits Rust checks.
fn options() -> String {
    format!(
        r#"/** Options of `buildCreatePaymentRequest`. */
export interface BuildRequestOptions {{
  /** `payment_service_…`. */
  paymentServiceId: string;
  /** `{STAGING_KEY_PREFIX}…` (staging) or `{LIVE_KEY_PREFIX}…` (live); any other key needs `baseUrl`. Never shown in errors. */
  apiKey: string;
  /** Overrides the base URL chosen from the key prefix: an absolute http(s) URL. */
  baseUrl?: string;
  /** Sent as `Idempotency-Key`: 1 to {IDEMPOTENCY_KEY_MAX} visible ASCII characters (a V4 UUID is recommended). */
  idempotencyKey?: string;
{settings}}}

/** One page of `listPayments`. */
export interface ListPaymentsParams {{
  /** Page size, a whole number from 1 to {LIST_LIMIT_MAX} (PaySG documents no bounds; paysg-sim has the same). */
  limit?: number;
  /** A `page_info.start_cursor`: the page before it (newer payments). Not with `after`. */
  before?: string;
  /** A `page_info.end_cursor`: the page after it (older payments). Not with `before`. */
  after?: string;
}}

/** What `listAllPayments` reads. */
export interface ListAllPaymentsParams {{
  /** Page size of each request, 1 to {LIST_LIMIT_MAX} (default {LIST_ALL_DEFAULT_LIMIT}). */
  limit?: number;
  /** Start after this cursor (a `page_info.end_cursor`). `before` is refused: the list follows `after` cursors. */
  after?: string;
  /** Stop with `list_cap_reached` when there are more than this many payments: a whole number from 1 to {LIST_ALL_MAX} (default {LIST_ALL_DEFAULT_MAX_ITEMS}). */
  maxItems?: number;
  /** Stop with `list_cap_reached` after this many pages with more to read: a whole number from 1 to {LIST_ALL_MAX} (default 2 × ceil(maxItems / limit) + 10). {LIST_ALL_EMPTY_RUN} empty pages in a row that each claim a next page, or a cursor seen before, stop with `invalid_response`. */
  maxPages?: number;
}}

/** Options of `verifyWebhook` and `verifyWebhookRequest`. */
export interface VerifyWebhookOptions {{
  /** How far the signature's timestamp may be from `now`, in seconds, in both directions (default {DEFAULT_TOLERANCE_S}; `Infinity` turns the check off). */
  toleranceSeconds?: number;
  /** The time to check against: milliseconds since the epoch, or a `Date` (default `Date.now()`). */
  now?: number | Date;
}}
"#,
        LIST_LIMIT_MAX = paysg::client::plan::LIST_LIMIT_MAX,
        LIST_ALL_DEFAULT_LIMIT = paysg::client::list_all::DEFAULT_LIMIT,
        LIST_ALL_DEFAULT_MAX_ITEMS = grouped(paysg::client::list_all::DEFAULT_MAX_ITEMS),
        LIST_ALL_MAX = grouped(paysg::client::list_all::MAX_ITEMS_LIMIT),
        LIST_ALL_EMPTY_RUN = paysg::client::list_all::EMPTY_RUN_MAX,
        settings = settings::members(),
    ) + "\n"
        + &settings::typescript()
}
