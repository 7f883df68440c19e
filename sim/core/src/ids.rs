//! Randomness and identifiers. The core draws every random number from an [`Entropy`] the shell
//! gives it (the OS's generator natively, `crypto.getRandomValues` from JS), so that it does no
//! I/O of its own and a test can make it deterministic ([`Seeded`]).

use sha2::{Digest, Sha256};

/// A source of random 64-bit numbers.
pub trait Entropy {
    /// The next random number.
    fn next_u64(&mut self) -> u64;

    /// A number in `0..1`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A number in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next_u64() % n as u64) as usize
    }
}

/// A deterministic generator (splitmix64), for tests.
#[derive(Debug, Clone)]
pub struct Seeded(pub u64);

impl Entropy for Seeded {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

const ID_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

/// A payment id: 21 URL-safe random characters, like PaySG's.
pub fn payment_id(e: &mut dyn Entropy) -> String {
    (0..21)
        .map(|_| char::from(ID_ALPHABET[e.below(ID_ALPHABET.len())]))
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
pub fn uuid_v4(e: &mut dyn Entropy) -> String {
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&e.next_u64().to_le_bytes());
    b[8..].copy_from_slice(&e.next_u64().to_le_bytes());
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    uuid_string(&b)
}

/// A stable UUID-shaped identifier derived from `text` (used for `creator_id`, so that the API
/// key itself never appears in a payment).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_the_documented_shapes() {
        let mut e = Seeded(1);
        let id = payment_id(&mut e);
        assert_eq!(id.len(), 21);
        assert!(id.bytes().all(|b| ID_ALPHABET.contains(&b)));
        assert_ne!(payment_id(&mut e), payment_id(&mut e));
        let u = uuid_v4(&mut e);
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert_eq!(uuid_from("k"), uuid_from("k"));
        assert_ne!(uuid_from("k"), uuid_from("l"));
        let units: Vec<f64> = (0..1000).map(|_| e.unit()).collect();
        assert!(units.iter().all(|u| (0.0..1.0).contains(u)));
        assert!((0..1000).all(|_| e.below(3) < 3));
        assert_eq!(e.below(0), 0);
    }
}
