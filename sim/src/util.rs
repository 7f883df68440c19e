//! Small helpers: time, identifiers, HTML escaping, percent-decoding, money.

use rand::Rng;
use sha2::{Digest, Sha256};
use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// PaySG's timestamp form: ISO-8601 with milliseconds in Singapore time,
/// `2023-08-03T17:36:52.634+08:00`.
pub fn iso_sgt(ms: i64) -> String {
    let local = ms + 8 * 3_600_000;
    let days = local.div_euclid(86_400_000);
    let rem = local.rem_euclid(86_400_000);
    let (y, mo, d) = civil_from_days(days);
    let (h, mi, s, milli) = (
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000,
    );
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{milli:03}+08:00")
}

const ID_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

/// A payment id: 21 URL-safe random characters, like PaySG's.
pub fn payment_id() -> String {
    let mut rng = rand::rng();
    (0..21)
        .map(|_| char::from(ID_ALPHABET[rng.random_range(0..ID_ALPHABET.len())]))
        .collect()
}

/// 16 bytes as a UUID string.
fn uuid_string(b: &[u8; 16]) -> String {
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// A random version-4 UUID.
pub fn uuid_v4() -> String {
    let mut b: [u8; 16] = rand::random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    uuid_string(&b)
}

/// A stable UUID-shaped identifier derived from `text` (used for `creator_id`, so that the API key
/// itself never appears in a payment).
pub fn uuid_from(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    uuid_string(&b)
}

/// Hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Escapes text for HTML content and attribute values.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Decodes `%XX` escapes of one path segment; `None` when malformed or not UTF-8.
pub fn percent_decode(segment: &str) -> Option<String> {
    let b = segment.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = segment.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Encodes a query-string component.
pub fn query_encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Cents as Singapore dollars: `123456` → `S$1,234.56`.
pub fn sgd(cents: u64) -> String {
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("S${grouped}.{:02}", cents % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_singapore_time_with_milliseconds() {
        // 1696234628210 ms = 2023-10-02T08:17:08.210Z = 16:17:08.210 in Singapore
        assert_eq!(iso_sgt(1_696_234_628_210), "2023-10-02T16:17:08.210+08:00");
        assert_eq!(iso_sgt(0), "1970-01-01T08:00:00.000+08:00");
        // across a leap day at Singapore midnight
        assert_eq!(iso_sgt(1_709_136_000_000), "2024-02-29T00:00:00.000+08:00");
    }

    #[test]
    fn ids_have_the_documented_shapes() {
        let id = payment_id();
        assert_eq!(id.len(), 21);
        assert!(id.bytes().all(|b| ID_ALPHABET.contains(&b)));
        assert_ne!(payment_id(), payment_id());
        let u = uuid_v4();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert_eq!(uuid_from("k"), uuid_from("k"));
        assert_ne!(uuid_from("k"), uuid_from("l"));
    }

    #[test]
    fn escaping_decoding_and_money() {
        assert_eq!(
            html("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(
            percent_decode("payment_service_%41b").as_deref(),
            Some("payment_service_Ab")
        );
        assert_eq!(percent_decode("%4"), None);
        assert_eq!(percent_decode("%ff"), None);
        assert_eq!(query_encode("a b&c"), "a%20b%26c");
        assert_eq!(sgd(1100), "S$11.00");
        assert_eq!(sgd(99_999_999), "S$999,999.99");
        assert_eq!(sgd(5), "S$0.05");
    }
}
