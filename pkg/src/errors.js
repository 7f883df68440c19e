// The error classes of the package. Every error paysg throws is one of these, so `instanceof`
// and the stable `name` / `code` work in every runtime. Messages and properties never contain
// the API key or a webhook secret. Their options are read as own properties only.
import { own } from "./encode.js";

/** Base class of every error paysg throws. */
export class PaySGError extends Error {
  /**
   * @param {string} message
   * @param {{ code?: string, cause?: unknown }} [opts]
   */
  constructor(message, opts = {}) {
    const o = opts ?? {};
    // Error reads `cause` even when inherited: it gets a prototype-less object with its own one.
    super(message, Object.prototype.hasOwnProperty.call(o, "cause") ? { __proto__: null, cause: o.cause } : undefined);
    /** A stable machine-readable code. */
    this.code = own(o, "code") ?? "paysg_error";
  }
}

/** Input failed validation before any request was sent. `errors` lists every problem. */
export class PaySGValidationError extends PaySGError {
  /**
   * @param {{ field: string, code: string, message: string }[]} errors
   * @param {string} [what] what was being validated, for the message
   */
  constructor(errors, what = "input") {
    const list = errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join("; ");
    super(`invalid ${what} (${errors.length} problem${errors.length === 1 ? "" : "s"}): ${list}`, { code: "validation_error" });
    /** Every problem, as `{ field, code, message }`. */
    this.errors = errors;
  }
}

/** PaySG answered with a non-2xx status. */
export class PaySGApiError extends PaySGError {
  /**
   * @param {{ status: number, type?: string, code?: string, message: string, data?: unknown,
   *   requestId?: string, retryable?: boolean }} init
   */
  constructor(init) {
    const get = (name) => own(init, name);
    super(get("message"), { code: get("code") ?? `http_${get("status")}` });
    this.status = get("status");
    this.type = get("type") ?? null;
    this.data = get("data") ?? null;
    this.requestId = get("requestId") ?? null;
    this.retryable = get("retryable") ?? false;
  }
}

/** The request could not be completed (network failure); `cause` keeps the underlying error. */
export class PaySGConnectionError extends PaySGError {
  /** @param {string} message @param {unknown} cause */
  constructor(message, cause) {
    super(message, { code: "connection_error", cause });
  }
}

/** The deadline passed, or an attempt stalled past its timeout and was not retried. */
export class PaySGTimeoutError extends PaySGError {
  /** @param {number} timeoutMs @param {string} [message] */
  constructor(timeoutMs, message = `PaySG did not answer within ${timeoutMs} ms`) {
    super(message, { code: "timeout" });
    this.timeoutMs = timeoutMs;
  }
}

/** A webhook's `PaySG-Signature` did not verify; `reason` says why. */
export class PaySGSignatureError extends PaySGError {
  /** @param {string} reason @param {string} message */
  constructor(reason, message) {
    super(message, { code: "signature_error" });
    this.reason = reason;
  }
}

// Stable names that survive minification.
for (const [C, name] of [
  [PaySGError, "PaySGError"], [PaySGValidationError, "PaySGValidationError"], [PaySGApiError, "PaySGApiError"],
  [PaySGConnectionError, "PaySGConnectionError"], [PaySGTimeoutError, "PaySGTimeoutError"],
  [PaySGSignatureError, "PaySGSignatureError"],
]) {
  Object.defineProperty(C.prototype, "name", { value: name, writable: true, configurable: true });
}
