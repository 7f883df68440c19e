//! PaySG's resources as they come back: the payment object (`paysg-api.md` §5), a page of
//! payments (§13) and the webhook event (§15.3). The simulator produces exactly these; the
//! TypeScript declarations of the npm package are generated from them (see [`crate::contract`]).
//!
//! Status fields are strings with the values seen in PaySG's sources, typed in TypeScript as
//! those values *or any other string*: PaySG publishes no complete list, and a new value must
//! not break a build.

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// String pairs kept in the order given, (de)serialised as a JSON object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pairs(pub Vec<(String, String)>);

impl Serialize for Pairs {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Pairs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Pairs;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of strings")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Pairs, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<String, String>()? {
                    out.push(entry);
                }
                Ok(Pairs(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// A line item of a payment (the schema is inferred from PaySG's guide: only the description
/// limit and the total are documented).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "contract", derive(tsify::Tsify))]
pub struct LineItem {
    /// What the item is (1–255 characters).
    pub description: String,
    /// The item's amount in cents.
    pub amount_in_cents: u32,
}

/// PaySG's payment object, as every payment endpoint returns it (snake_case, as on the wire).
/// Timestamps are ISO-8601 strings with milliseconds in Singapore time
/// (`2023-08-03T17:36:52.634+08:00`); `null` until the event happens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "contract", derive(tsify::Tsify))]
#[cfg_attr(feature = "contract", tsify(missing_as_null))]
pub struct Payment {
    /// The payment's id (21 URL-safe characters): used in paths, and sent to `return_url` as
    /// `paysg_payment_id`.
    pub id: String,
    /// The payment service it belongs to (`payment_service_…`).
    pub payment_service_id: String,
    /// The agency's own reference.
    pub reference_id: String,
    /// The payer's name.
    pub payer_name: String,
    /// The payer's address.
    pub payer_address: Option<String>,
    /// NRIC, UEN or similar.
    pub payer_identifier: Option<String>,
    /// Where the payment link and receipt go.
    pub payer_email: Option<String>,
    /// What the payment is for; shown to the payer.
    pub description: String,
    /// The amount due, in cents (an integer).
    pub amount_in_cents: u32,
    /// `dd-MMM-yyyy` (`31-DEC-2023`); for display only.
    pub due_date: Option<String>,
    /// The agency's own keys and values (`{}` when none were given).
    #[cfg_attr(feature = "contract", tsify(type = "Record<string, string>"))]
    pub metadata: Pairs,
    /// The line items, when some were given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contract", tsify(optional))]
    pub line_items: Option<Vec<LineItem>>,
    /// Where PaySG sends the payer after paying.
    pub return_url: Option<String>,
    /// The hosted payment page: send the payer here.
    pub payment_url: String,
    /// A QR code of the payment page (not in PaySG's guide; its callers rely on it).
    pub payment_qr_code_url: String,
    /// `"paid"` is the success signal.
    #[cfg_attr(
        feature = "contract",
        tsify(type = r#""unpaid" | "paid" | (string & {})"#)
    )]
    pub payment_status: String,
    /// The overall state.
    #[cfg_attr(
        feature = "contract",
        tsify(type = r#""unpaid" | "paid" | "cancelled" | (string & {})"#)
    )]
    pub latest_status: String,
    /// Whether refunds were made.
    #[cfg_attr(
        feature = "contract",
        tsify(
            type = r#""not_refunded" | "partially_refunded" | "fully_refunded" | (string & {})"#
        )
    )]
    pub refund_status: String,
    /// Whether the payment link was emailed (`sendPaymentEmail`).
    #[cfg_attr(
        feature = "contract",
        tsify(type = r#""unsent" | "sent" | (string & {})"#)
    )]
    pub email_delivery_status: String,
    /// Stripe's `pi_…`; `null` when the service does not use Stripe (direct bank PayNow).
    pub stripe_payment_intent_id: Option<String>,
    /// Set once paid out to the agency.
    pub payout_id: Option<String>,
    /// `user_<uuid>` of the key holder or officer who created it.
    pub creator_id: String,
    /// When it was created.
    pub created_at: String,
    /// When it last changed.
    pub updated_at: String,
    /// When the link email was sent.
    pub payment_sent_timestamp: Option<String>,
    /// When it was paid.
    pub payment_succeeded_timestamp: Option<String>,
    /// When it was cancelled.
    pub payment_cancelled_timestamp: Option<String>,
    /// When it became fully refunded.
    pub payment_fully_refunded_timestamp: Option<String>,
    /// When it was paid out to the agency.
    pub paid_out_timestamp: Option<String>,
}

/// The cursors of a page of payments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "contract", derive(tsify::Tsify))]
#[cfg_attr(feature = "contract", tsify(missing_as_null))]
pub struct PageInfo {
    /// Whether an older page follows (pass `end_cursor` as `after`).
    pub has_next_page: bool,
    /// Whether a newer page precedes (pass `start_cursor` as `before`).
    pub has_previous_page: bool,
    /// The cursor of the first payment of the page (`null` on an empty page).
    pub start_cursor: Option<String>,
    /// The cursor of the last payment of the page (`null` on an empty page).
    pub end_cursor: Option<String>,
}

/// A page of payments, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "contract", derive(tsify::Tsify))]
pub struct PaymentList {
    /// The payments of this page.
    pub data: Vec<Payment>,
    /// Where the neighbouring pages are.
    pub page_info: PageInfo,
}

/// What a webhook event is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "contract", derive(tsify::Tsify))]
pub struct WebhookEventData {
    /// A snapshot of the payment when the event happened, in snake_case whichever casing PaySG
    /// sent.
    pub object: Payment,
}

/// A webhook event, as `verifyWebhook` returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "contract", derive(tsify::Tsify))]
pub struct WebhookEvent {
    /// The event's id (`evt_<uuid>`): the same event can arrive more than once, so record each
    /// id once.
    pub id: String,
    /// `resource.event`. Only `payment.succeeded` exists so far; ignore types you do not know.
    #[cfg_attr(
        feature = "contract",
        tsify(type = r#""payment.succeeded" | (string & {})"#)
    )]
    pub r#type: String,
    /// Always `"event"`.
    #[cfg_attr(feature = "contract", tsify(type = r#""event""#))]
    pub object: String,
    /// When the event happened, as an ISO-8601 string (PaySG's examples).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contract", tsify(optional))]
    pub created_at: Option<String>,
    /// When the event happened, in milliseconds since the epoch (PaySG's attribute table; its
    /// examples send `created_at` instead).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "contract", tsify(optional))]
    pub created: Option<f64>,
    /// The payment service that raised the event.
    pub payment_service_id: String,
    /// What the event is about.
    pub data: WebhookEventData,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_keep_their_order_both_ways() {
        let p = Pairs(vec![("z".into(), "1".into()), ("a".into(), "2".into())]);
        let text = serde_json::to_string(&p).unwrap_or_default();
        assert_eq!(text, r#"{"z":"1","a":"2"}"#);
        assert_eq!(serde_json::from_str::<Pairs>(&text).ok(), Some(p));
    }
}
