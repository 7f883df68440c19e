//! The settings a create-payment check runs with: the limits PaySG's own sources disagree on,
//! which a caller may set (`limits: { payer_identifier: 20 }`) so as not to wait for a release
//! when PaySG relaxes one, and the payer-text switches (see [`super::ascii`]).
//!
//! Defaults are the current guide's values. A limit may be set anywhere in its `min..=max`:
//! tighter than the guide (an agency's own cap) or looser up to the largest value any source
//! gives PaySG, or PaySG's limit on its other strings; further than that no evidence goes.

use super::given::Given;
use super::money::{grouped, shown_number, AMOUNT_DEFAULT_MAX, AMOUNT_MAX};
use super::problems::{Code, FieldError};
use crate::json::Json;
use crate::strings::shown_key;
use std::borrow::Cow;

/// One limit a caller may set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Its key in `limits` (the wire name of the field it limits).
    pub name: &'static str,
    /// The guide's value, the default.
    pub default: u64,
    /// The smallest value it may be set to.
    pub min: u64,
    /// The largest value it may be set to.
    pub max: u64,
    /// Where the values come from, for the docs.
    pub source: &'static str,
}

/// Index of `payer_identifier`'s limit in [`LIMITS`].
pub const PAYER_IDENTIFIER_LIMIT: usize = 0;
/// Index of `amount_in_cents`'s limit in [`LIMITS`].
pub const AMOUNT_LIMIT: usize = 1;

/// The limits a caller may set, in the order of the fields they limit.
pub const LIMITS: [Limit; 2] = [
    Limit {
        name: "payer_identifier",
        default: 10,
        min: 1,
        max: 255,
        source: "the guide: at most 10 characters; Plumber: 20 since October 2024 (commit 81379935); up to 255, PaySG's limit on its other payer strings",
    },
    Limit {
        name: "amount_in_cents",
        default: AMOUNT_DEFAULT_MAX as u64,
        min: 1,
        max: AMOUNT_MAX as u64,
        source: "the current guide and FAQ: S$200,000 (20,000,000 cents); older guide copies and Plumber: 99,999,999; up to 99,999,999, the largest any source gives",
    },
];

/// The limits in force: each one's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most characters (UTF-16 code units) in `payer_identifier`.
    pub payer_identifier: usize,
    /// The largest `amount_in_cents`.
    pub amount_in_cents: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            payer_identifier: LIMITS[PAYER_IDENTIFIER_LIMIT].default as usize,
            amount_in_cents: LIMITS[AMOUNT_LIMIT].default as u32,
        }
    }
}

/// What a create-payment check runs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rules {
    /// The limits in force.
    pub limits: Limits,
    /// Map the common non-ASCII characters of payer text to ASCII before checking and sending
    /// (`normaliseText`).
    pub normalise_text: bool,
    /// Accept non-ASCII payer text (the simulator's `--accept-non-ascii`; the SDK never sets
    /// it).
    pub accept_non_ascii: bool,
}

/// An option that must be an object, as given: absent, its entries, or another type.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Loose<'a> {
    /// Absent, `undefined` or `null`.
    #[default]
    Absent,
    /// An object's own entries.
    Entries(Vec<(Cow<'a, str>, Given<'a>)>),
    /// Anything else: its JS type.
    Other(&'static str),
}

impl<'a> Loose<'a> {
    /// The same read from a [`Json`] value.
    pub fn of(value: Option<&'a Json<'a>>) -> Self {
        match value {
            None | Some(Json::Null) => Loose::Absent,
            Some(j @ Json::Obj(entries)) if j.js_date().is_none() => Loose::Entries(
                entries
                    .iter()
                    .map(|(k, v)| (Cow::Borrowed(k.as_ref()), Given::of(Some(v))))
                    .collect(),
            ),
            Some(other) => Loose::Other(Given::of(Some(other)).type_name()),
        }
    }
}

/// A switch as given: absent, a boolean, or another type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Switch {
    /// Absent, `undefined` or `null`.
    #[default]
    Absent,
    /// A boolean.
    Bool(bool),
    /// Anything else: its JS type.
    Other(&'static str),
}

impl Switch {
    /// The same read from a [`Json`] value.
    pub fn of(value: Option<&Json<'_>>) -> Self {
        match value {
            None | Some(Json::Null) => Switch::Absent,
            Some(Json::Bool(b)) => Switch::Bool(*b),
            Some(other) => Switch::Other(Given::of(Some(other)).type_name()),
        }
    }
}

/// The settings one caller (a client, or a call) gave, checked: `None` where not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Chosen {
    /// `normaliseText`.
    pub normalise_text: Option<bool>,
    /// `limits`, by index in [`LIMITS`].
    pub limits: [Option<u64>; 2],
}

