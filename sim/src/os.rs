//! What the shell takes from the operating system: the clock and its randomness.

use std::time::{SystemTime, UNIX_EPOCH};

pub use paysg::dates::iso_sgt;

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
