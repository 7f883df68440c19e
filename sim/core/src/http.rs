//! Every request of the simulator, classified: an answer at once, an API job, a page to read, or
//! an action that changes state. A shell turns each into I/O the same way ([`Handling`]), and
//! sends the [`Reply`].

use super::api_request::{prepare, Incoming, Job, Prepared};
use super::api_response::ApiResponse;
use super::ids::Entropy;
use super::model::Change;
use super::pages::{not_found_page, Action, PageRead};
use super::reply::Reply;
use super::{Config, Volatile};
use paysg::strings::percent_decode;

/// What a request needs.
#[derive(Debug, Clone, PartialEq)]
pub enum Handling {
    /// This reply, at once.
    Reply(Reply),
    /// An API request: idempotency, the delay, the operation and its commit
    /// ([`super::api_request::replay`], [`super::ops::execute`], [`super::api_request::finish`]).
    Api(Job),
    /// A page that only reads ([`super::pages::read`]).
    Read(PageRead),
    /// A change outside the API ([`super::pages::act`]): run it on the store's writer and commit it.
    Act(Action),
}

/// Classifies a request; a cross-site request that would change state is refused first
/// ([`super::cross_site`]). `faults` receives the faults injected into an API request.
pub fn handle(
    config: &Config,
    volatile: &mut Volatile,
    req: &Incoming<'_>,
    entropy: &mut dyn Entropy,
    faults: &mut Change,
) -> Handling {
    if let Some(refused) = super::cross_site::refusal(config, req) {
        return Handling::Reply(refused.into());
    }
    if req.path == "/sim/clock" {
        return Handling::Reply(clock(volatile, req));
    }
    if let Some(h) = route(req) {
        return h;
    }
    if req.path.starts_with("/v1/") {
        return match prepare(config, volatile, req, entropy, faults) {
            Prepared::ApiResponse(a) => Handling::Reply(a.into()),
            Prepared::Run(job) => Handling::Api(job),
        };
    }
    Handling::Reply(ApiResponse::no_route().into())
}

/// The route of a page or control, when the request is one (`None`: the API, or nothing).
fn route(req: &Incoming<'_>) -> Option<Handling> {
    let (method, path) = (req.method, req.path);
    let (get, post) = (method == "GET", method == "POST");
    let only = |ok: bool, h: Handling| {
        Some(if ok {
            h
        } else {
            Handling::Reply(Reply::empty(405))
        })
    };
    let seg: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let id = |s: &str| percent_decode(s, false);
    match seg.as_slice() {
        [""] => only(get, Handling::Read(PageRead::Index)),
        ["payments", p] => Some(match id(p) {
            Some(p) if get => Handling::Read(PageRead::Payment(p)),
            Some(_) => Handling::Reply(Reply::empty(405)),
            None => Handling::Reply(not_found_page()),
        }),
        ["payments", p, "pay"] => Some(match id(p) {
            Some(p) if post => Handling::Act(Action::Pay { id: p, json: false }),
            Some(_) => Handling::Reply(Reply::empty(405)),
            None => Handling::Reply(not_found_page()),
        }),
        ["sim", "payments", p, "pay"] => Some(match id(p) {
            Some(p) if post => Handling::Act(Action::Pay { id: p, json: true }),
            Some(_) => Handling::Reply(Reply::empty(405)),
            None => Handling::Reply(ApiResponse::not_found("payment").into()),
        }),
        ["v1", "public", "payments", file] => {
            let file = id(file).unwrap_or_default();
            let p = file.strip_suffix("-qr.png").unwrap_or("").to_owned();
            only(get, Handling::Read(PageRead::Qr(p)))
        }
        ["sim", "emails"] => only(get, Handling::Read(PageRead::Emails { json: false })),
        ["sim", "emails.json"] => only(get, Handling::Read(PageRead::Emails { json: true })),
        ["sim", "webhooks"] => only(get, Handling::Read(PageRead::Webhooks { json: false })),
        ["sim", "webhooks.json"] => only(get, Handling::Read(PageRead::Webhooks { json: true })),
        ["sim", "state"] => only(get, Handling::Read(PageRead::State)),
        ["sim", "reset"] => only(post, Handling::Act(Action::Reset)),
        ["sim", "payments", p, action @ ("refund" | "cancel" | "fail" | "payout")] => {
            Some(match id(p) {
                Some(p) if post => Handling::Act(match *action {
                    "refund" => Action::OfficerRefund {
                        id: p,
                        body: req.body.to_vec(),
                    },
                    "cancel" => Action::OfficerCancel(p),
                    "fail" => Action::FailAttempt(p),
                    _ => Action::Payout(p),
                }),
                Some(_) => Handling::Reply(Reply::empty(405)),
                None => Handling::Reply(ApiResponse::not_found("payment").into()),
            })
        }
        _ => None,
    }
}

/// The furthest `POST /sim/clock` moves the clock ahead in all, in ms: 365,000 days, so that
/// the simulator's time and everything added to it (a refund's 90-day window, an idempotency
/// key's 24 hours, a pending refund's settling) stay far inside an `i64` and a four-digit year.
pub const MAX_CLOCK_OFFSET_MS: i64 = 365_000 * 86_400_000;

/// `POST /sim/clock` with `{ "advance_ms": n }` moves the simulator's clock forward (refunds'
/// 90-day window, pending refunds, timestamps); `GET` shows the offset.
fn clock(volatile: &mut Volatile, req: &Incoming<'_>) -> Reply {
    #[derive(serde::Deserialize)]
    struct Advance {
        advance_ms: i64,
    }
    match req.method {
        "GET" => {}
        "POST" => match serde_json::from_slice::<Advance>(req.body) {
            Ok(a) if a.advance_ms >= 0 => {
                let room = MAX_CLOCK_OFFSET_MS.saturating_sub(volatile.clock_offset_ms);
                if a.advance_ms > room {
                    return ApiResponse::invalid(
                        "invalid_clock",
                        format!(
                            "advance_ms {} would move the clock more than {MAX_CLOCK_OFFSET_MS} ms \
                             (365,000 days) ahead in all; it is {} ms ahead, so advance_ms may be \
                             at most {room}",
                            a.advance_ms, volatile.clock_offset_ms
                        ),
                    )
                    .into();
                }
                volatile.clock_offset_ms = volatile.clock_offset_ms.saturating_add(a.advance_ms);
            }
            _ => {
                return ApiResponse::invalid(
                    "invalid_clock",
                    "send { \"advance_ms\": <a whole number of ms, 0 or more> }: the clock only moves forward",
                )
                .into()
            }
        },
        _ => return Reply::empty(405),
    }
    ApiResponse::json(
        200,
        &serde_json::json!({ "offset_ms": volatile.clock_offset_ms }),
    )
    .into()
}
