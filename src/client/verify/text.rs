//! `verifyCredentials`' TypeScript declarations, generated from [`super`]'s codes and defaults
//! into `pkg/gen/types.d.ts` (see [`crate::contract::typescript`]).

use super::{CODES, VERIFY_MAX_RETRIES, VERIFY_TIMEOUT_MS};
use crate::client::options::MAX_TIMEOUT_MS;

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
