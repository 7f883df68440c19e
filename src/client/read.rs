//! A 2xx body read into PaySG's resources ([`Payment`], [`PaymentList`]) from the [`Json`] tree
//! the core already parses every JSON text into, field by field, as `serde`'s derive would:
//! unknown fields are ignored, an optional field may be absent or `null`, a required one must be
//! there with its type. Written by hand because the derived decoders, driven by `serde_json`,
//! cost the npm package's wasm ≈ 15 KB gzip for the same rules.

use crate::json::Json;
use crate::model::{LineItem, PageInfo, Pairs, Payment, PaymentList};
use std::borrow::Cow;

/// Why a body is not the resource: the field (`data[0].id`, …) and what is wrong with it.
pub type Why = String;

/// The object `v` (`what` names it in the error).
fn object<'v, 'a>(v: &'v Json<'a>, what: &str) -> Result<&'v Json<'a>, Why> {
    match v {
        Json::Obj(_) => Ok(v),
        other => Err(format!("{what} is {}, not an object", other.type_name())),
    }
}

/// Field `key` of object `o`, under `at` (the path to `o`, `""` at the top).
struct Fields<'v, 'a, 'p> {
    o: &'v Json<'a>,
    at: &'p str,
}

impl<'v, 'a, 'p> Fields<'v, 'a, 'p> {
    #[inline(never)]
    fn name(&self, key: &str) -> String {
        if self.at.is_empty() {
            format!("`{key}`")
        } else {
            format!("`{}.{key}`", self.at)
        }
    }

    #[inline(never)]
    fn wrong(&self, key: &str, v: &Json<'_>, want: &str) -> Why {
        format!("{} is {}, not {want}", self.name(key), v.type_name())
    }

    /// A string that may be absent or `null`, borrowed.
    #[inline(never)]
    fn opt_str(&self, key: &str) -> Result<Option<&'v str>, Why> {
        match self.o.get(key) {
            None | Some(Json::Null) => Ok(None),
            Some(Json::Str(s)) => Ok(Some(s)),
            Some(v) => Err(self.wrong(key, v, "a string")),
        }
    }

    /// The strings `keys`, each of which must be there.
    fn strs<const N: usize>(&self, keys: [&str; N]) -> Result<[&'v str; N], Why> {
        let mut out: [&'v str; N] = [""; N];
        for (slot, key) in out.iter_mut().zip(keys) {
            *slot = self.str(key)?;
        }
        Ok(out)
    }

    /// The strings `keys`, each of which may be absent or `null`.
    fn opt_strs<const N: usize>(&self, keys: [&str; N]) -> Result<[Option<&'v str>; N], Why> {
        let mut out: [Option<&'v str>; N] = [None; N];
        for (slot, key) in out.iter_mut().zip(keys) {
            *slot = self.opt_str(key)?;
        }
        Ok(out)
    }

    /// A string that must be there.
    #[inline(never)]
    fn str(&self, key: &str) -> Result<&'v str, Why> {
        self.opt_str(key)?
            .ok_or_else(|| format!("{} is missing", self.name(key)))
    }

    /// A boolean that must be there.
    fn bool(&self, key: &str) -> Result<bool, Why> {
        match self.o.get(key) {
            Some(Json::Bool(b)) => Ok(*b),
            None => Err(format!("{} is missing", self.name(key))),
            Some(v) => Err(self.wrong(key, v, "a boolean")),
        }
    }

    /// A whole number from 0 to `u32::MAX` that must be there.
    #[inline(never)]
    fn u32(&self, key: &str) -> Result<u32, Why> {
        match self.o.get(key) {
            Some(Json::Num(n)) if n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(n) => {
                // In range and whole: the conversion is exact.
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                Ok(*n as u32)
            }
            None => Err(format!("{} is missing", self.name(key))),
            Some(v) => Err(self.wrong(key, v, "a whole number from 0 to 4294967295")),
        }
    }

    /// An object of strings that must be there: its entries, each checked to be a string.
    #[inline(never)]
    fn pairs(&self, key: &str) -> Result<&'v [(Cow<'a, str>, Json<'a>)], Why> {
        match self.o.get(key) {
            Some(Json::Obj(entries)) => {
                match entries.iter().find(|(_, v)| !matches!(v, Json::Str(_))) {
                    Some((k, v)) => Err(format!(
                        "{}.{k} is {}, not a string",
                        self.name(key),
                        v.type_name()
                    )),
                    None => Ok(entries),
                }
            }
            None => Err(format!("{} is missing", self.name(key))),
            Some(v) => Err(self.wrong(key, v, "an object")),
        }
    }

    /// The array `key`, that must be there (`opt`: or may be absent or `null`).
    fn array(&self, key: &str, opt: bool) -> Result<Option<&'v [Json<'a>]>, Why> {
        match self.o.get(key) {
            Some(Json::Arr(items)) => Ok(Some(items)),
            None | Some(Json::Null) if opt => Ok(None),
            None => Err(format!("{} is missing", self.name(key))),
            Some(v) => Err(self.wrong(key, v, "an array")),
        }
    }
}

