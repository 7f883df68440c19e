//! Amounts in cents: the amount rule, and how amounts and other numbers are shown in messages
//! and on the simulator's pages (without pulling float formatting into the wasm module). The
//! amounts' limits are defined here; `limits.amount_in_cents` ([`super::rules::LIMITS`]) ranges
//! over them.

use super::given::Given;
use super::problems::{Code, Problems};
use std::fmt::Write as _;

/// The smallest `amount_in_cents` (S$0.01).
pub const AMOUNT_MIN: u32 = 1;
/// The largest amount anywhere (S$999,999.99: older guide copies and Plumber, §18 C1): the most
/// `limits.amount_in_cents` may be set to, and the largest refund.
pub const AMOUNT_MAX: u32 = 99_999_999;
/// The largest `amount_in_cents` by default: the current guide's and FAQ's S$200,000 (§18 C1);
/// `limits.amount_in_cents` sets another.
pub const AMOUNT_DEFAULT_MAX: u32 = 20_000_000;
/// The largest sum of all line items' `amount_in_cents` (S$200,000).
pub const LINE_ITEMS_TOTAL_MAX: u64 = 20_000_000;

/// Cents as Singapore dollars, for messages and pages: `99999999` → `S$999,999.99`.
pub fn dollars(cents: u64) -> String {
    let mut out = String::from("S$");
    out.push_str(&grouped(cents / 100));
    let _ = write!(out, ".{:02}", cents % 100);
    out
}

/// An integer with thousands separators: `20000000` → `20,000,000`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A number as JavaScript would print it when it is whole, `NaN` or infinite (what a message
/// says was given); other fractions and huge values are described, not printed.
pub fn shown_number(n: f64) -> String {
    if n.is_nan() {
        "NaN".to_owned()
    } else if n.is_infinite() {
        if n > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()
    } else if n.fract() != 0.0 {
        "a fraction".to_owned()
    } else if n.abs() < 1e15 {
        (n as i64).to_string()
    } else if n > 0.0 {
        "more than 10^15".to_owned()
    } else {
        "less than -10^15".to_owned()
    }
}

/// Checks an amount in cents, an integer in `min..=max`. `NaN` is not a number of cents
/// (`invalid_type`); `±Infinity` is out of range.
pub(crate) fn amount_field(
    p: &mut Problems,
    field: &str,
    value: Given<'_>,
    min: u32,
    max: u32,
) -> Option<u32> {
    let range = || {
        format!(
            "{field} must be from {} to {} cents ({} to {})",
            grouped(u64::from(min)),
            grouped(u64::from(max)),
            dollars(u64::from(min)),
            dollars(u64::from(max)),
        )
    };
    match value {
        Given::Absent => {
            p.push(field, Code::Required, || format!("{field} is required"));
            None
        }
        Given::Num(n) if n.is_nan() => {
            p.push(field, Code::InvalidType, || {
                format!("{field} must be a number (whole cents), got NaN")
            });
            None
        }
        Given::Num(n) if n.is_finite() && n.fract() != 0.0 => {
            p.push(field, Code::NotInteger, || {
                format!("{field} must be a whole number of cents (S$1.50 is 150)")
            });
            None
        }
        Given::Num(n) if !(f64::from(min)..=f64::from(max)).contains(&n) => {
            p.push(field, Code::OutOfRange, || {
                format!("{}, got {}", range(), shown_number(n))
            });
            None
        }
        Given::Num(n) => Some(n as u32),
        other => {
            p.push(field, Code::InvalidType, || {
                format!(
                    "{field} must be a number (whole cents), got {}",
                    other.type_name()
                )
            });
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_and_numbers_for_people() {
        assert_eq!(dollars(99_999_999), "S$999,999.99");
        assert_eq!(dollars(1100), "S$11.00");
        assert_eq!(dollars(5), "S$0.05");
        assert_eq!(dollars(0), "S$0.00");
        assert_eq!(grouped(20_000_000), "20,000,000");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(shown_number(f64::NAN), "NaN");
        assert_eq!(shown_number(f64::INFINITY), "Infinity");
        assert_eq!(shown_number(f64::NEG_INFINITY), "-Infinity");
        assert_eq!(shown_number(-3.0), "-3");
        assert_eq!(shown_number(0.5), "a fraction");
        assert_eq!(shown_number(1e16), "more than 10^15");
    }

    #[test]
    fn amounts_both_sides_and_non_finite_numbers() {
        let check = |g: Given<'_>| {
            let mut p = Problems::collecting();
            let v = amount_field(&mut p, "amount_in_cents", g, AMOUNT_MIN, AMOUNT_MAX);
            (v, p.into_list())
        };
        assert_eq!(check(Given::Num(1.0)).0, Some(1));
        assert_eq!(check(Given::Num(99_999_999.0)).0, Some(99_999_999));
        for (g, code, got) in [
            (Given::Num(0.0), Code::OutOfRange, Some("got 0")),
            (
                Given::Num(100_000_000.0),
                Code::OutOfRange,
                Some("got 100000000"),
            ),
            (Given::Num(f64::NAN), Code::InvalidType, Some("got NaN")),
            (
                Given::Num(f64::INFINITY),
                Code::OutOfRange,
                Some("got Infinity"),
            ),
            (
                Given::Num(f64::NEG_INFINITY),
                Code::OutOfRange,
                Some("got -Infinity"),
            ),
            (Given::Num(10.5), Code::NotInteger, None),
            (Given::Num(-0.5), Code::NotInteger, None),
            (Given::Absent, Code::Required, None),
            (Given::Str("5"), Code::InvalidType, Some("got string")),
        ] {
            let (v, errors) = check(g);
            assert_eq!(v, None);
            assert_eq!(errors.len(), 1, "{g:?}");
            assert_eq!(errors[0].code, code, "{g:?}");
            if let Some(got) = got {
                assert!(errors[0].message.ends_with(got), "{}", errors[0].message);
            }
        }
    }
}
