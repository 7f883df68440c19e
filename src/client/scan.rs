//! The fast path of reading a payment from a 2xx body: one pass over its text that accepts only
//! a payment as PaySG writes it — every key once, each of its type, no escapes, no key Rust
//! does not know — which is exactly a body that [`super::read::payment_view`] reads and calls
//! verbatim ([`super::read::PaymentView::verbatim`]). Anything else (an escape, a key absent or
//! twice, `1e2`, a `null` `line_items`, invalid JSON) is `None`, and the general path (the JSON
//! tree, [`super::read`]) decides, with its messages. A test compares the two on generated
//! bodies. In Node this pass costs a fraction of building the tree, which was most of the time
//! Rust spent on an answer (profiled).

use super::read::{at, OPTIONAL_STRS, REQUIRED_STRS};
use crate::json::{same, word};

/// What a payment op's answer needs of a payment (its [`super::answer::Shape`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShapeFields<'t> {
    /// `id`.
    pub id: &'t str,
    /// `reference_id`.
    pub reference_id: &'t str,
    /// `latest_status`.
    pub latest_status: &'t str,
    /// `refund_status`.
    pub refund_status: &'t str,
    /// `payment_fully_refunded_timestamp` (`None` for `null`).
    pub payment_fully_refunded_timestamp: Option<&'t str>,
}

/// The keys after the strings: their indices among all keys.
const AMOUNT: usize = REQUIRED_STRS.len() + OPTIONAL_STRS.len();
const METADATA: usize = AMOUNT + 1;
const LINE_ITEMS: usize = AMOUNT + 2;

/// Every key but `line_items` seen: a bit each.
const ALL_BUT_ITEMS: u32 = (1 << LINE_ITEMS) - 1;

/// The index of a payment's `key`: the strings, then `amount_in_cents`, `metadata`,
/// `line_items`.
fn key_index(key: &str) -> Option<usize> {
    let k = key.as_bytes();
    KEYS.iter().position(|name| same(name.as_bytes(), k))
}

/// Every key, by index.
const KEYS: [&str; LINE_ITEMS + 1] = {
    let mut keys = [""; LINE_ITEMS + 1];
    let mut i = 0;
    while i <= LINE_ITEMS {
        keys[i] = name(i);
        i += 1;
    }
    keys
};

/// The name of the key at index `i` (see [`key_index`]).
const fn name(i: usize) -> &'static str {
    if i < REQUIRED_STRS.len() {
        REQUIRED_STRS[i]
    } else if i < AMOUNT {
        OPTIONAL_STRS[i - REQUIRED_STRS.len()]
    } else if i == AMOUNT {
        "amount_in_cents"
    } else if i == METADATA {
        "metadata"
    } else {
        "line_items"
    }
}

/// Whether any of the eight bytes of `w` is a quote, a backslash or a control character (below
/// 0x20), with the bit tricks of "Bit Twiddling Hacks" (a byte of `x` is zero; a byte of `w` is
/// below n ≤ 128, bytes from 0x80 left out by `!w`).
#[inline]
fn stops(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    (zero(w ^ (ONES * u64::from(b'"')))
        | zero(w ^ (ONES * u64::from(b'\\')))
        | (w.wrapping_sub(ONES * 0x20) & !w & HIGHS))
        != 0
}

/// A cursor over the body's text.
struct Cursor<'t> {
    text: &'t str,
    at: usize,
}

impl<'t> Cursor<'t> {
    /// The next byte after JSON whitespace, not taken.
    fn peek(&mut self) -> Option<u8> {
        let bytes = self.text.as_bytes();
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = bytes.get(self.at) {
            self.at += 1;
        }
        bytes.get(self.at).copied()
    }

    /// Takes `b`, after whitespace.
    fn eat(&mut self, b: u8) -> Option<()> {
        (self.peek()? == b).then(|| self.at += 1)
    }

    /// Takes `,` (then `true`) or `close` (then `false`).
    fn more(&mut self, close: u8) -> Option<bool> {
        match self.peek()? {
            b',' => {
                self.at += 1;
                Some(true)
            }
            b if b == close => {
                self.at += 1;
                Some(false)
            }
            _ => None,
        }
    }

