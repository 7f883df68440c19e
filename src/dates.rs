//! `due_date`: PaySG's `dd-MMM-yyyy` format, and the other forms the SDK normalises to it.
//!
//! Accepted forms (anything else is `invalid_format`; a well-formed date that does not exist on
//! the calendar, such as `29-FEB-2023`, is `invalid_date`):
//!
//! | form | example | becomes |
//! |---|---|---|
//! | `dd-MMM-yyyy`, month in any case | `31-dec-2023` | `31-DEC-2023` |
//! | ISO date `YYYY-MM-DD` | `2023-12-31` | `31-DEC-2023` |
//! | ISO date-time with `Z` or an offset (what `JSON.stringify` makes of a JS `Date`) | `2023-12-31T16:30:00.000Z` | the calendar date in Singapore (UTC+08:00, no daylight saving): `01-JAN-2024` |
//! | ISO date-time without offset (a wall-clock time) | `2023-12-31T10:00` | its date part: `31-DEC-2023` |

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];

/// Singapore's offset from UTC, in minutes (no daylight saving since 1982).
const SGT_OFFSET_MINUTES: i64 = 8 * 60;

/// Why a `due_date` string was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateError {
    /// The text matches none of the accepted forms.
    Format,
    /// The form is right but the date (or time) does not exist, e.g. `31-APR-2024`.
    Calendar,
}

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date {
    /// Year, 1 to 9999.
    pub year: u16,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day of the month, 1 to 31.
    pub day: u8,
}

impl Date {
    /// Checks that the date exists (leap years included).
    ///
    /// # Errors
    ///
    /// [`DateError::Calendar`] when it does not.
    pub fn new(year: u16, month: u8, day: u8) -> Result<Self, DateError> {
        if year == 0 || !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(DateError::Calendar);
        }
        Ok(Date { year, month, day })
    }

    /// PaySG's format: `31-DEC-2023`.
    pub fn to_paysg(self) -> String {
        self.to_paysg_bytes()
            .iter()
            .map(|&b| char::from(b))
            .collect()
    }

    /// PaySG's format as 11 ASCII bytes, without allocating.
    pub fn to_paysg_bytes(self) -> [u8; 11] {
        let m = MONTHS[usize::from(self.month.clamp(1, 12) - 1)].as_bytes();
        let d = |n: u16| b'0' + (n % 10) as u8;
        let (day, y) = (u16::from(self.day), self.year);
        [
            d(day / 10),
            d(day),
            b'-',
            m[0],
            m[1],
            m[2],
            b'-',
            d(y / 1000),
            d(y / 100),
            d(y / 10),
            d(y),
        ]
    }
}

