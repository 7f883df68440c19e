//! `GET …/payments`: a page of one service's payments, newest first, with opaque cursors.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use super::api_response::ApiResponse;
use super::model::{Payment, Record};
use super::store::{PageFrom, Store, StoreError};

/// Page size when `limit` is not given.
pub const DEFAULT_LIMIT: usize = 10;
/// The largest `limit`: the SDK's ([`paysg::client::plan::LIST_LIMIT_MAX`]).
pub const MAX_LIMIT: usize = paysg::client::plan::LIST_LIMIT_MAX as usize;

/// An opaque list cursor: base64url of `<created ms>:<id>`.
fn cursor(r: &Record) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}:{}", r.created_ms, r.payment.id))
}

fn parse_cursor(c: &str) -> Option<(i64, String)> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(c).ok()?).ok()?;
    let (ms, id) = text.split_once(':')?;
    Some((ms.parse().ok()?, id.to_owned()))
}

pub(super) fn list(
    store: &dyn Store,
    service: &str,
    q: &[(String, String)],
) -> Result<ApiResponse, StoreError> {
    let get = |name: &str| q.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v);
    let limit = match get("limit").map(|l| l.trim().parse::<usize>()) {
        None => DEFAULT_LIMIT,
        Some(Ok(n)) if (1..=MAX_LIMIT).contains(&n) => n,
        Some(_) => {
            return Ok(ApiResponse::invalid(
                "invalid_limit",
                format!("limit must be a whole number from 1 to {MAX_LIMIT}"),
            ))
        }
    };
    let bad_cursor =
        || ApiResponse::invalid("invalid_cursor", "the cursor is not one this API gave out");
    let from = match (get("before"), get("after")) {
        (Some(_), Some(_)) => {
            return Ok(ApiResponse::invalid(
                "conflicting_cursors",
                "send before or after, not both",
            ))
        }
        (None, Some(c)) => match parse_cursor(c) {
            Some(c) => PageFrom::After(c),
            None => return Ok(bad_cursor()),
        },
        (Some(c), None) => match parse_cursor(c) {
            Some(c) => PageFrom::Before(c),
            None => return Ok(bad_cursor()),
        },
        (None, None) => PageFrom::Start,
    };
    let page = store.page(service, &from, limit)?;
    #[derive(serde::Serialize)]
    struct PageInfo {
        has_next_page: bool,
        has_previous_page: bool,
        start_cursor: Option<String>,
        end_cursor: Option<String>,
    }
    #[derive(serde::Serialize)]
    struct Body<'a> {
        data: Vec<&'a Payment>,
        page_info: PageInfo,
    }
    Ok(ApiResponse::json(
        200,
        &Body {
            data: page.items.iter().map(|r| &r.payment).collect(),
            page_info: PageInfo {
                has_next_page: page.has_next,
                has_previous_page: page.has_previous,
                start_cursor: page.items.first().map(cursor),
                end_cursor: page.items.last().map(cursor),
            },
        },
    ))
}
