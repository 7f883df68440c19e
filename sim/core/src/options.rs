//! The simulator's options, defined once: [`FLAGS`] drives the native binary's command line
//! (clap), the npm package's (`npx paysg-sim`) and `createSimulator`'s options (the same names
//! in camelCase); [`config`] checks what was given, whichever way, by the same rules.

use std::time::Duration;

use super::faults::FaultPlan;
use super::{Config, KeyRights, Permission, WebhookSigning};

/// How a flag takes values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `--flag VALUE`, once.
    Value,
    /// `--flag VALUE`, any number of times.
    Repeat,
    /// `--flag`, no value.
    Switch,
}

/// One flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag {
    /// Its name on the command line, without `--` (`fault-rate`).
    pub name: &'static str,
    /// Its value's placeholder in help (`F`).
    pub value: &'static str,
    /// How it takes values.
    pub kind: Kind,
    /// Its default, as shown in help.
    pub default: Option<&'static str>,
    /// What it does.
    pub help: &'static str,
}

const fn flag(
    name: &'static str,
    value: &'static str,
    kind: Kind,
    default: Option<&'static str>,
    help: &'static str,
) -> Flag {
    Flag {
        name,
        value,
        kind,
        default,
        help,
    }
}

/// Every flag, in the order help lists them.
pub const FLAGS: &[Flag] = &[
    flag("port", "PORT", Kind::Value, Some("8790"), "Port to listen on; 0 picks a free one (the real one is printed)"),
    flag("host", "IP", Kind::Value, Some("127.0.0.1"), "Address to bind"),
    flag("public-url", "URL", Kind::Value, None, "Base of payment_url and payment_qr_code_url [default: http://<host>:<port>]"),
    flag("api-key", "KEY[=RIGHTS]", Kind::Repeat, None, "Accept only this API key (repeatable), with these permissions: a comma-separated list of view, billing, refund, administrator [default: any key starting paysg_stag_, with every permission]"),
    flag("webhook-url", "URL", Kind::Repeat, None, "POST payment.succeeded events to this URL (repeatable)"),
    flag("webhook-secret", "SECRET", Kind::Value, None, "HMAC-SHA256 key of the PaySG-Signature header (required with --webhook-url)"),
    flag("webhook-max-attempts", "N", Kind::Value, Some("6"), "Delivery attempts per event and endpoint (1 = no retry)"),
    flag("webhook-backoff-ms", "MS", Kind::Value, Some("500"), "First webhook retry delay in ms; doubles each attempt (plus up to 10 % jitter)"),
    flag("webhook-signing", "WHEN", Kind::Value, Some("attempt"), "Sign each delivery attempt afresh (attempt), or once per event, so a retry carries the first attempt's t (event)"),
    flag("signature-time-unit", "UNIT", Kind::Value, Some("ms"), "Unit of t in PaySG-Signature: s or ms"),
    flag("fault", "KINDS", Kind::Value, None, "Inject faults into API requests: comma-separated 500, 503, 429, stall, drop, 500-after"),
    flag("fault-rate", "F", Kind::Value, None, "Fraction (0 to 1) of API requests that get a fault [default: 1 with --fault]"),
    flag("retry-after", "S", Kind::Value, Some("1"), "Retry-After seconds sent with injected 429 and 503"),
    flag("stall-ms", "MS", Kind::Value, Some("30000"), "How long a stall fault holds the response, in ms"),
    flag("limit-amount-in-cents", "CENTS", Kind::Value, Some("20000000"), "Largest amount_in_cents of a payment (the SDK's limits.amount_in_cents): 20000000 (the current guide) or 99999999 (older guide copies, Plumber); 1 to 99999999"),
    flag("amount-cap", "CENTS", Kind::Value, None, "Older name of --limit-amount-in-cents"),
    flag("limit-payer-identifier", "N", Kind::Value, Some("10"), "Most characters in payer_identifier (the SDK's limits.payer_identifier): 10 (the guide) or 20 (Plumber since October 2024); 1 to 255"),
    flag("accept-non-ascii", "", Kind::Switch, None, "Accept non-ASCII characters in payer_name and payer_address, which PaySG refuses (Plumber's evidence: opengovsg/plumber PR #465)"),
    flag("refund-settle-ms", "MS", Kind::Value, Some("0"), "How long a refund stays pending (blocking the next one) before it succeeds, in ms"),
    flag("data", "FILE", Kind::Value, None, "Keep state in this file: every change is on disk before it is answered"),
    flag("data-max-bytes", "BYTES", Kind::Value, None, "Cap the data file at this many bytes: past it, changes fail with 503 as on a full disk"),
    flag("return-url-map", "FROM=TO", Kind::Repeat, None, "Send payers whose return_url starts with FROM to TO instead (repeatable), e.g. https://eservice.example=http://127.0.0.1:8787"),
    flag("quiet", "", Kind::Switch, None, "No request log on stderr"),
];

