//! The declarations and README tables of the create-payment settings (`normaliseText`,
//! `limits`), from [`paysg::validate::rules::LIMITS`] and [`paysg::validate::ascii::MAPPINGS`].

use paysg::validate::ascii::MAPPINGS;
use paysg::validate::money::grouped;
use paysg::validate::rules::LIMITS;
use std::fmt::Write as _;

/// The JSDoc of `normaliseText` and `limits`, as members of an options interface.
pub(super) fn members() -> String {
    "  /**\n   * Map the common non-ASCII characters of `payer_name` and `payer_address` (curly quotes,\n   * dashes, ellipsis, no-break spaces, CJK comma and full stop, fullwidth letters) to ASCII\n   * before checking and sending; what remains is still refused as `non_ascii`. Default false.\n   */\n  normaliseText?: boolean;\n  /** Limits PaySG's own sources disagree on, instead of the guide's (a call's override its client's, key by key). */\n  limits?: Limits;\n".to_owned()
}

/// `Limits` and `ValidateOptions`.
pub(super) fn typescript() -> String {
    let mut t = String::from("/** Limits PaySG's own sources disagree on; each defaults to the guide's value. */\nexport interface Limits {\n");
    for l in LIMITS {
        let _ = writeln!(
            t,
            "  /** A whole number from {} to {} (default {}): {}. */\n  {}?: number;",
            grouped(l.min),
            grouped(l.max),
            grouped(l.default),
            l.source,
            l.name
        );
    }
    t.push_str(
        "}\n\n/** Options of `validateCreatePayment`. */\nexport interface ValidateOptions {\n",
    );
    t += &members();
    t.push_str("}\n");
    t
}

/// The README's table of the limits a caller may set.
pub fn limits_table() -> String {
    let mut t = String::from("| limit | default | may be set to | sources |\n|---|---|---|---|\n");
    for l in LIMITS {
        let _ = writeln!(
            t,
            "| `{}` | {} | {} to {} | {} |",
            l.name,
            grouped(l.default),
            grouped(l.min),
            grouped(l.max),
            l.source
        );
    }
    t
}

/// The README's table of what `normaliseText` maps.
pub fn mappings_table() -> String {
    let mut t = String::from("| characters | sent as |\n|---|---|\n");
    for (first, last, to, what) in MAPPINGS {
        let range = if first == last {
            format!("U+{:04X}", u32::from(*first))
        } else {
            format!("U+{:04X}–U+{:04X}", u32::from(*first), u32::from(*last))
        };
        let to = if to.is_empty() {
            "the ASCII character (`!`–`~`)".to_owned()
        } else {
            format!("`{}`", to.replace(' ', "␠"))
        };
        let _ = writeln!(t, "| {range} {what} | {to} |");
    }
    t
}
