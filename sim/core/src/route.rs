//! Routing of `/v1/…`: the payment service and the operation from the method and the decoded
//! path, and the query string's pairs.

use super::api_response::ApiResponse;
use paysg::request::PAYMENT_SERVICE_PREFIX;

/// A query string's pairs, %-decoded (`+` is a space); `None` when malformed.
pub(super) fn parse_query(q: &str) -> Option<Vec<(String, String)>> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            Some((
                paysg::strings::percent_decode(k, true)?,
                paysg::strings::percent_decode(v, true)?,
            ))
        })
        .collect()
}

/// Which operation a request is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Route {
    List,
    Create,
    Retrieve(String),
    Cancel(String),
    Refund(String),
    SendEmail(String),
}

impl Route {
    /// The permission it needs (PaySG's dashboard: View reads, Billing creates, cancels and
    /// emails, Refund refunds; Administrator may do all).
    pub(super) fn permission(&self) -> super::Permission {
        use super::Permission::{Billing, Refund, View};
        match self {
            Route::List | Route::Retrieve(_) => View,
            Route::Create | Route::Cancel(_) | Route::SendEmail(_) => Billing,
            Route::Refund(_) => Refund,
        }
    }
}

/// Routes `/v1/…` by method and decoded path segments: `(payment service, route)`.
pub(super) fn route(method: &str, path: &str) -> Result<(String, Route), ApiResponse> {
    let segments: Option<Vec<String>> = path
        .trim_start_matches("/v1/")
        .split('/')
        .map(|s| paysg::strings::percent_decode(s, false))
        .collect();
    let Some(segments) = segments else {
        return Err(ApiResponse::invalid(
            "invalid_path",
            "the path has a malformed %-escape",
        ));
    };
    let s: Vec<&str> = segments.iter().map(String::as_str).collect();
    let (get, post) = (method == "GET", method == "POST");
    let (service, route, allowed) = match s.as_slice() {
        ["payment-services", ps, "payments"] => (
            ps,
            if get {
                Some(Route::List)
            } else if post {
                Some(Route::Create)
            } else {
                None
            },
            "GET, POST",
        ),
        ["payment-services", ps, "payments", id] => {
            (ps, get.then(|| Route::Retrieve((*id).to_owned())), "GET")
        }
        ["payment-services", ps, "payments", id, action] => {
            let id = (*id).to_owned();
            let r = match *action {
                "cancel" => Route::Cancel(id),
                "refund" => Route::Refund(id),
                "send-email" => Route::SendEmail(id),
                _ => return Err(ApiResponse::no_route()),
            };
            (ps, post.then_some(r), "POST")
        }
        _ => return Err(ApiResponse::no_route()),
    };
    let Some(route) = route else {
        return Err(ApiResponse::error(
            405,
            "invalid_request_error",
            "method_not_allowed",
            format!("this endpoint accepts {allowed}"),
        ));
    };
    if !service.starts_with(PAYMENT_SERVICE_PREFIX) || service.len() == PAYMENT_SERVICE_PREFIX.len()
    {
        return Err(ApiResponse::not_found("payment_service"));
    }
    Ok(((*service).to_owned(), route))
}
