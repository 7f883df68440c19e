//! The flags of `paysg-sim send-webhook`, read the same way by both shells.

use std::fmt;

use crate::WebhookSigning;

/// One flag of `send-webhook`.
#[derive(Debug, Clone, Copy)]
pub struct SendFlag {
    /// Its name, without `--`.
    pub name: &'static str,
    /// What its value is (`None` for a switch).
    pub value: Option<&'static str>,
    /// Its default, if it has one.
    pub default: Option<&'static str>,
    /// What it does.
    pub help: &'static str,
}

const fn flag(
    name: &'static str,
    value: Option<&'static str>,
    default: Option<&'static str>,
    help: &'static str,
) -> SendFlag {
    SendFlag {
        name,
        value,
        default,
        help,
    }
}

/// The flags of `send-webhook`, as `--help` lists them.
pub const SEND_FLAGS: &[SendFlag] = &[
    flag("to", Some("URL"), None, "The webhook endpoint to POST the event to (http or https); required"),
    flag("secret", Some("SECRET"), None, "The endpoint's webhook secret, exactly as your receiver passes it to verifyWebhook (never printed); required"),
    flag("event", Some("FILE"), None, "Send this event (a JSON file, sent byte for byte) instead of a made-up payment.succeeded"),
    flag("stale", None, None, "Sign with a timestamp older than the SDK's default tolerance: a correct receiver refuses it (exit status 0 when it does)"),
    flag("signing", Some("WHEN"), Some("attempt"), "The signature's t: the time of sending (attempt), or the event's created_at, as a retry signed once per event carries it (event)"),
    flag("signature-time-unit", Some("s|ms"), Some("ms"), "Unit of t in PaySG-Signature"),
];

/// What `send-webhook` was asked to do.
#[derive(Clone, PartialEq, Eq)]
pub struct Args {
    /// The endpoint.
    pub to: String,
    secret: String,
    /// The event file's path, when one is given.
    pub event: Option<String>,
    /// Sign with a timestamp past the default tolerance.
    pub stale: bool,
    /// The signature's time: the sending's, or the event's `created_at`.
    pub signing: WebhookSigning,
    /// `t` in seconds rather than milliseconds.
    pub seconds: bool,
}

impl fmt::Debug for Args {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Args")
            .field("to", &self.mask(&self.to))
            .field("secret", &"[secret]")
            .field("event", &self.event)
            .field("stale", &self.stale)
            .field("signing", &self.signing)
            .field("seconds", &self.seconds)
            .finish()
    }
}

impl Args {
    /// The webhook secret (for signing only: never print it).
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// `text` with every occurrence of the secret replaced by `[secret]`, for anything shown
    /// that the caller or the receiver wrote (the URL, the answer's body, an error).
    pub fn mask(&self, text: &str) -> String {
        mask(text, &self.secret)
    }
}

fn mask(text: &str, secret: &str) -> String {
    if secret.is_empty() {
        text.to_owned()
    } else {
        text.replace(secret, "[secret]")
    }
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// `--help`: print [`help`].
    Help,
    /// Send.
    Run(Args),
}

/// The subcommands, for the end of `paysg-sim --help`.
pub fn commands_help() -> String {
    "Commands:\n  send-webhook  Post a signed payment.succeeded to your deployed webhook endpoint and report its answer (paysg-sim send-webhook --help)".to_owned()
}

/// The text of `paysg-sim send-webhook --help`.
pub fn help() -> String {
    let mut lines = vec![
        "Post a correctly signed payment.succeeded event (or the given one) to a webhook endpoint and report its answer: test your deployed endpoint before registering it with PaySG.".to_owned(),
        String::new(),
        "Usage: paysg-sim send-webhook --to <URL> --secret <SECRET> [OPTIONS]".to_owned(),
        String::new(),
        "Exit status: 0 when the endpoint accepts it (2xx), or refuses it with --stale; 1 otherwise; 2 for bad arguments.".to_owned(),
        String::new(),
        "Options:".to_owned(),
    ];
    for f in SEND_FLAGS {
        lines.push(match f.value {
            Some(v) => format!("      --{} <{v}>", f.name),
            None => format!("      --{}", f.name),
        });
        lines.push(match f.default {
            Some(d) => format!("          {} [default: {d}]", f.help),
            None => format!("          {}", f.help),
        });
    }
    lines.push("  -h, --help".to_owned());
    lines.push("          Print help".to_owned());
    lines.join("\n")
}

/// How an argument error ends: the message, then where to look.
pub fn usage_error(problems: &str) -> String {
    format!("paysg-sim send-webhook: {problems}\n\nFor more information, try 'paysg-sim send-webhook --help'.")
}

