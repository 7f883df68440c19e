// The error classes of the package. Every error paysg throws is one of these, so `instanceof`
// and the stable `name` / `code` work in every runtime. Messages and properties never contain
// the API key or a webhook secret.

/** Base class of every error paysg throws. */
export class PaySGError extends Error {
  /**
   * @param {string} message
   * @param {{ code?: string, cause?: unknown }} [opts]
   */
  constructor(message, opts = {}) {
    super(message, "cause" in opts ? { cause: opts.cause } : undefined);
    /** A stable machine-readable code. */
    this.code = opts.code ?? "paysg_error";
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
    super(init.message, { code: init.code ?? `http_${init.status}` });
    this.status = init.status;
    this.type = init.type ?? null;
    this.data = init.data ?? null;
    this.requestId = init.requestId ?? null;
    this.retryable = init.retryable ?? false;
  }
}

/**
 * The request could not be completed (network failure); `cause` is a copy of the underlying
 * error with the API key scrubbed (`scrubCause` in from-rust.js).
 */
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