    /// A string without escapes or control characters, borrowed.
    #[inline(never)]
    fn string(&mut self) -> Option<&'t str> {
        self.eat(b'"')?;
        let start = self.at;
        let bytes = self.text.as_bytes();
        // Eight bytes at a time while none ends the string or is refused: a byte loop over
        // the text was most of this pass (profiled).
        while let Some(eight) = bytes.get(self.at..self.at + 8) {
            if stops(word(eight)) {
                break;
            }
            self.at += 8;
        }
        loop {
            match *bytes.get(self.at)? {
                b'"' => break,
                b'\\' | 0..=0x1f => return None,
                _ => self.at += 1,
            }
        }
        let s = self.text.get(start..self.at)?;
        self.at += 1;
        Some(s)
    }

    /// A string, or `null` (`None`).
    fn string_or_null(&mut self) -> Option<Option<&'t str>> {
        if self.peek()? == b'n' {
            let rest = self.text.as_bytes().get(self.at..)?;
            rest.starts_with(b"null").then(|| {
                self.at += 4;
                None
            })
        } else {
            self.string().map(Some)
        }
    }

    /// A whole number from 0 to `u32::MAX` written in digits only (`0`, or no leading zero).
    #[inline(never)]
    fn whole(&mut self) -> Option<u32> {
        self.peek()?;
        let bytes = self.text.as_bytes();
        let start = self.at;
        let mut n: u64 = 0;
        while let Some(&d @ b'0'..=b'9') = bytes.get(self.at) {
            n = n * 10 + u64::from(d - b'0');
            if n > u64::from(u32::MAX) || (self.at > start && bytes.get(start) == Some(&b'0')) {
                return None;
            }
            self.at += 1;
        }
        if self.at == start || matches!(bytes.get(self.at), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        u32::try_from(n).ok()
    }

    /// An object whose values are strings.
    #[inline(never)]
    fn strings(&mut self) -> Option<()> {
        self.eat(b'{')?;
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(());
        }
        loop {
            self.string()?;
            self.eat(b':')?;
            self.string()?;
            if !self.more(b'}')? {
                return Some(());
            }
        }
    }

    #[inline(never)]
    /// Line items: each an object of exactly `description` (a string) and `amount_in_cents`.
    fn line_items(&mut self) -> Option<()> {
        self.eat(b'[')?;
        if self.peek()? == b']' {
            self.at += 1;
            return Some(());
        }
        loop {
            self.eat(b'{')?;
            let (mut description, mut amount) = (false, false);
            for last in [false, true] {
                let key = self.string()?;
                self.eat(b':')?;
                if key == "description" && !description {
                    self.string()?;
                    description = true;
                } else if key == "amount_in_cents" && !amount {
                    self.whole()?;
                    amount = true;
                } else {
                    return None;
                }
                if self.more(b'}')? == last {
                    return None;
                }
            }
            if !self.more(b']')? {
                return Some(());
            }
        }
    }
}

/// The payment `text` is, when it is one as PaySG writes it (see the module): then
/// [`super::read::payment_view`] reads it and calls it verbatim, and this is what the answer
/// needs of it. `None` for anything else.
#[inline(never)]
pub fn verbatim_payment(text: &str) -> Option<ShapeFields<'_>> {
    let mut c = Cursor { text, at: 0 };
    let mut seen: u32 = 0;
    let mut strings: [Option<&str>; AMOUNT] = [None; AMOUNT];
    c.eat(b'{')?;
    loop {
        let key = key_index(c.string()?)?;
        c.eat(b':')?;
        if seen & (1 << key) != 0 {
            return None;
        }
        seen |= 1 << key;
        match key {
            AMOUNT => {
                c.whole()?;
            }
            METADATA => c.strings()?,
            LINE_ITEMS => c.line_items()?,
            k if k < REQUIRED_STRS.len() => strings[k] = Some(c.string()?),
            k => strings[k] = c.string_or_null()?,
        }
        if !c.more(b'}')? {
            break;
        }
    }
    if c.peek().is_some() || seen & ALL_BUT_ITEMS != ALL_BUT_ITEMS {
        return None;
    }
    Some(ShapeFields {
        id: strings[const { at(KEYS, "id") }]?,
        reference_id: strings[const { at(KEYS, "reference_id") }]?,
        latest_status: strings[const { at(KEYS, "latest_status") }]?,
        refund_status: strings[const { at(KEYS, "refund_status") }]?,
        payment_fully_refunded_timestamp: strings[const { at(KEYS, "payment_fully_refunded_timestamp") }],
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code
#[path = "scan_tests.rs"]
mod tests;