/// The camelCase name of a flag (`fault-rate` → `faultRate`), as `createSimulator` takes it.
pub fn camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut up = false;
    for c in name.chars() {
        if c == '-' {
            up = true;
        } else if up {
            out.push(c.to_ascii_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The default of flag `name` as [`FLAGS`] writes it, if it has one.
pub fn default_of(name: &str) -> Option<&'static str> {
    FLAGS.iter().find(|f| f.name == name)?.default
}

/// The configuration when nothing is given: every flag's default ([`FLAGS`]).
pub fn defaults() -> Config {
    config(&Given::default(), "", Style::Cli).unwrap_or_else(|_| Config::bare())
}

/// How messages name an option: as a flag (`--fault-rate`) or an option (`faultRate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// The command line.
    Cli,
    /// `createSimulator(options)`.
    Js,
}

/// What was given: each flag's values, by name (`fault-rate`), as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Given(pub Vec<(String, String)>);

impl Given {
    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn one<'a>(&'a self, name: &'a str) -> Option<&'a str> {
        self.all(name).last()
    }
}

/// Checks the options and builds the configuration. `bound` is the address the shell listens
/// on (`http://<host>:<port>`), the default of `--public-url`.
///
/// # Errors
///
/// One message per problem, naming the option, joined with "; ".
pub fn config(given: &Given, bound: &str, style: Style) -> Result<Config, String> {
    let show = |name: &str| match style {
        Style::Cli => format!("--{name}"),
        Style::Js => camel(name),
    };
    let mut problems: Vec<String> = Vec::new();
    for (name, _) in &given.0 {
        match FLAGS.iter().find(|f| f.name == name) {
            None => problems.push(format!("unknown option {}", show(name))),
            Some(f) if f.kind != Kind::Repeat && given.all(name).count() > 1 => {
                problems.push(format!("{} was given more than once", show(name)));
            }
            _ => {}
        }
    }
    problems.dedup();
    // A number as given, or else the flag's default from [`FLAGS`] (the one place defaults are
    // written).
    let mut number = |name: &str, min: u64, max: u64| -> Option<u64> {
        let Some(v) = given.one(name) else {
            return default_of(name).and_then(|d| d.parse().ok());
        };
        match v.trim().parse::<u64>() {
            Ok(n) if (min..=max).contains(&n) => Some(n),
            _ => {
                problems.push(format!(
                    "{} must be a whole number from {min} to {max}, got {v:?}",
                    show(name)
                ));
                None
            }
        }
    };
    let max_attempts = number("webhook-max-attempts", 1, 100).unwrap_or(1);
    let backoff = number("webhook-backoff-ms", 0, 86_400_000).unwrap_or(0);
    let retry_after = number("retry-after", 0, 86_400).unwrap_or(0);
    let stall = number("stall-ms", 0, 3_600_000).unwrap_or(0);
    let amount = paysg::validate::LIMITS[paysg::validate::rules::AMOUNT_LIMIT];
    let identifier = paysg::validate::LIMITS[paysg::validate::rules::PAYER_IDENTIFIER_LIMIT];
    let amount_name = if given.one("amount-cap").is_some() {
        "amount-cap"
    } else {
        "limit-amount-in-cents"
    };
    let limits = paysg::validate::Limits {
        amount_in_cents: number(amount_name, amount.min, amount.max).unwrap_or(amount.default)
            as u32,
        payer_identifier: number("limit-payer-identifier", identifier.min, identifier.max)
            .unwrap_or(identifier.default) as usize,
    };
    let settle = number("refund-settle-ms", 0, 90 * 86_400_000).unwrap_or(0);
    let data_max_bytes = number("data-max-bytes", 4096, u64::MAX);
    if given.one("amount-cap").is_some() && given.one("limit-amount-in-cents").is_some() {
        problems.push(format!(
            "give {} or its older name {}, not both",
            show("limit-amount-in-cents"),
            show("amount-cap")
        ));
    }
    let choice = |name: &str, allowed: &[&str], problems: &mut Vec<String>| -> Option<String> {
        let v = given.one(name)?;
        if allowed.contains(&v) {
            Some(v.to_owned())
        } else {
            problems.push(format!(
                "{} must be {}, got {v:?}",
                show(name),
                allowed.join(" or ")
            ));
            None
        }
    };
    let unit = choice("signature-time-unit", &["s", "ms"], &mut problems);
    let signing = choice("webhook-signing", &["attempt", "event"], &mut problems);
    let webhook_urls: Vec<String> = given.all("webhook-url").map(str::to_owned).collect();
    let webhook_secret = given.one("webhook-secret").map(str::to_owned);
    if !webhook_urls.is_empty() && webhook_secret.is_none() {
        problems.push(format!(
            "{} needs {}",
            show("webhook-url"),
            show("webhook-secret")
        ));
    }
    let rate = given.one("fault-rate").map(|r| r.trim().parse::<f64>());
    let faults = match (given.one("fault"), rate) {
        (Some(kinds), rate) => match rate.unwrap_or(Ok(1.0)) {
            Ok(rate) => FaultPlan::new(kinds, rate)
                .map_err(|e| e.replace("--fault-rate", &show("fault-rate"))),
            Err(_) => Err(format!("{} must be from 0 to 1", show("fault-rate"))),
        }
        .unwrap_or_else(|e| {
            problems.push(e);
            FaultPlan::none()
        }),
        (None, Some(_)) => {
            problems.push(format!("{} needs {}", show("fault-rate"), show("fault")));
            FaultPlan::none()
        }
        (None, None) => FaultPlan::none(),
    };
    let mut api_keys = Vec::new();
    for k in given.all("api-key") {
        match parse_key(k) {
            Ok(k) => api_keys.push(k),
            Err(e) => problems.push(format!("{}: {e}", show("api-key"))),
        }
    }
    let mut return_url_map = Vec::new();
    for m in given.all("return-url-map") {
        match m.split_once('=') {
            Some((from, to)) if !from.is_empty() && !to.is_empty() => {
                return_url_map.push((from.to_owned(), to.to_owned()));
            }
            _ => problems.push(format!(
                "{} expects FROM=TO, got {m:?}",
                show("return-url-map")
            )),
        }
    }
    if data_max_bytes.is_some() && given.one("data").is_none() {
        problems.push(format!("{} needs {}", show("data-max-bytes"), show("data")));
    }
    if !problems.is_empty() {
        return Err(problems.join("; "));
    }
    Ok(Config {
        public_url: given
            .one("public-url")
            .unwrap_or(bound)
            .trim_end_matches('/')
            .to_owned(),
        api_keys,
        webhook_urls,
        webhook_secret,
        webhook_max_attempts: max_attempts as u32,
        webhook_backoff: Duration::from_millis(backoff),
        webhook_signing: if signing.as_deref() == Some("event") {
            WebhookSigning::PerEvent
        } else {
            WebhookSigning::PerAttempt
        },
        signature_in_seconds: unit.as_deref() == Some("s"),
        faults,
        retry_after_secs: retry_after,
        stall: Duration::from_millis(stall),
        limits,
        accept_non_ascii: given.one("accept-non-ascii").is_some(),
        refund_settle_ms: settle as i64,
        data: given.one("data").map(Into::into),
        data_max_bytes,
        return_url_map,
        log: given.one("quiet").is_none(),
    })
}

/// `KEY` or `KEY=view,refund`.
fn parse_key(text: &str) -> Result<KeyRights, String> {
    let (key, rights) = match text.split_once('=') {
        Some((k, r)) => (k, Some(r)),
        None => (text, None),
    };
    if key.is_empty() || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err("a key must be visible ASCII characters".to_owned());
    }
    let permissions = match rights {
        None => Permission::ALL.to_vec(),
        Some(r) => r
            .split(',')
            .map(|p| {
                Permission::ALL
                    .into_iter()
                    .find(|q| q.name() == p.trim())
                    .ok_or_else(|| {
                        format!(
                            "unknown permission {p:?}; use view, billing, refund or administrator"
                        )
                    })
            })
            .collect::<Result<Vec<_>, _>>()?,
    };
    Ok(KeyRights {
        key: key.to_owned(),
        permissions,
    })
}
