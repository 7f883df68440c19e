//! A client's configuration and one call's options: builders over the core's
//! [`paysg::client::Options`], checked by the same rules as `new PaySG(options)`.

use paysg::client::Options;
use paysg::scalar::Scalar;

/// A client's configuration: the same options, limits and defaults as `new PaySG(options)`.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub(crate) options: Options,
    pub(crate) headers: Vec<(String, String)>,
    limits: Vec<(String, u64)>,
}

impl Config {
    /// A configuration with an API key (`paysg_stag_…` or `paysg_live_…`).
    pub fn new(api_key: &str) -> Self {
        Config {
            options: Options {
                api_key: Scalar::Str(api_key.to_owned()),
                ..Options::default()
            },
            headers: Vec::new(),
            limits: Vec::new(),
        }
    }

    /// The default `payment_service_…` of every call.
    pub fn payment_service_id(mut self, id: &str) -> Self {
        self.options.payment_service_id = Scalar::Str(id.to_owned());
        self
    }

    /// Another host than the key prefix's (paysg-sim, a proxy).
    pub fn base_url(mut self, url: &str) -> Self {
        self.options.base_url = Scalar::Str(url.to_owned());
        self
    }

    /// The deadline of a call, retries included, in ms (1 to 600,000; default 30,000).
    pub fn timeout_ms(mut self, ms: u64) -> Self {
        self.options.timeout_ms = Scalar::Num(ms as f64);
        self
    }

    /// The time one attempt may take, in ms (1 to 600,000; default 10,000).
    pub fn attempt_timeout_ms(mut self, ms: u64) -> Self {
        self.options.attempt_timeout_ms = Scalar::Num(ms as f64);
        self
    }

    /// Retries after the first attempt (0 to 10; default 2).
    pub fn max_retries(mut self, n: u32) -> Self {
        self.options.max_retries = Scalar::Num(f64::from(n));
        self
    }

    /// Map the common non-ASCII characters of payer text to ASCII before checking and sending a
    /// create (`normaliseText`; default off: such text is refused as `non_ascii`).
    pub fn normalise_text(mut self, on: bool) -> Self {
        self.options.normalise_text = Scalar::Bool(on);
        self
    }

    /// Sets a limit PaySG's sources disagree on (`limits`, see
    /// [`paysg::validate::rules::LIMITS`]): `limit("payer_identifier", 20)`.
    pub fn limit(mut self, name: &str, value: u64) -> Self {
        self.limits.push((name.to_owned(), value));
        self.options.limits = limits_text(&self.limits);
        self
    }

    /// A header sent on every request besides PaySG's (tracing, or paysg-sim's test headers).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
}

/// One call's options (each overrides the client's).
#[derive(Debug, Clone, Default)]
pub struct CallOptions {
    /// Another payment service than the client's.
    pub payment_service_id: Option<String>,
    /// The `Idempotency-Key` of a create or refund (default: a random V4 UUID, the same on every
    /// retry).
    pub idempotency_key: Option<String>,
    /// The deadline of this call, in ms.
    pub timeout_ms: Option<u64>,
    /// The time one attempt of this call may take, in ms.
    pub attempt_timeout_ms: Option<u64>,
    /// Retries after the first attempt.
    pub max_retries: Option<u32>,
    /// Map the common non-ASCII characters of payer text to ASCII (a create).
    pub normalise_text: Option<bool>,
    /// Limits PaySG's sources disagree on, for this call (see [`Config::limit`]): each
    /// `(name, value)` overrides the client's of that name, key by key.
    pub limit: Vec<(String, u64)>,
}

impl CallOptions {
    pub(crate) fn options(&self) -> Options {
        let s = |v: &Option<String>| v.clone().map_or(Scalar::Absent, Scalar::Str);
        Options {
            payment_service_id: s(&self.payment_service_id),
            idempotency_key: s(&self.idempotency_key),
            timeout_ms: self
                .timeout_ms
                .map_or(Scalar::Absent, |t| Scalar::Num(t as f64)),
            attempt_timeout_ms: self
                .attempt_timeout_ms
                .map_or(Scalar::Absent, |t| Scalar::Num(t as f64)),
            max_retries: self
                .max_retries
                .map_or(Scalar::Absent, |r| Scalar::Num(f64::from(r))),
            normalise_text: self.normalise_text.map_or(Scalar::Absent, Scalar::Bool),
            limits: if self.limit.is_empty() {
                Scalar::Absent
            } else {
                limits_text(&self.limit)
            },
            ..Options::default()
        }
    }
}

/// `limits` as the JS layer hands it over: JSON text of `{ name: value, … }`.
fn limits_text(limits: &[(String, u64)]) -> Scalar {
    let entries: Vec<String> = limits
        .iter()
        .map(|(k, v)| format!("{}:{v}", serde_json::to_string(k).unwrap_or_default()))
        .collect();
    Scalar::Str(format!("{{{}}}", entries.join(",")))
}