/// The line items of a payment at `at`, their descriptions borrowed.
fn line_items<'v>(f: &Fields<'v, '_, '_>) -> Result<Option<Vec<(&'v str, u32)>>, Why> {
    let Some(items) = f.array("line_items", true)? else {
        return Ok(None);
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let at = if f.at.is_empty() {
                format!("line_items[{i}]")
            } else {
                format!("{}.line_items[{i}]", f.at)
            };
            let f = Fields {
                o: object(item, &format!("`{at}`"))?,
                at: &at,
            };
            Ok((f.str("description")?, f.u32("amount_in_cents")?))
        })
        .collect::<Result<_, _>>()
        .map(Some)
}

/// The string fields a payment must have, in the order [`payment_at`] reads them.
pub(super) const REQUIRED_STRS: [&str; 14] = [
    "id",
    "payment_service_id",
    "reference_id",
    "payer_name",
    "description",
    "payment_url",
    "payment_qr_code_url",
    "payment_status",
    "latest_status",
    "refund_status",
    "email_delivery_status",
    "creator_id",
    "created_at",
    "updated_at",
];

/// The string fields a payment may have absent or `null` (written back as `null`).
pub(super) const OPTIONAL_STRS: [&str; 12] = [
    "payer_address",
    "payer_identifier",
    "payer_email",
    "due_date",
    "return_url",
    "stripe_payment_intent_id",
    "payout_id",
    "payment_sent_timestamp",
    "payment_succeeded_timestamp",
    "payment_cancelled_timestamp",
    "payment_fully_refunded_timestamp",
    "paid_out_timestamp",
];

/// A payment read from its JSON and checked as [`payment`] checks it, its texts borrowed: what a
/// shell that needs only its shape and a verdict reads, without copying it.
#[derive(Debug, Clone, PartialEq)]
pub struct PaymentView<'v> {
    /// [`REQUIRED_STRS`], in order.
    required: [&'v str; 14],
    /// [`OPTIONAL_STRS`], in order.
    optional: [Option<&'v str>; 12],
    amount_in_cents: u32,
    metadata: &'v [(Cow<'v, str>, Json<'v>)],
    line_items: Option<Vec<(&'v str, u32)>>,
}

/// The index of `name` in `names`, or `N` when it is not there: evaluated at compile time, an
/// index `N` into the array fails the build (rustc's `unconditional_panic` lint denies it).
pub(super) const fn at<const N: usize>(names: [&str; N], name: &str) -> usize {
    let mut i = 0;
    while i < N && !crate::json::const_eq(names[i], name) {
        i += 1;
    }
    i
}

impl<'v> PaymentView<'v> {
    /// The payment's `id`.
    pub fn id(&self) -> &'v str {
        self.required[const { at(REQUIRED_STRS, "id") }]
    }

    /// The payment's `reference_id`.
    pub fn reference_id(&self) -> &'v str {
        self.required[const { at(REQUIRED_STRS, "reference_id") }]
    }

    /// The payment's `latest_status`.
    pub fn latest_status(&self) -> &'v str {
        self.required[const { at(REQUIRED_STRS, "latest_status") }]
    }

    /// The payment's `refund_status`.
    pub fn refund_status(&self) -> &'v str {
        self.required[const { at(REQUIRED_STRS, "refund_status") }]
    }

    /// The payment's `payment_fully_refunded_timestamp`.
    pub fn payment_fully_refunded_timestamp(&self) -> Option<&'v str> {
        self.optional[const { at(OPTIONAL_STRS, "payment_fully_refunded_timestamp") }]
    }

    /// Whether it has `line_items` (not absent, not `null`).
    pub fn has_line_items(&self) -> bool {
        self.line_items.is_some()
    }

    /// The payment, its texts copied.
    pub fn to_payment(&self) -> Payment {
        let own = |s: &str| s.to_owned();
        let [id, payment_service_id, reference_id, payer_name, description, payment_url, payment_qr_code_url, payment_status, latest_status, refund_status, email_delivery_status, creator_id, created_at, updated_at] =
            self.required.map(own);
        let [payer_address, payer_identifier, payer_email, due_date, return_url, stripe_payment_intent_id, payout_id, payment_sent_timestamp, payment_succeeded_timestamp, payment_cancelled_timestamp, payment_fully_refunded_timestamp, paid_out_timestamp] =
            self.optional.map(|s| s.map(own));
        Payment {
            amount_in_cents: self.amount_in_cents,
            metadata: Pairs(
                self.metadata
                    .iter()
                    .map(|(k, v)| match v {
                        Json::Str(s) => (k.to_string(), s.to_string()),
                        _ => (k.to_string(), String::new()), // checked to be strings
                    })
                    .collect(),
            ),
            line_items: self.line_items.as_ref().map(|items| {
                items
                    .iter()
                    .map(|&(description, amount_in_cents)| LineItem {
                        description: description.to_owned(),
                        amount_in_cents,
                    })
                    .collect()
            }),
            id,
            payment_service_id,
            reference_id,
            payer_name,
            payer_address,
            payer_identifier,
            payer_email,
            description,
            due_date,
            return_url,
            payment_url,
            payment_qr_code_url,
            payment_status,
            latest_status,
            refund_status,
            email_delivery_status,
            stripe_payment_intent_id,
            payout_id,
            creator_id,
            created_at,
            updated_at,
            payment_sent_timestamp,
            payment_succeeded_timestamp,
            payment_cancelled_timestamp,
            payment_fully_refunded_timestamp,
            paid_out_timestamp,
        }
    }
}