/// Whether `year` is a leap year in the proleptic Gregorian calendar.
pub fn is_leap(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Parses any accepted form of `due_date` (see the module docs).
///
/// # Errors
///
/// [`DateError::Format`] when the text matches no accepted form, [`DateError::Calendar`] when
/// it names a date or time that does not exist.
pub fn parse_due_date(s: &str) -> Result<Date, DateError> {
    let b = s.as_bytes();
    // dd-MMM-yyyy
    if b.len() == 11 && b[2] == b'-' && b[6] == b'-' {
        let day = digits(&b[0..2]).ok_or(DateError::Format)?;
        let year = digits(&b[7..11]).ok_or(DateError::Format)?;
        let mon = [
            b[3].to_ascii_uppercase(),
            b[4].to_ascii_uppercase(),
            b[5].to_ascii_uppercase(),
        ];
        let month = MONTHS
            .iter()
            .position(|m| m.as_bytes() == mon)
            .ok_or(DateError::Format)?;
        return Date::new(year as u16, month as u8 + 1, day as u8);
    }
    // YYYY-MM-DD, optionally followed by a time
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(DateError::Format);
    }
    let year = digits(&b[0..4]).ok_or(DateError::Format)?;
    let month = digits(&b[5..7]).ok_or(DateError::Format)?;
    let day = digits(&b[8..10]).ok_or(DateError::Format)?;
    if b.len() == 10 {
        return Date::new(year as u16, month as u8, day as u8);
    }
    // THH:MM[:SS[.fraction]][Z|±HH:MM]
    let rest = &b[10..];
    if rest.len() < 6 || !(rest[0] == b'T' || rest[0] == b't') || rest[3] != b':' {
        return Err(DateError::Format);
    }
    let hour = digits(&rest[1..3]).ok_or(DateError::Format)?;
    let minute = digits(&rest[4..6]).ok_or(DateError::Format)?;
    let mut i = 6;
    let mut second = 0;
    if rest.get(i) == Some(&b':') {
        second =
            digits(rest.get(i + 1..i + 3).ok_or(DateError::Format)?).ok_or(DateError::Format)?;
        i += 3;
        if rest.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while rest.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == start {
                return Err(DateError::Format);
            }
        }
    }
    let offset_minutes: Option<i64> = match &rest[i..] {
        [] => None,
        [b'Z' | b'z'] => Some(0),
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let oh = digits(&[*h1, *h2]).ok_or(DateError::Format)?;
            let om = digits(&[*m1, *m2]).ok_or(DateError::Format)?;
            if oh > 23 || om > 59 {
                return Err(DateError::Calendar);
            }
            let v = i64::from(oh * 60 + om);
            Some(if *sign == b'-' { -v } else { v })
        }
        _ => return Err(DateError::Format),
    };
    if hour > 23 || minute > 59 || second > 59 {
        return Err(DateError::Calendar);
    }
    let date = Date::new(year as u16, month as u8, day as u8)?;
    let Some(offset) = offset_minutes else {
        return Ok(date);
    };
    // The instant, then its calendar date in Singapore.
    let minutes_of_day = i64::from(hour * 60 + minute) - offset + SGT_OFFSET_MINUTES;
    let days = days_from_civil(date) + minutes_of_day.div_euclid(24 * 60);
    civil_from_days(days)
}

/// PaySG's timestamp form: ISO-8601 with milliseconds in Singapore time,
/// `2023-08-03T17:36:52.634+08:00`, for `ms` milliseconds since the epoch (years 1 to 9999;
/// the epoch itself outside them).
pub fn iso_sgt(ms: i64) -> String {
    let local = ms.saturating_add(SGT_OFFSET_MINUTES * 60_000);
    let (days, rem) = (local.div_euclid(86_400_000), local.rem_euclid(86_400_000));
    let d = civil_from_days(days).unwrap_or(Date {
        year: 1970,
        month: 1,
        day: 1,
    });
    let (h, mi, s, milli) = (
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000,
    );
    format!(
        "{:04}-{:02}-{:02}T{h:02}:{mi:02}:{s:02}.{milli:03}+08:00",
        d.year, d.month, d.day
    )
}

