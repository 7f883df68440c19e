//! Timestamps as instants, so that a stored `2023-08-03T09:36:52.634Z` and PaySG's
//! `2023-08-03T17:36:52.634+08:00` compare equal.

/// Milliseconds since the epoch of an ISO-8601 date-time with an offset:
/// `YYYY-MM-DD`, `T` or a space, `HH:MM[:SS[.fraction]]`, then `Z` or `±HH[[:]MM]` (what PaySG,
/// `Date.toISOString` and SQL databases write). `None` for anything else, a date-time without
/// an offset included (its instant is unknown).
pub fn instant_ms(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let d = b.get(r)?;
        d.iter()
            .all(u8::is_ascii_digit)
            .then(|| d.iter().fold(0i64, |n, c| n * 10 + i64::from(c - b'0')))
    };
    let sep = |i: usize, c: u8| b.get(i) == Some(&c);
    if !(sep(4, b'-') && sep(7, b'-') && (sep(10, b'T') || sep(10, b't') || sep(10, b' '))) {
        return None;
    }
    let (y, mo, d, h, mi) = (
        num(0..4)?,
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
    );
    if !sep(13, b':') {
        return None;
    }
    let mut at = 16;
    let (mut sec, mut ms) = (0, 0);
    if sep(at, b':') {
        sec = num(at + 1..at + 3)?;
        at += 3;
        if sep(at, b'.') {
            let digits = b
                .get(at + 1..)?
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            if digits == 0 {
                return None;
            }
            // To the ms, truncated (`.5` is 500 ms, `.123456` 123 ms).
            let fraction = b.get(at + 1..at + 1 + digits.min(3))?;
            ms = fraction.iter().fold(0, |n, c| n * 10 + i64::from(c - b'0'))
                * [100, 10, 1][digits.min(3) - 1];
            at += 1 + digits;
        }
    }
    let offset_min = match b.get(at..)? {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), rest @ ..] => {
            let (oh, om) = match rest.len() {
                2 => (num(at + 1..at + 3)?, 0),
                4 => (num(at + 1..at + 3)?, num(at + 3..at + 5)?),
                5 if rest[2] == b':' => (num(at + 1..at + 3)?, num(at + 4..at + 6)?),
                _ => return None,
            };
            if oh > 23 || om > 59 {
                return None;
            }
            if *sign == b'-' {
                -(oh * 60 + om)
            } else {
                oh * 60 + om
            }
        }
        _ => return None,
    };
    let days_in_month = match mo {
        2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return None,
    };
    if d < 1 || d > days_in_month || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    // Days from 1970-01-01 to the date (Howard Hinnant's days_from_civil).
    let y = if mo <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((mo + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let minutes = days * 1440 + h * 60 + mi - offset_min;
    Some((minutes * 60 + sec) * 1000 + ms)
}