/// The payment `v`, at `at` (`""` at the top), checked and viewed. The fields are read in a
/// fixed order (the required strings, the optional ones, then `amount_in_cents`, `metadata` and
/// `line_items`): the first that is wrong is the error.
fn view_at<'v>(v: &'v Json<'v>, at: &str) -> Result<PaymentView<'v>, Why> {
    let what = if at.is_empty() {
        "the body".to_owned()
    } else {
        format!("`{at}`")
    };
    let f = Fields {
        o: object(v, &what)?,
        at,
    };
    Ok(PaymentView {
        required: f.strs(REQUIRED_STRS)?,
        optional: f.opt_strs(OPTIONAL_STRS)?,
        amount_in_cents: f.u32("amount_in_cents")?,
        metadata: f.pairs("metadata")?,
        line_items: line_items(&f)?,
    })
}

/// The payment that `v` (a 2xx body) is, checked, its texts borrowed ([`PaymentView`]).
///
/// # Errors
///
/// [`payment`]'s.
pub fn payment_view<'v>(v: &'v Json<'v>) -> Result<PaymentView<'v>, Why> {
    view_at(v, "")
}

/// The payment that `v` (a 2xx body) is.
///
/// # Errors
///
/// The first field that is missing or not of its type, by name.
pub fn payment(v: &Json<'_>) -> Result<Payment, Why> {
    view_at(v, "").map(|view| view.to_payment())
}

/// The page of payments that `v` (a 2xx body) is.
///
/// # Errors
///
/// The first field that is missing or not of its type, by its path (`data[2].id`).
pub fn page(v: &Json<'_>) -> Result<PaymentList, Why> {
    let f = Fields {
        o: object(v, "the body")?,
        at: "",
    };
    let data = f
        .array("data", false)?
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, p)| view_at(p, &format!("data[{i}]")).map(|view| view.to_payment()))
        .collect::<Result<_, _>>()?;
    let info = f.o.get("page_info").unwrap_or(&Json::Null);
    let info = Fields {
        o: object(info, "`page_info`")?,
        at: "page_info",
    };
    Ok(PaymentList {
        data,
        page_info: PageInfo {
            has_next_page: info.bool("has_next_page")?,
            has_previous_page: info.bool("has_previous_page")?,
            start_cursor: info.opt_str("start_cursor")?.map(str::to_owned),
            end_cursor: info.opt_str("end_cursor")?.map(str::to_owned),
        },
    })
}

/// Whether `JSON.parse` of the text `v` was parsed from gives the same value as `JSON.parse` of
/// `p` written back (serde): the same keys, each once, and the same values. A payment that
/// [`payment`] read from `v` has every required key with its type; it is the same when every
/// optional key is there too (an absent one is written back as `null`), `line_items` is there
/// exactly when it is written back (a `null` one is not), nothing else is, and no whole number is
/// `-0`. Then the JS layer can parse the text it already holds instead of a copy written back.
pub fn payment_verbatim(v: &Json<'_>, has_line_items: bool) -> bool {
    let Json::Obj(entries) = v else {
        return false;
    };
    let written = REQUIRED_STRS.len() + OPTIONAL_STRS.len() + 2 + usize::from(has_line_items);
    entries.len() == written
        && OPTIONAL_STRS.iter().all(|k| v.get(k).is_some())
        && positive(v.get("amount_in_cents"))
        && match v.get("line_items") {
            None => !has_line_items,
            Some(Json::Arr(items)) => items.iter().all(|item| {
                matches!(item, Json::Obj(e) if e.len() == 2)
                    && positive(item.get("amount_in_cents"))
            }),
            Some(_) => false,
        }
}

/// Whether a number read as a whole number is not `-0` (which `JSON.parse` keeps, and a `u32`
/// written back does not).
fn positive(n: Option<&Json<'_>>) -> bool {
    matches!(n, Some(Json::Num(n)) if n.is_sign_positive())
}

/// [`payment_verbatim`] for a page that [`page`] read from `v`.
pub fn page_verbatim(v: &Json<'_>, page: &PaymentList) -> bool {
    let (Json::Obj(entries), Some(Json::Arr(data)), Some(info @ Json::Obj(info_entries))) =
        (v, v.get("data"), v.get("page_info"))
    else {
        return false;
    };
    entries.len() == 2
        && info_entries.len() == 4
        && info.get("start_cursor").is_some()
        && info.get("end_cursor").is_some()
        && data.len() == page.data.len()
        && data
            .iter()
            .zip(&page.data)
            .all(|(v, p)| payment_verbatim(v, p.line_items.is_some()))
}