/// `bytes` as a decimal number when they are all ASCII digits (at most 4 of them).
fn digits(bytes: &[u8]) -> Option<u32> {
    if bytes.is_empty() || bytes.len() > 4 {
        return None;
    }
    bytes.iter().try_fold(0u32, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

/// Days since 1970-01-01 (H. Hinnant's algorithm).
fn days_from_civil(d: Date) -> i64 {
    let y = i64::from(d.year) - i64::from(d.month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(d.month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d.day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `days` after 1970-01-01; [`DateError::Calendar`] outside years 1 to 9999.
fn civil_from_days(days: i64) -> Result<Date, DateError> {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let year = u16::try_from(year).map_err(|_| DateError::Calendar)?;
    if year > 9999 {
        return Err(DateError::Calendar);
    }
    Date::new(year, month as u8, day as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> Result<String, DateError> {
        parse_due_date(s).map(Date::to_paysg)
    }

    #[test]
    fn paysg_form_any_case() {
        assert_eq!(norm("31-DEC-2023").unwrap(), "31-DEC-2023");
        assert_eq!(norm("31-dec-2023").unwrap(), "31-DEC-2023");
        assert_eq!(norm("01-Jan-2024").unwrap(), "01-JAN-2024");
    }

    #[test]
    fn leap_years() {
        assert_eq!(norm("29-FEB-2024").unwrap(), "29-FEB-2024");
        assert_eq!(norm("29-FEB-2000").unwrap(), "29-FEB-2000");
        assert_eq!(norm("29-FEB-2023"), Err(DateError::Calendar));
        assert_eq!(norm("29-FEB-1900"), Err(DateError::Calendar));
        assert_eq!(norm("2100-02-29"), Err(DateError::Calendar));
        assert_eq!(norm("2400-02-29").unwrap(), "29-FEB-2400");
    }

    #[test]
    fn days_per_month_both_sides() {
        assert_eq!(norm("30-APR-2024").unwrap(), "30-APR-2024");
        assert_eq!(norm("31-APR-2024"), Err(DateError::Calendar));
        assert_eq!(norm("31-JAN-2024").unwrap(), "31-JAN-2024");
        assert_eq!(norm("32-JAN-2024"), Err(DateError::Calendar));
        assert_eq!(norm("00-JAN-2024"), Err(DateError::Calendar));
        assert_eq!(norm("2024-13-01"), Err(DateError::Calendar));
        assert_eq!(norm("2024-00-01"), Err(DateError::Calendar));
        assert_eq!(norm("01-JAN-0000"), Err(DateError::Calendar));
    }

    #[test]
    fn iso_date_and_datetime() {
        assert_eq!(norm("2023-12-31").unwrap(), "31-DEC-2023");
        // A JS Date's JSON: UTC, converted to the date in Singapore.
        assert_eq!(norm("2023-12-31T15:59:59.999Z").unwrap(), "31-DEC-2023");
        assert_eq!(norm("2023-12-31T16:00:00.000Z").unwrap(), "01-JAN-2024");
        assert_eq!(norm("2024-03-01T00:00:00+08:00").unwrap(), "01-MAR-2024");
        assert_eq!(norm("2024-02-29T23:30:00-05:00").unwrap(), "01-MAR-2024");
        assert_eq!(norm("2024-01-01T00:00:00+14:00").unwrap(), "31-DEC-2023");
        assert_eq!(norm("2023-12-31T10:00").unwrap(), "31-DEC-2023");
        assert_eq!(norm("9999-12-31T16:00:00Z"), Err(DateError::Calendar));
        assert_eq!(norm("2023-12-31T24:00:00Z"), Err(DateError::Calendar));
    }

    #[test]
    fn bad_formats() {
        for s in [
            "",
            "31-DEC-23",
            "1-DEC-2023",
            "31 DEC 2023",
            "31-DECE-2023",
            "31-XYZ-2023",
            "2023/12/31",
            "2023-12-3",
            "20231231",
            "2023-12-31T",
            "2023-12-31T10",
            "2023-12-31T10:00:00.Z",
            "2023-12-31T10:00+0800",
            "+275760-09-13T00:00:00.000Z",
            "Invalid Date",
            "３１-DEC-2023",
        ] {
            assert_eq!(norm(s), Err(DateError::Format), "{s:?}");
        }
    }

    #[test]
    fn timestamps_are_singapore_time_with_milliseconds() {
        // 1696234628210 ms = 2023-10-02T08:17:08.210Z = 16:17:08.210 in Singapore
        assert_eq!(iso_sgt(1_696_234_628_210), "2023-10-02T16:17:08.210+08:00");
        assert_eq!(iso_sgt(0), "1970-01-01T08:00:00.000+08:00");
        // across a leap day at Singapore midnight
        assert_eq!(iso_sgt(1_709_136_000_000), "2024-02-29T00:00:00.000+08:00");
        assert_eq!(iso_sgt(-1), "1970-01-01T07:59:59.999+08:00");
    }

    #[test]
    fn epoch_round_trip() {
        for days in [-719_162, -1, 0, 1, 10_957, 19_722, 2_932_896] {
            let d = civil_from_days(days).unwrap();
            assert_eq!(days_from_civil(d), days);
        }
        assert_eq!(
            civil_from_days(0).unwrap(),
            Date {
                year: 1970,
                month: 1,
                day: 1
            }
        );
    }
}
