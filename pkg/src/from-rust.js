// Rust's errors (src/client/error.rs) as the package's error classes: which class each kind
// throws is Rust's choice (ClientError::class, generated into ERRORS); it is made here, once.
import { CODES, ERRORS } from "../gen/contract.js";
import {
  PaySGError, PaySGValidationError, PaySGApiError, PaySGConnectionError, PaySGTimeoutError,
} from "./errors.js";

const CLASSES = { PaySGError, PaySGValidationError, PaySGApiError, PaySGConnectionError, PaySGTimeoutError };

/**
 * The error a Rust `ClientError` (serialised, `{ kind, … }`) throws: the class is Rust's choice
 * (`ClientError::class`, generated into ERRORS), made here in one place. `cause` is what fetch
 * threw, for a connection error; `what` names the input of a validation error.
 */
export function fromRust(e, cause, what = "call") {
  let error;
  switch (CLASSES[ERRORS[e.kind]]) {
    case PaySGValidationError:
      return new PaySGValidationError(e.errors, what);
    case PaySGApiError:
      error = new PaySGApiError(e);
      break;
    case PaySGConnectionError:
      error = new PaySGConnectionError(e.message, cause);
      break;
    case PaySGTimeoutError:
      error = new PaySGTimeoutError(e.timeoutMs, e.message);
      break;
    default:
      error = new PaySGError(e.message ?? "paysg could not make this call", { code: e.kind ?? CODES.paysg_error });
  }
  if (e.attempts !== undefined) error.attempts = e.attempts;
  if (e.idempotencyKey != null) error.idempotencyKey = e.idempotencyKey;
  return error;
}


/**
 * What fetch threw, as a `PaySGConnectionError` keeps it in `cause`: a new Error with the same
 * `name` and `code` and its message, and its own `cause` the same way two levels down, each text
 * with the API key replaced by Rust's rule (`scrub`, the client's `Client.scrub`). Nothing else
 * of the original is kept: a fetch wrapper's error may carry the request, headers and all.
 */
export function scrubCause(scrub, cause, depth = 0) {
  if (cause === undefined) return undefined;
  const text = (read) => {
    try {
      const v = read();
      return typeof v === "string" ? scrub(v) : undefined;
    } catch {
      return undefined; // a getter that throws, a revoked Proxy
    }
  };
  const isObject = (() => {
    try {
      return cause !== null && (typeof cause === "object" || typeof cause === "function");
    } catch {
      return false;
    }
  })();
  const out = new Error(isObject ? text(() => cause.message) ?? "" : text(() => String(cause)) ?? "");
  if (isObject) {
    const name = text(() => cause.name);
    if (name !== undefined) out.name = name;
    const code = text(() => cause.code);
    if (code !== undefined) out.code = code;
    if (depth < 2) {
      let inner;
      try {
        inner = cause.cause;
      } catch {
        inner = undefined;
      }
      if (inner !== undefined) out.cause = scrubCause(scrub, inner, depth + 1);
    }
  }
  return out;
}
