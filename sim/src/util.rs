//! Small helpers of the shell: the clock, the OS's randomness, HTML escaping; and the SDK's own
//! helpers for timestamps, percent-encoding and money, under the names the simulator uses.

use std::time::{SystemTime, UNIX_EPOCH};

pub use paysg::dates::iso_sgt;
pub use paysg::text::percent_encode as query_encode;
pub use paysg::validate::money::dollars as sgd;

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The OS's random numbers, for the core.
#[derive(Debug, Clone, Copy, Default)]
pub struct OsEntropy;

impl crate::core::ids::Entropy for OsEntropy {
    fn next_u64(&mut self) -> u64 {
        rand::random()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(
            html("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
