//! Payer text PaySG refuses: non-ASCII characters in `payer_name` and `payer_address`, and the
//! opt-in (`normaliseText`) that maps the common ones to ASCII first.
//!
//! Evidence (`paysg-api.md` §20): Plumber, the one public production caller, found that "PaySG
//! only accepts ASCII" in payer text: curly quotes and dashes typed on phones, CJK punctuation
//! and fullwidth letters gave it "constantly … pipe failures" (opengovsg/plumber PR #465,
//! `normalize-special-chars.ts`), in `payer_name` and `payer_address`, the two fields it
//! normalises. The guide does not state the rule, and no source shows PaySG refusing non-ASCII
//! in `reference_id`, `description`, metadata or line items (agency-written text, not typed by
//! payers), so only those two fields are checked ([`super::Field::ascii_only`]).
//!
//! Positions are counted in UTF-16 code units from 0, as JavaScript indexes strings (the same
//! unit as every length here): `value.codePointAt(index)` reads the character.

use super::given::{string_field, Given};
use super::problems::{Code, Problems};
use super::rules::Rules;
use crate::strings::{is_blank, js_length};
use std::borrow::Cow;

/// What [`to_ascii`] maps, range by range: `(first, last, replacement)`; a replacement of `""`
/// means "the fullwidth form of an ASCII character" (`U+FF01`–`U+FF5E` → `!`–`~`). The README's
/// table is written from this.
pub const MAPPINGS: &[(char, char, &str, &str)] = &[
    ('\u{00A0}', '\u{00A0}', " ", "no-break space"),
    ('\u{2007}', '\u{2007}', " ", "figure space"),
    (
        '\u{2010}',
        '\u{2015}',
        "-",
        "hyphens and dashes (‐ ‑ ‒ – — ―)",
    ),
    ('\u{2018}', '\u{201B}', "'", "single quotes (‘ ’ ‚ ‛)"),
    ('\u{201C}', '\u{201F}', "\"", "double quotes (“ ” „ ‟)"),
    ('\u{2026}', '\u{2026}', "...", "ellipsis (…)"),
    ('\u{202F}', '\u{202F}', " ", "narrow no-break space"),
    ('\u{2212}', '\u{2212}', "-", "minus sign (−)"),
    ('\u{3000}', '\u{3000}', " ", "ideographic space"),
    ('\u{3001}', '\u{3001}', ",", "CJK comma (、)"),
    ('\u{3002}', '\u{3002}', ".", "CJK full stop (。)"),
    (
        '\u{FF01}',
        '\u{FF5E}',
        "",
        "fullwidth ASCII (Ａ-Ｚ ａ-ｚ ０-９ ！-～)",
    ),
];

/// The ASCII text `c` maps to under `normaliseText`, when it maps.
pub fn ascii_for(c: char) -> Option<Cow<'static, str>> {
    let (first, _, to, _) = MAPPINGS
        .iter()
        .find(|(first, last, _, _)| (*first..=*last).contains(&c))?;
    if to.is_empty() {
        // U+FF01..=U+FF5E are U+0021..=U+007E shifted by 0xFEE0.
        let ascii = char::from_u32(u32::from(c) - u32::from(*first) + 0x21)?;
        return Some(Cow::Owned(ascii.to_string()));
    }
    Some(Cow::Borrowed(*to))
}

