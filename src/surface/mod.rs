//! The public surface of the SDK, described once: the client's operations and the package's
//! functions ([`OPERATIONS`], [`FUNCTIONS`]), the client's and each call's options
//! ([`OPTIONS`]), and the error classes ([`ERROR_CLASSES`]).
//!
//! Everything else is generated from this description or checked against it: the contract
//! generator (`crates/contract`) writes the JS tables the npm package's client is built from
//! (`pkg/gen/surface.js`: its call methods and the option names it reads), and the README's
//! operation, option and error tables; tests check [`crate::client::Op`], the options Rust
//! reads ([`crate::client::Options`]), [`crate::client::ClientError::CLASSES`], the
//! TypeScript declarations and the gloo client against it.

mod errors;
mod functions;
mod operations;
mod options;

pub use errors::{ERROR_CLASSES, PACKAGE_CODES};
pub use functions::FUNCTIONS;
pub use operations::OPERATIONS;
pub use options::OPTIONS;

use crate::client::Op;

/// What a parameter of a call method carries to the planned call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carries {
    /// The payment's id (`paymentId`).
    PaymentId,
    /// The request's body.
    Body,
    /// The query of a list.
    Query,
    /// The call's options ([`OPTIONS`] with [`OptionSpec::call`]).
    CallOptions,
    /// Something a composite method reads itself.
    Other,
}

/// A parameter of a method or function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param {
    /// Its JS name.
    pub name: &'static str,
    /// Its TypeScript type.
    pub ts: &'static str,
    /// Whether it may be left out.
    pub optional: bool,
    /// How the README's signature shows it (its name, or the members it reads).
    pub shown: &'static str,
    /// What it carries.
    pub carries: Carries,
}

/// What a method resolves to, for the generated JS method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolves {
    /// The decoded answer of the call.
    Answer,
    /// Nothing (`Promise<void>`).
    Nothing,
}

/// One method of the client `PaySG`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The JS method's name (`createPayment`).
    pub js: &'static str,
    /// The Rust (gloo) client's method's name (`create_payment`).
    pub rust: &'static str,
    /// The one planned call it makes, when it is a plain call: the JS method is generated.
    /// `None` for the composite methods, written by hand over the plain ones.
    pub call: Option<Op>,
    /// Whether it is a static method of the class.
    pub is_static: bool,
    /// Its parameters, in order.
    pub params: &'static [Param],
    /// The TypeScript type it returns.
    pub returns_ts: &'static str,
    /// What the generated JS method resolves to (plain calls only).
    pub resolves: Resolves,
    /// The README's "request" column.
    pub request: &'static str,
    /// The README's "returns" column.
    pub returns: &'static str,
    /// Its documentation in the TypeScript declarations, one string per line.
    pub doc: &'static [&'static str],
}

/// One function the package exports (not a method of the client).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Function {
    /// Its JS name.
    pub js: &'static str,
    /// Its parameters, in order.
    pub params: &'static [Param],
    /// What it does, in one line.
    pub doc: &'static str,
}

/// Where an option is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionSpec {
    /// Its JS name (`timeoutMs`).
    pub name: &'static str,
    /// The Rust (gloo) builder method that sets it, if the Rust client has it.
    pub rust: Option<&'static str>,
    /// Its TypeScript type.
    pub ts: &'static str,
    /// A client option (`new PaySG(options)`).
    pub client: bool,
    /// A call option (`opts` of every call).
    pub call: bool,
    /// Whether the client requires it.
    pub required: bool,
    /// Whether the JS shell reads it itself (a function, a signal), rather than Rust.
    pub shell: bool,
    /// Its default, in words (`None`: none).
    pub default: Option<&'static str>,
    /// What it does, its unit and limits.
    pub doc: &'static str,
    /// The client's property that shows the value in use (its TypeScript type and doc), if any.
    pub property: Option<(&'static str, &'static str)>,
}

/// An error class of the npm package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorClass {
    /// The class name (`PaySGApiError`).
    pub name: &'static str,
    /// Its `code`s, as the README shows them.
    pub codes: &'static str,
    /// The `kind`s of [`crate::client::ClientError`] that become this class.
    pub kinds: &'static [&'static str],
    /// Its own fields, beyond `name`, `code` and `message`.
    pub fields: &'static [&'static str],
    /// When it is thrown.
    pub when: &'static str,
    /// The README's "fields" column.
    pub fields_shown: &'static str,
}

/// The operation whose JS method is `js`.
pub fn operation(js: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|o| o.js == js)
}

/// The names of the options Rust reads from a client's options, in order.
pub fn client_option_names() -> impl Iterator<Item = &'static str> {
    OPTIONS
        .iter()
        .filter(|o| o.client && !o.shell && o.name != LIMITS)
        .map(|o| o.name)
}

/// The names of the options Rust reads from a call's options, in order.
pub fn call_option_names() -> impl Iterator<Item = &'static str> {
    OPTIONS
        .iter()
        .filter(|o| o.call && !o.shell && o.name != LIMITS)
        .map(|o| o.name)
}

/// The fields of `listPayments`' `params` that Rust reads ([`crate::client::plan::Query`]), in
/// order: the JS layer passes these, and only these, as scalars.
pub const LIST_QUERY: [&str; 3] = ["limit", "before", "after"];

/// The fields of `listAllPayments`' `params` that Rust reads
/// ([`crate::client::list_all::Params`]), in order.
pub const LIST_ALL_PARAMS: [&str; 5] = ["limit", "after", "before", "maxItems", "maxPages"];

/// `limits`: read as an object of its own (the JS layer encodes it whole).
pub const LIMITS: &str = "limits";

#[cfg(test)]
mod tests;
