// The error classes of the package. Every error paysg throws is one of these, so `instanceof`
// and the stable `name` / `code` work in every runtime. Messages and properties never contain
// the API key or a webhook secret. Their options are read as own properties only.

import { CODES } from "../gen/contract.js";

// The constructors never throw, whatever they are given (users build these errors too, in tests
// and mocks): what cannot be read or turned into text is left out.

/** `v` as text: `fallback` when it is undefined or cannot be made text (a symbol, a Proxy). */
function text(v, fallback) {
  if (typeof v === "string") return v;
  if (v === undefined) return fallback;
  try {
    return String(v);
  } catch {
    return fallback;
  }
}

/** `init`'s own properties `names`, each read once; those that cannot be read are left out. */
function fields(init, names) {
  const out = Object.create(null); // nothing inherited: a polluted Object.prototype.code is not a field
  if (init === null || (typeof init !== "object" && typeof init !== "function")) return out;
  for (const n of names) {
    try {
      if (Object.prototype.hasOwnProperty.call(init, n)) out[n] = init[n];
    } catch {
      // a getter or a Proxy that throws
    }
  }
  return out;
}

/** Base class of every error paysg throws. */
export class PaySGError extends Error {
  /**
   * @param {string} message
   * @param {{ code?: string, cause?: unknown }} [opts]
   */
  constructor(message, opts) {
    const o = fields(opts, ["code", "cause"]);
    super(text(message, ""), "cause" in o ? { cause: o.cause } : undefined);
    /** A stable machine-readable code. */
    this.code = typeof o.code === "string" ? o.code : CODES.paysg_error;
  }
}

/** One problem `{ field, message }` as the message lists it. */
function problemText(e) {
  const { field, message } = fields(e, ["field", "message"]);
  const m = text(message, "invalid");
  return typeof field === "string" && field !== "" ? `${field}: ${m}` : m;
}

/** Input failed validation before any request was sent. `errors` lists every problem. */
export class PaySGValidationError extends PaySGError {
  /**
   * @param {{ field: string, code: string, message: string }[]} errors
   * @param {string} [what] what was being validated, for the message
   */
  constructor(errors, what = "input") {
    let list = [], summary = "";
    try {
      if (Array.isArray(errors)) {
        summary = errors.map(problemText).join("; ");
        list = errors;
      }
    } catch {
      // an array Proxy that throws: no problems listed
    }
    super(`invalid ${text(what, "input")} (${list.length} problem${list.length === 1 ? "" : "s"}): ${summary}`, { code: CODES.validation_error });
    /** Every problem, as `{ field, code, message }`. */
    this.errors = list;
  }
}

/** PaySG answered with a non-2xx status. */
export class PaySGApiError extends PaySGError {
  /**
   * @param {{ status: number, type?: string, code?: string, message: string, data?: unknown,
   *   requestId?: string, retryable?: boolean }} init
   */
  constructor(init) {
    const o = fields(init, ["status", "type", "code", "message", "data", "requestId", "retryable"]);
    const status = text(o.status, "0");
    super(text(o.message, `PaySG answered ${status}`), { code: typeof o.code === "string" ? o.code : `http_${status}` });
    this.status = o.status;
    this.type = o.type ?? null;
    this.data = o.data ?? null;
    this.requestId = o.requestId ?? null;
    this.retryable = o.retryable ?? false;
  }
}

/**
 * The request could not be completed (network failure); `cause` is a copy of the underlying
 * error with the API key scrubbed (`scrubCause` in from-rust.js).
 */
export class PaySGConnectionError extends PaySGError {
  /** @param {string} message @param {unknown} cause */
  constructor(message, cause) {
    super(text(message, "the request could not be completed"), { code: CODES.connection_error, cause });
  }
}

/** The deadline passed, or an attempt stalled past its timeout and was not retried. */
export class PaySGTimeoutError extends PaySGError {
  /** @param {number} timeoutMs @param {string} [message] */
  constructor(timeoutMs, message) {
    super(text(message, `PaySG did not answer within ${text(timeoutMs, "the allowed")} ms`), { code: CODES.timeout });
    this.timeoutMs = timeoutMs;
  }
}

/** A webhook's `PaySG-Signature` did not verify; `reason` says why. */
export class PaySGSignatureError extends PaySGError {
  /** @param {string} reason @param {string} message */
  constructor(reason, message) {
    super(text(message, "the webhook signature did not verify"), { code: CODES.signature_error });
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