/// `s` with every character [`ascii_for`] maps replaced; characters that do not map are kept
/// (and still refused). Borrowed when nothing changes.
pub fn to_ascii(s: &str) -> Cow<'_, str> {
    if s.is_ascii() || !s.chars().any(|c| ascii_for(c).is_some()) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match ascii_for(c) {
            Some(a) => out.push_str(&a),
            None => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// The first character of `s` PaySG refuses (not ASCII, and not mapped when `normalise`), its
/// index in UTF-16 code units, and how many such characters `s` holds.
pub fn first_refused(s: &str, normalise: bool) -> Option<(char, usize, usize)> {
    if s.is_ascii() {
        return None;
    }
    let mut found = None;
    let mut count = 0;
    let mut at = 0;
    for c in s.chars() {
        let mapped = normalise && ascii_for(c).is_some();
        if !(c.is_ascii() || mapped) {
            count += 1;
            found.get_or_insert((c, at));
        }
        at += c.len_utf16();
    }
    found.map(|(c, at)| (c, at, count))
}

/// A character for a message: `"’" (U+2019)`, or only `U+00A0` when it would not show.
pub fn shown_char(c: char) -> String {
    let invisible = c.is_whitespace()
        || c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{FE00}'..='\u{FE0F}')
        || ('\u{0300}'..='\u{036F}').contains(&c);
    if invisible {
        format!("U+{:04X}", u32::from(c))
    } else {
        format!("\"{c}\" (U+{:04X})", u32::from(c))
    }
}

/// Checks a payer-text field (one PaySG takes only in ASCII): its presence, type and length (of
/// the text sent, that is after [`to_ascii`] when `rules.normalise_text`) as
/// [`string_field`] does, and its characters. Whether the field goes into the body. Never
/// inlined: the rules are inlined into each of their callers, and this is the same for all.
#[inline(never)]
pub(crate) fn payer_text_field(
    p: &mut Problems,
    field: &str,
    value: Given<'_>,
    max: usize,
    required: bool,
    rules: &Rules,
) -> bool {
    let s = match value {
        Given::Str(s) if !(s.is_empty() || (required && is_blank(s))) => s,
        Given::Sized(_) if !rules.accept_non_ascii => {
            // The characters must be read (the fast path hands these fields over as text).
            p.need_text();
            return false;
        }
        other => return string_field(p, field, other, max, required).is_some(),
    };
    // Every mapping is one UTF-16 unit to one, except the ellipsis (one to three).
    let grown = if rules.normalise_text && !s.is_ascii() {
        2 * s.chars().filter(|c| *c == '\u{2026}').count()
    } else {
        0
    };
    let length_ok = string_field(p, field, Given::Sized(js_length(s) + grown), max, required);
    if rules.accept_non_ascii {
        return length_ok.is_some();
    }
    let Some((c, at, count)) = first_refused(s, rules.normalise_text) else {
        return length_ok.is_some();
    };
    p.push(field, Code::NonAscii, || {
        let more = match count {
            1 => String::new(),
            n => format!(" ({n} such characters in all)"),
        };
        let hint = match (rules.normalise_text, ascii_for(c)) {
            // Not `{a:?}`: Debug formatting of strings pulls Unicode tables into the module.
            (false, Some(a)) => format!("; normaliseText: true would send it as `{a}`"),
            _ => String::new(),
        };
        format!(
            "{field} has {} at index {at} (UTF-16 code units from 0){more}: PaySG accepts only ASCII in {field}{hint}",
            shown_char(c)
        )
    });
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mappings_are_ordered_and_disjoint_and_map_to_printable_ascii() {
        for w in MAPPINGS.windows(2) {
            assert!(w[0].1 < w[1].0, "{w:?}");
        }
        for (first, last, _, what) in MAPPINGS {
            assert!(first <= last && !what.is_empty());
            for c in *first..=*last {
                let a = ascii_for(c).map(|a| a.into_owned()).unwrap_or_default();
                assert!(
                    !a.is_empty() && a.bytes().all(|b| (0x20..0x7f).contains(&b)),
                    "{c:?}"
                );
            }
        }
        assert_eq!(ascii_for('\u{FF21}').as_deref(), Some("A"));
        assert_eq!(ascii_for('\u{FF5E}').as_deref(), Some("~"));
        assert_eq!(to_ascii("Tan"), Cow::Borrowed("Tan"));
        assert_eq!(to_ascii("O’Brien…"), "O'Brien...");
        assert_eq!(to_ascii("José"), "José");
    }

    #[test]
    fn positions_count_utf16_units_and_characters_are_shown() {
        assert_eq!(first_refused("abc", false), None);
        assert_eq!(first_refused("😀a’", false), Some(('😀', 0, 2)));
        assert_eq!(first_refused("a😀’é", true), Some(('😀', 1, 2)));
        assert_eq!(first_refused("’é", true), Some(('é', 1, 1)));
        assert_eq!(shown_char('’'), "\"’\" (U+2019)");
        assert_eq!(shown_char('\u{00A0}'), "U+00A0");
        assert_eq!(shown_char('\u{200B}'), "U+200B");
    }
}
