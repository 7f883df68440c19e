//! `verifyCredentials`' texts: the sentence of each outcome's problem ([`problem`]), and the
//! TypeScript declarations generated from [`super`]'s codes and defaults into
//! `pkg/gen/types.d.ts` by the contract generator (crates/contract).

use super::{authority_of, Outcome, Problem, CODES, VERIFY_MAX_RETRIES, VERIFY_TIMEOUT_MS};
use crate::client::options::MAX_TIMEOUT_MS;
use crate::request::{LIVE_KEY_PREFIX, STAGING_KEY_PREFIX};

/// The sentence about caller IPs that every failure to connect carries.
const ALLOW_LIST: &str = "PaySG allow-lists the IP addresses of its API callers: send PaySG \
     the outbound IP addresses of your servers (a Cloudflare Worker has no fixed outbound IP: \
     route its calls through an egress proxy with a static IP)";

/// The problem an outcome shows, if any. `base_url` and `payment_service_id` are the call's.
pub fn problem(outcome: &Outcome, base_url: &str, payment_service_id: &str) -> Option<Problem> {
    let host = authority_of(base_url);
    let p = match outcome {
        Outcome::Listed => return None,
        Outcome::NotSent => Problem::new(
            "unexpected_response",
            "the check was not made (no request was sent)".to_owned(),
        ),
        Outcome::Status(401) => Problem::new(
            "api_key_not_recognised",
            format!(
                "{host} does not recognise this API key (401): is it a staging key \
                 ({STAGING_KEY_PREFIX}) on live, or a live key ({LIVE_KEY_PREFIX}) on staging, or \
                 mistyped? Keys do not expire: copy it again from the PaySG dashboard"
            ),
        ),
        Outcome::Status(403) => Problem::new(
            "permission_missing",
            format!(
                "the API key lacks a permission for payment service {payment_service_id} at \
                 {host} (403). PaySG's answer to \"Why doesn't my API key work?\": ensure that \
                 the email address the key belongs to is added as a Billing collaborator on this \
                 payment service in the PaySG dashboard"
            ),
        ),
        Outcome::Status(404) => Problem::new(
            "payment_service_not_found",
            format!(
                "the payment service id {payment_service_id} is not found at {host} for this API \
                 key (404): copy paymentServiceId from the PaySG dashboard, of the same \
                 environment as the key (staging and live services differ)"
            ),
        ),
        Outcome::Status(status) => Problem::new(
            "unexpected_response",
            format!(
                "{host} answered {status} to GET …/payments?limit=1, which says nothing about \
                 the credentials{}",
                if *status == 429 || *status >= 500 {
                    ": try again later"
                } else {
                    ": is baseUrl PaySG's API (or a proxy to it)?"
                }
            ),
        ),
        Outcome::NotAList(status) => Problem::new(
            "unexpected_response",
            format!(
                "{host} answered{} with something that is not PaySG's page of payments: is \
                 baseUrl PaySG's API (or a proxy to it)?",
                if *status == 0 {
                    String::new()
                } else {
                    format!(" {status}")
                }
            ),
        ),
        Outcome::Unreachable(why) => Problem::new(
            "connection_failed",
            format!(
                "{}. Check baseUrl and the network; {ALLOW_LIST}",
                if why.contains(host) {
                    why.clone()
                } else if why.is_empty() {
                    format!("could not connect to {host}")
                } else {
                    format!("could not connect to {host} ({why})")
                }
            ),
        ),
        Outcome::TimedOut(ms) => Problem::new(
            "connection_failed",
            format!(
                "{host} did not answer within {ms} ms (timeoutMs). A host that drops callers it \
                 does not know looks like this; {ALLOW_LIST}"
            ),
        ),
        Outcome::Failed(why) => Problem::new(
            "unexpected_response",
            format!("the check of {host} failed: {why}"),
        ),
    };
    Some(p)
}

/// The declarations of the result and options of `verifyCredentials`.
pub fn typescript() -> String {
    let mut codes = String::new();
    for (code, when) in CODES {
        codes += &format!("  /** {when} */\n  | {code:?}\n");
    }
    format!(
        r#"/** Why credentials do not work, or the code of an option the constructor would refuse (`FieldErrorCode`, `browser_not_allowed`). */
export type CredentialProblemCode =
{codes}  | FieldErrorCode
  | "browser_not_allowed";

/** One thing wrong with the credentials or the options. */
export interface CredentialProblem {{
  /** Stable; see {{@link CredentialProblemCode}}. */
  code: CredentialProblemCode;
  /** What is wrong and what to do. Never the API key. */
  message: string;
}}

/** What `verifyCredentials` found. */
export interface VerifyCredentialsResult {{
  /** True only when PaySG answered the one read-only call with a page of payments and nothing is wrong. */
  ok: boolean;
  /** By the base URL's host: `api-staging.pay.gov.sg`, `api.pay.gov.sg`, or anything else (paysg-sim, a proxy). */
  environment: "staging" | "live" | "other";
  /** The base URL checked: `baseUrl`, else the key prefix's; `""` when neither says. */
  baseUrl: string;
  /** Everything wrong, in the order found; empty when `ok`. */
  problems: CredentialProblem[];
}}

/** Options of `paysg.verifyCredentials` (they override the client's). */
export interface VerifyCredentialsOptions {{
  /** Another payment service than the client's. */
  paymentServiceId?: string;
  /** Deadline of the check, retries included, in ms: 1 to {MAX_TIMEOUT_MS} (default {VERIFY_TIMEOUT_MS}, unless the client set one). */
  timeoutMs?: number;
  /** Time one attempt may take, in ms: 1 to {MAX_TIMEOUT_MS}. */
  attemptTimeoutMs?: number;
  /** Retries of a 429, a 5xx or a dropped connection (never of a 401, 403 or 404): 0 to 10 (default {VERIFY_MAX_RETRIES}, unless the client set one). */
  maxRetries?: number;
  /** Aborting rejects the check at once with the signal's reason. */
  signal?: PlatformAbortSignal;
}}
"#
    )
}
