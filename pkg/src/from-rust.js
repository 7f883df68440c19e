// Rust's errors (src/client/error.rs) as the package's error classes: which class each kind
// throws is Rust's choice (ClientError::class, generated into ERRORS); it is made here, once.
import { ERRORS } from "../gen/contract.js";
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
      error = new PaySGError(e.message ?? "paysg could not make this call", { code: e.kind ?? "paysg_error" });
  }
  if (e.attempts !== undefined) error.attempts = e.attempts;
  if (e.idempotencyKey != null) error.idempotencyKey = e.idempotencyKey;
  return error;
}