/// Shows a value someone gave, shortened, with the secret masked.
fn shown(value: &str, secret: &str) -> String {
    let masked = mask(value, secret);
    let short: String = masked.chars().take(100).collect();
    if short.len() < masked.len() {
        format!("'{short}…'")
    } else {
        format!("'{short}'")
    }
}

/// Whether `url` is an absolute http(s) URL with a host.
fn http_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let Some(rest) = rest else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    !host.is_empty() && !host.starts_with(':') && !url.chars().any(char::is_whitespace)
}

/// Reads `send-webhook`'s arguments (those after the subcommand's name): every problem at once.
///
/// # Errors
///
/// The message for stderr (exit status 2), naming each flag at fault; never the secret.
pub fn parse(argv: &[String]) -> Result<Parsed, String> {
    let mut given: Vec<(&'static str, Option<String>)> = Vec::new();
    let mut problems = Vec::new();
    let mut unexpected = Vec::new();
    let mut i = 0;
    while i < argv.len() {
        let arg = argv[i].as_str();
        i += 1;
        if arg == "-h" || arg == "--help" {
            return Ok(Parsed::Help);
        }
        let (name, inline) = match arg.strip_prefix("--") {
            Some(rest) => match rest.split_once('=') {
                Some((n, v)) => (n, Some(v.to_owned())),
                None => (rest, None),
            },
            None => ("", None),
        };
        let Some(f) = SEND_FLAGS.iter().find(|f| f.name == name) else {
            unexpected.push(arg);
            continue;
        };
        if given.iter().any(|(n, _)| *n == f.name) {
            problems.push(format!("--{} is given more than once", f.name));
            continue;
        }
        match (f.value, inline) {
            (None, None) => given.push((f.name, None)),
            (None, Some(_)) => problems.push(format!("--{} takes no value", f.name)),
            (Some(_), Some(v)) => given.push((f.name, Some(v))),
            (Some(v), None) => {
                let next = argv.get(i).filter(|n| {
                    !n.strip_prefix("--")
                        .is_some_and(|n| SEND_FLAGS.iter().any(|f| f.name == n))
                });
                match next {
                    Some(value) => {
                        given.push((f.name, Some(value.clone())));
                        i += 1;
                    }
                    None => problems.push(format!("--{} needs a value <{v}>", f.name)),
                }
            }
        }
    }
    let one = |name: &str| {
        given
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| v.clone())
    };
    let secret = one("secret").unwrap_or_default();
    let unexpected = unexpected
        .iter()
        .map(|arg| format!("unexpected argument {}", shown(arg, &secret)));
    problems.splice(0..0, unexpected);
    let to = one("to").unwrap_or_default();
    if !given.iter().any(|(n, _)| *n == "to") {
        problems.push("--to <URL> is required: the URL of your webhook endpoint, such as https://your-service.gov.sg/webhooks/paysg".to_owned());
    } else if !http_url(&to) {
        problems.push(format!(
            "--to must be an absolute http:// or https:// URL with a host, such as https://your-service.gov.sg/webhooks/paysg; got {}",
            shown(&to, &secret)
        ));
    }
    if !given.iter().any(|(n, _)| *n == "secret") {
        problems.push("--secret <SECRET> is required: the webhook secret your endpoint verifies with (the one PaySG gives for the endpoint)".to_owned());
    } else if secret.is_empty() {
        problems.push("--secret is empty: verifyWebhook refuses an empty secret; give your endpoint's webhook secret".to_owned());
    }
    let signing = match one("signing").as_deref() {
        None | Some("attempt") => WebhookSigning::PerAttempt,
        Some("event") => WebhookSigning::PerEvent,
        Some(other) => {
            problems.push(format!(
                "--signing must be attempt or event; got {}",
                shown(other, &secret)
            ));
            WebhookSigning::PerAttempt
        }
    };
    let seconds = match one("signature-time-unit").as_deref() {
        None | Some("ms") => false,
        Some("s") => true,
        Some(other) => {
            problems.push(format!(
                "--signature-time-unit must be s or ms; got {}",
                shown(other, &secret)
            ));
            false
        }
    };
    let event = one("event");
    if event.as_deref() == Some("") {
        problems.push("--event needs a file name; got ''".to_owned());
    }
    if !problems.is_empty() {
        return Err(usage_error(&problems.join("; ")));
    }
    Ok(Parsed::Run(Args {
        to,
        secret,
        event,
        stale: given.iter().any(|(n, _)| *n == "stale"),
        signing,
        seconds,
    }))
}
