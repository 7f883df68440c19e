//! The `line_items` rule: an array of `{ description, amount_in_cents }` whose amounts add up to
//! at most S$200,000. PaySG documents only the description limit and the total; the item's
//! amount field is inferred, and other item keys are refused until PaySG documents them.

use super::given::{string_field, Given};
use super::money::{amount_field, dollars, grouped, AMOUNT_MAX, AMOUNT_MIN, LINE_ITEMS_TOTAL_MAX};
use super::problems::{Code, Problems};
use crate::json::Json;
use crate::strings::shown_key;
use serde::Serialize;
use std::borrow::Cow;

/// The most characters in a line item's `description`.
pub const LINE_ITEM_DESCRIPTION_MAX: usize = 255;

/// A line item, as sent to PaySG.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineItem<'a> {
    /// What the item is, at most [`LINE_ITEM_DESCRIPTION_MAX`] characters.
    pub description: Cow<'a, str>,
    /// The item's amount in cents.
    pub amount_in_cents: u32,
}

/// Checks `line_items` (named `field`); the items when they go into the body.
pub(crate) fn line_items_field<'a>(
    p: &mut Problems,
    field: &str,
    value: Option<&Json<'a>>,
) -> Option<Vec<LineItem<'a>>> {
    let items = match value? {
        Json::Null => return None,
        Json::Arr(items) => items,
        other => {
            p.push(field, Code::InvalidType, || {
                format!(
                    "{field} must be an array, got {}",
                    Given::of(Some(other)).type_name()
                )
            });
            return None;
        }
    };
    let mut out = Vec::with_capacity(items.len());
    let mut total: u64 = 0;
    for (i, item) in items.iter().enumerate() {
        let path = format!("{field}[{i}]");
        let Json::Obj(entries) = item else {
            p.push(&path, Code::InvalidType, || {
                format!(
                    "{path} must be an object, got {}",
                    Given::of(Some(item)).type_name()
                )
            });
            continue;
        };
        let (mut description, mut amount) = (None, None);
        for (key, value) in entries {
            match key.as_ref() {
                "description" => description = Some(value),
                "amount_in_cents" => amount = Some(value),
                other => {
                    let field = format!("{path}.{}", shown_key(other));
                    p.push(&field, Code::UnknownField, || {
                        format!("{field} is not a line-item field; a line item has description and amount_in_cents")
                    });
                }
            }
        }
        let kept = string_field(
            p,
            &format!("{path}.description"),
            Given::of(description),
            LINE_ITEM_DESCRIPTION_MAX,
            true,
        );
        let amount = amount_field(
            p,
            &format!("{path}.amount_in_cents"),
            Given::of(amount),
            AMOUNT_MIN,
            AMOUNT_MAX,
        );
        if let Some(a) = amount {
            total += u64::from(a);
        }
        if let (Some(_), Some(amount_in_cents), Some(Json::Str(description))) =
            (kept, amount, description)
        {
            out.push(LineItem {
                description: description.clone(),
                amount_in_cents,
            });
        }
    }
    if total > LINE_ITEMS_TOTAL_MAX {
        p.push(field, Code::OutOfRange, || {
            format!(
                "the line items add up to {} cents; PaySG allows at most {} ({})",
                grouped(total),
                grouped(LINE_ITEMS_TOTAL_MAX),
                dollars(LINE_ITEMS_TOTAL_MAX)
            )
        });
    }
    Some(out)
}
