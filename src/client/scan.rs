//! The fast path of reading a payment from a 2xx body: one pass over its text that accepts only
//! a payment as PaySG writes it — every key once, each of its type, no escapes, no key Rust
//! does not know — which is exactly a body that [`super::read::payment_view`] reads and calls
//! verbatim ([`super::read::PaymentView::verbatim`]). Anything else (an escape, a key absent or
//! twice, `1e2`, a `null` `line_items`, invalid JSON) is `None`, and the general path (the JSON
//! tree, [`super::read`]) decides, with its messages. A test compares the two on generated
//! bodies. In Node this pass costs a fraction of building the tree, which was most of the time
//! Rust spent on an answer (profiled).

use super::read::{OPTIONAL_STRS, REQUIRED_STRS};
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

/// The index of the string key `key`, at compile time.
const fn index(key: &str) -> usize {
    let mut i = 0;
    while i < AMOUNT {
        let (a, b) = (name(i).as_bytes(), key.as_bytes());
        if a.len() == b.len() {
            let mut j = 0;
            while j < a.len() && a[j] == b[j] {
                j += 1;
            }
            if j == a.len() {
                return i;
            }
        }
        i += 1;
    }
    // Not a string key: fails the build where it is used as an index.
    usize::MAX
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
        id: strings[const { index("id") }]?,
        reference_id: strings[const { index("reference_id") }]?,
        latest_status: strings[const { index("latest_status") }]?,
        refund_status: strings[const { index("refund_status") }]?,
        payment_fully_refunded_timestamp: strings[const { index("payment_fully_refunded_timestamp") }],
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code
    use super::*;
    use crate::client::read::{payment_verbatim, payment_view};
    use crate::json::Json;
    use serde_json::{json, Value};

    type Owned = (String, String, String, String, Option<String>);

    fn owned(v: ShapeFields<'_>) -> Owned {
        let o = |s: &str| s.to_owned();
        (
            o(v.id),
            o(v.reference_id),
            o(v.latest_status),
            o(v.refund_status),
            v.payment_fully_refunded_timestamp.map(o),
        )
    }

    /// The general path's verdict: the tree read, checked and found verbatim, and its fields.
    fn general(text: &str) -> Option<Owned> {
        let json = Json::parse(text).ok()?;
        let view = payment_view(&json).ok()?;
        payment_verbatim(&json, view.has_line_items()).then(|| {
            owned(ShapeFields {
                id: view.id(),
                reference_id: view.reference_id(),
                latest_status: view.latest_status(),
                refund_status: view.refund_status(),
                payment_fully_refunded_timestamp: view.payment_fully_refunded_timestamp(),
            })
        })
    }

    /// The fast path agrees with the general one whenever it answers; returns whether it did.
    fn agree(text: &str) -> bool {
        let fast = verbatim_payment(text).map(owned);
        if fast.is_some() {
            assert_eq!(fast, general(text), "{text}");
        }
        fast.is_some()
    }

    fn payment() -> Value {
        json!({"id":"p1","payment_service_id":"s","reference_id":"r","payer_name":"n","payer_address":null,"payer_identifier":null,"payer_email":"e@x.sg","description":"d","amount_in_cents":100,"due_date":null,"metadata":{"a":"1"},"return_url":null,"payment_url":"u","payment_qr_code_url":"q","payment_status":"unpaid","latest_status":"unpaid","refund_status":"not_refunded","email_delivery_status":"unsent","stripe_payment_intent_id":null,"payout_id":null,"creator_id":"c","created_at":"t","updated_at":"t","payment_sent_timestamp":null,"payment_succeeded_timestamp":null,"payment_cancelled_timestamp":null,"payment_fully_refunded_timestamp":"2026-01-01T00:00:00Z","paid_out_timestamp":null})
    }

    #[test]
    fn eight_bytes_stop_exactly_where_one_would() {
        for b in 0..=255u8 {
            for at in 0..8 {
                let mut eight = *b"abcdefgh";
                eight[at] = b;
                let one = b == b'"' || b == b'\\' || b < 0x20;
                assert_eq!(stops(u64::from_le_bytes(eight)), one, "{b:#x} at {at}");
            }
        }
        assert!(!stops(u64::from_le_bytes(*b"\xff\x80 ~\x7f\xc3\xa9z")));
    }

    #[test]
    fn a_payment_as_paysg_writes_it_takes_the_fast_path() {
        let p = payment();
        let mut items = p.clone();
        items["line_items"] = json!([{ "amount_in_cents": 1, "description": "x" }, { "description": "é 😀", "amount_in_cents": 0 }]);
        let mut empty_items = p.clone();
        empty_items["line_items"] = json!([]);
        let mut dup_metadata = p.to_string();
        dup_metadata =
            dup_metadata.replace(r#""metadata":{"a":"1"}"#, r#""metadata":{"a":"1","a":"2"}"#);
        for text in [
            p.to_string(),
            serde_json::to_string_pretty(&p).unwrap(),
            items.to_string(),
            empty_items.to_string(),
            dup_metadata,
            format!(" \t\r\n{p}\n"),
        ] {
            assert!(agree(&text), "{text}");
            assert!(general(&text).is_some());
        }
    }

    /// Every key's value replaced, removed or doubled; numbers and line items as JSON allows
    /// and as it does not; every prefix; bytes changed at random: wherever the fast path
    /// answers, the general path gives the same answer.
    #[test]
    fn the_fast_path_agrees_with_the_general_path() {
        let p = payment();
        let mut with_items = p.clone();
        with_items["line_items"] = json!([{ "description": "x", "amount_in_cents": 1 }]);
        let values = [
            "null",
            "1",
            "0",
            "-0",
            "01",
            "1.0",
            "1e2",
            "4294967295",
            "4294967296",
            "-1",
            "true",
            "{}",
            "[]",
            r#""""#,
            r#""a\"b""#,
            r#""a\u0041""#,
            "\"a\tb\"",
            r#"{"a":1}"#,
            r#"{"a":"b","c":"d"}"#,
            r#"[{"description":"x","amount_in_cents":1}]"#,
            r#"[{"amount_in_cents":1,"description":"x"}]"#,
            r#"[{"description":"x","description":"y"}]"#,
            r#"[{"description":"x","amount_in_cents":1,"x":1}]"#,
            r#"[{"description":"x"}]"#,
            r#"[{"description":"x","amount_in_cents":-0}]"#,
            r#"[{"description":null,"amount_in_cents":1}]"#,
            "[1]",
            r#"[{},{}]"#,
        ];
        let mut texts = vec![];
        for base in [&p, &with_items] {
            let keys: Vec<String> = base.as_object().unwrap().keys().cloned().collect();
            for key in keys.iter().map(String::as_str).chain(["line_items", "new"]) {
                let mut gone = base.clone();
                gone.as_object_mut().unwrap().remove(key);
                texts.push(gone.to_string());
                let body = gone.to_string();
                for v in values {
                    texts.push(body.replacen('{', &format!(r#"{{"{key}":{v},"#), 1));
                    texts.push(format!(r#"{},"{key}":{v}}}"#, &body[..body.len() - 1]));
                }
                // Twice: the first and the last of a key.
                let whole = base.to_string();
                if let Some(v) = base.get(key) {
                    texts.push(whole.replacen('{', &format!(r#"{{"{key}":{v},"#), 1));
                }
            }
        }
        let whole = with_items.to_string();
        texts.extend(
            (0..whole.len())
                .filter_map(|n| whole.get(..n))
                .map(str::to_owned),
        );
        texts.push(format!("{whole} x"));
        texts.push(format!("{whole}{{}}"));
        let mut seed: u32 = 0x2545_f491;
        for _ in 0..3000 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let mut bytes = whole.clone().into_bytes();
            let at = (seed >> 8) as usize % bytes.len();
            bytes[at] = b"\"\\{}[],:0-.e nul\x01xa"[(seed >> 4) as usize % 19];
            texts.push(String::from_utf8_lossy(&bytes).into_owned());
        }
        let fast = texts.iter().filter(|t| agree(t)).count();
        // The fast path answered for some, and not for all.
        assert!(
            fast > 100 && fast < texts.len(),
            "{fast} of {}",
            texts.len()
        );
    }
}
