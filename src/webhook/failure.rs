//! [`Failure`]: why a webhook did not verify, the one error of every webhook function.

/// Why a webhook did not verify (the `reason` of `PaySGSignatureError`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// No `PaySG-Signature` header, or an empty one.
    MissingHeader,
    /// The header is not `t=…, v1=…`.
    MalformedHeader,
    /// No `v1` matches the body and secret.
    NoMatchingSignature,
    /// The timestamp is older than the tolerance.
    TimestampTooOld,
    /// The timestamp is further in the future than the tolerance.
    TimestampInFuture,
    /// The body is not a PaySG event (or not a body at all).
    InvalidPayload,
}

impl Reason {
    /// Every reason, in documentation order.
    pub const ALL: [Reason; 6] = [
        Reason::MissingHeader,
        Reason::MalformedHeader,
        Reason::NoMatchingSignature,
        Reason::TimestampTooOld,
        Reason::TimestampInFuture,
        Reason::InvalidPayload,
    ];

    /// What the reason means, for people (the TypeScript docs are generated from this).
    pub fn meaning(self) -> &'static str {
        match self {
            Reason::MissingHeader => "no `PaySG-Signature` header, or an empty one",
            Reason::MalformedHeader => "the header is not `t=<timestamp>, v1=<signature>`",
            Reason::NoMatchingSignature => {
                "no `v1` signature matches this body and secret (the message names the likely mistake)"
            }
            Reason::TimestampTooOld => "the signature's timestamp is older than the tolerance",
            Reason::TimestampInFuture => {
                "the signature's timestamp is further ahead than the tolerance"
            }
            Reason::InvalidPayload => {
                "the body is not a PaySG event, or not a raw body at all (a parsed object)"
            }
        }
    }

    /// The stable string of the reason.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::MissingHeader => "missing_header",
            Reason::MalformedHeader => "malformed_header",
            Reason::NoMatchingSignature => "no_matching_signature",
            Reason::TimestampTooOld => "timestamp_too_old",
            Reason::TimestampInFuture => "timestamp_in_future",
            Reason::InvalidPayload => "invalid_payload",
        }
    }
}

/// A verification failure: the reason and a message that names the likely mistake (never the
/// secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Why.
    pub reason: Reason,
    /// What to do about it.
    pub message: String,
}

pub(crate) fn fail(reason: Reason, message: impl Into<String>) -> Failure {
    Failure {
        reason,
        message: message.into(),
    }
}