impl Chosen {
    /// These settings, with `base`'s where these give none (a call over its client, key by key).
    pub fn over(self, base: Chosen) -> Chosen {
        Chosen {
            normalise_text: self.normalise_text.or(base.normalise_text),
            limits: [
                self.limits[0].or(base.limits[0]),
                self.limits[1].or(base.limits[1]),
            ],
        }
    }

    /// The rules in force (defaults where nothing was given).
    pub fn rules(self) -> Rules {
        let d = Limits::default();
        Rules {
            limits: Limits {
                payer_identifier: self.limits[PAYER_IDENTIFIER_LIMIT]
                    .map_or(d.payer_identifier, |v| v as usize),
                amount_in_cents: self.limits[AMOUNT_LIMIT].map_or(d.amount_in_cents, |v| v as u32),
            },
            normalise_text: self.normalise_text.unwrap_or(false),
            accept_non_ascii: false,
        }
    }
}

/// Checks `normaliseText` and `limits` as given, noting every problem in `p`.
pub fn check_settings(
    p: &mut Vec<FieldError>,
    normalise_text: Switch,
    limits: &Loose<'_>,
) -> Chosen {
    let normalise_text = match normalise_text {
        Switch::Absent => None,
        Switch::Bool(b) => Some(b),
        Switch::Other(t) => {
            p.push(FieldError::new(
                "normaliseText",
                Code::InvalidType,
                format!("normaliseText must be true or false, got {t}"),
            ));
            None
        }
    };
    Chosen {
        normalise_text,
        limits: check_limits(p, limits),
    }
}

/// Checks `limits` as given: an object whose keys are [`LIMITS`]' names, each a whole number
/// in its range.
pub fn check_limits(p: &mut Vec<FieldError>, limits: &Loose<'_>) -> [Option<u64>; 2] {
    let mut out = [None; 2];
    let entries = match limits {
        Loose::Absent => return out,
        Loose::Other(t) => {
            p.push(FieldError::new(
                "limits",
                Code::InvalidType,
                format!("limits must be an object such as {{ payer_identifier: 20 }}, got {t}"),
            ));
            return out;
        }
        Loose::Entries(entries) => entries,
    };
    for (key, value) in entries {
        let Some(i) = LIMITS.iter().position(|l| *key == l.name) else {
            let k = shown_key(key);
            let names: Vec<_> = LIMITS.iter().map(|l| l.name).collect();
            p.push(FieldError::new(
                format!("limits.{k}"),
                Code::UnknownField,
                format!(
                    "limits.{k} is not a limit paysg can set; it sets {}",
                    names.join(", ")
                ),
            ));
            continue;
        };
        let l = &LIMITS[i];
        let field = format!("limits.{}", l.name);
        let (code, got) = match *value {
            Given::Absent => continue,
            Given::Num(n) if n.fract() == 0.0 && n >= l.min as f64 && n <= l.max as f64 => {
                out[i] = Some(n as u64);
                continue;
            }
            Given::Num(n) if n.is_nan() => (Code::InvalidType, "NaN".to_owned()),
            Given::Num(n) if n.is_finite() && n.fract() != 0.0 => {
                (Code::NotInteger, "a fraction".to_owned())
            }
            Given::Num(n) => (Code::OutOfRange, shown_number(n)),
            other => (Code::InvalidType, other.type_name().to_owned()),
        };
        // One message shape for both (a range in dollars too would cost ≈ 1 KB of wasm).
        p.push(FieldError::new(
            field.clone(),
            code,
            format!(
                "{field} must be a whole number from {} to {} (default {}), got {got}",
                grouped(l.min),
                grouped(l.max),
                grouped(l.default)
            ),
        ));
    }
    out
}

/// The options of `validateCreatePayment(input, options)`: `{ normaliseText?, limits? }`.
///
/// # Errors
///
/// Every problem with the options (an unknown key, a wrong type, a limit out of its range).
pub fn rules_of_options(options: Option<&Json<'_>>) -> Result<Rules, Vec<FieldError>> {
    let mut p = Vec::new();
    let (mut normalise, mut limits) = (None, None);
    match options {
        None | Some(Json::Null) => return Ok(Rules::default()),
        Some(j @ Json::Obj(entries)) if j.js_date().is_none() => {
            for (k, v) in entries {
                match k.as_ref() {
                    "normaliseText" => normalise = Some(v),
                    "limits" => limits = Some(v),
                    other => {
                        let k = shown_key(other);
                        p.push(FieldError::new(
                            k.as_ref(),
                            Code::UnknownField,
                            format!("{k} is not an option of validateCreatePayment; it takes normaliseText and limits"),
                        ));
                    }
                }
            }
        }
        Some(other) => p.push(FieldError::new(
            "",
            Code::InvalidType,
            format!(
                "the options must be an object {{ normaliseText?, limits? }}, got {}",
                Given::of(Some(other)).type_name()
            ),
        )),
    }
    let chosen = check_settings(&mut p, Switch::of(normalise), &Loose::of(limits));
    if p.is_empty() {
        Ok(chosen.rules())
    } else {
        Err(p)
    }
}
