// The PaySG client. Each method describes its call (operation, ids, body, options); the wasm
// module checks it, builds the request, sends it through fetch, retries and decodes the answer
// (src/client.rs, src/wasm/client.rs). This file owns what only JS can: the deadline timer, the
// caller's AbortSignal, the idempotency key's randomness, and turning outcomes into errors.
import * as raw from "../gen/paysg.js";
import { encode, urlText } from "./encode.js";
import {
  PaySGError, PaySGValidationError, PaySGApiError, PaySGConnectionError, PaySGTimeoutError,
} from "./errors.js";
import { OUTCOMES } from "../gen/contract.js";

/** What this code runs in, for the `x-paysg-client` header (worked out once). */
let runtimeName;
function runtime() {
  return (runtimeName ??= detectRuntime());
}
function detectRuntime() {
  const g = globalThis;
  if (g.navigator?.userAgent === "Cloudflare-Workers") return "workerd";
  if (g.process?.versions?.node) return `node ${g.process.version}`;
  if (g.Deno?.version) return "deno";
  return "browser";
}

/** Whether this is a page in a browser (a document), where an API key would be exposed. */
function inBrowserPage() {
  const g = globalThis;
  return typeof g.document === "object" && g.document !== null && typeof g.window === "object" && g.window === g;
}

/** A V4 UUID from the platform's CSPRNG. */
function newIdempotencyKey() {
  const c = globalThis.crypto;
  if (typeof c?.randomUUID === "function") return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function parsed(text, what) {
  const r = JSON.parse(text);
  if (!r.ok) throw new PaySGValidationError(r.errors, what);
  return r.value;
}

/** The abort reason paysg uses for its own deadline. */
class Deadline {
  constructor(ms) {
    this.ms = ms;
  }
}

/** Where a client keeps its API key: a non-enumerable symbol property, so that neither
 * JSON.stringify nor util.inspect shows it. */
const API_KEY = Symbol("apiKey");

export class PaySG {
  /**
   * @param {{ apiKey: string, paymentServiceId?: string, baseUrl?: string, timeoutMs?: number,
   *   maxRetries?: number, fetch?: typeof fetch, dangerouslyAllowBrowser?: boolean }} options
   */
  constructor(options) {
    if (options === null || typeof options !== "object") {
      throw new PaySGValidationError([{ field: "", code: "invalid_type", message: "new PaySG(options) needs an options object { apiKey, paymentServiceId, … }" }], "client options");
    }
    const { apiKey, paymentServiceId, baseUrl, timeoutMs, maxRetries, fetch, dangerouslyAllowBrowser } = options;
    const settings = parsed(raw.clientOptionsText(encode({ apiKey, paymentServiceId, baseUrl, timeoutMs, maxRetries })), "client options");
    if (fetch !== undefined && typeof fetch !== "function") {
      throw new PaySGValidationError([{ field: "fetch", code: "invalid_type", message: "fetch must be a function like the global fetch" }], "client options");
    }
    if (inBrowserPage() && dangerouslyAllowBrowser !== true) {
      throw new PaySGError(
        "new PaySG() was called in a browser page: the API key would be visible to anyone using the page. " +
          "Call PaySG from your server (a Worker or Node). For a test key against a local simulator, pass dangerouslyAllowBrowser: true.",
        { code: "browser_not_allowed" },
      );
    }
    Object.defineProperty(this, API_KEY, { value: apiKey, enumerable: false });
    /** The default payment service of every call. */
    this.paymentServiceId = paymentServiceId ?? null;
    /** The API's base URL (from the key's prefix unless `baseUrl` was given). */
    this.baseUrl = settings.baseUrl;
    /** The default deadline of a call, retries included. */
    this.timeoutMs = settings.timeoutMs;
    /** The default number of retries. */
    this.maxRetries = settings.maxRetries;
    this.#fetch = fetch;
  }

  #fetch;

  /** Never shows the API key. */
  toJSON() {
    return { paymentServiceId: this.paymentServiceId, baseUrl: this.baseUrl, timeoutMs: this.timeoutMs, maxRetries: this.maxRetries };
  }

  /** @returns {Promise<object>} the created payment */
  createPayment(params, opts = {}) {
    return this.#call("create", { body: params }, opts);
  }

  /** @returns {Promise<object>} the payment */
  getPayment(paymentId, opts = {}) {
    return this.#call("get", { paymentId }, opts);
  }

  /** @returns {Promise<{ data: object[], page_info: object }>} one page, newest first */
  listPayments(params = {}, opts = {}) {
    const { limit, before, after } = params ?? {};
    return this.#call("list", { query: { limit, before, after } }, opts);
  }

  /**
   * Every payment, newest first, following `after` cursors. Stops with a `PaySGError`
   * (`list_cap_reached`) after `maxItems` (default 10,000) rather than run away.
   */
  async *listAllPayments(params = {}, opts = {}) {
    const { limit = 100, maxItems = 10_000 } = params ?? {};
    let after = params?.after;
    let seen = 0;
    const cursors = new Set();
    for (;;) {
      const page = await this.listPayments({ limit, after }, opts);
      for (const p of page.data) {
        if (seen === maxItems) {
          throw new PaySGError(`listAllPayments stopped after maxItems = ${maxItems} payments; pass a larger maxItems to read more`, { code: "list_cap_reached" });
        }
        seen++;
        yield p;
      }
      const next = page.page_info?.end_cursor;
      if (!page.page_info?.has_next_page || !next) return;
      if (cursors.has(next)) throw new PaySGError("PaySG returned the same cursor twice; stopping", { code: "invalid_response" });
      cursors.add(next);
      after = next;
    }
  }

  /** Cancels an unpaid payment. @returns {Promise<object>} the payment */
  async cancelPayment(paymentId, opts = {}) {
    try {
      return await this.#call("cancel", { paymentId }, opts);
    } catch (e) {
      // A retry after an attempt that may have gone through: the payment is cancelled, which is
      // what the caller asked for.
      if (e instanceof PaySGApiError && e.code === "payment_already_cancelled" && e.attempts > 1) {
        return this.getPayment(paymentId, opts);
      }
      throw e;
    }
  }

  /** Refunds all or part of a paid payment. @returns {Promise<object>} the payment */
  refundPayment(paymentId, params, opts = {}) {
    return this.#call("refund", { paymentId, body: params }, opts);
  }

  /** Emails the payment link to `payer_email`. Never resent after an ambiguous failure. */
  async sendPaymentEmail(paymentId, opts = {}) {
    await this.#call("sendEmail", { paymentId }, opts);
  }

  /**
   * The payment the payer came back for: reads `paysg_payment_id` and
   * `paysg_payment_service_id` from the return URL, refuses another service's id, and fetches
   * the payment from PaySG (the redirect itself proves nothing).
   */
  async confirmReturn(returnUrl, opts = {}) {
    const url = urlText(returnUrl);
    if (typeof url !== "string") {
      throw new PaySGValidationError([{ field: "returnUrl", code: "invalid_type", message: "confirmReturn needs the URL the payer came back on (a string, a URL or a Request)" }], "return URL");
    }
    const { paymentId, paymentServiceId } = parsed(raw.parseReturnUrlText(url), "return URL");
    const expected = opts.paymentServiceId ?? this.paymentServiceId;
    if (paymentServiceId !== expected) {
      throw new PaySGError(`the return URL names payment service ${paymentServiceId}, not this client's ${expected}: refusing it`, { code: "payment_service_mismatch" });
    }
    return this.getPayment(paymentId, { ...opts, paymentServiceId });
  }

  async #call(op, parts, opts) {
    opts = opts ?? {};
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
      throw new PaySGValidationError([{ field: "timeoutMs", code: "out_of_range", message: "timeoutMs must be a whole number of milliseconds, at least 1" }], "call options");
    }
    const signal = opts.signal;
    if (signal != null && typeof signal.aborted !== "boolean") {
      throw new PaySGValidationError([{ field: "signal", code: "invalid_type", message: "signal must be an AbortSignal" }], "call options");
    }
    if (signal?.aborted) throw signal.reason;
    const idempotencyKey = op === "create" || op === "refund" ? opts.idempotencyKey ?? newIdempotencyKey() : undefined;
    const call = {
      op,
      apiKey: this[API_KEY],
      paymentServiceId: opts.paymentServiceId ?? this.paymentServiceId ?? undefined,
      baseUrl: this.baseUrl,
      idempotencyKey,
      paymentId: parts.paymentId,
      query: parts.query,
      maxRetries: opts.maxRetries ?? this.maxRetries,
      deadlineMs: Date.now() + timeoutMs,
      client: runtime(),
    };
    // The body keeps the validation path's handling of Dates, BigInts and undefined.
    const body = op === "create" || op === "refund" ? encode(parts.body) : "";
    if (body.startsWith("\u0000")) {
      throw new PaySGValidationError([{ field: "", code: "invalid_type", message: `the ${op === "create" ? "payment" : "refund"} cannot be read: ${body.slice(1)}` }], `${op} call`);
    }
    const text = `${encode(call).slice(0, -1)},"body":${body || "null"}}`;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Deadline(timeoutMs)), timeoutMs);
    let onAbort;
    const aborted = new Promise((_, reject) => {
      onAbort = () => {
        controller.abort(signal?.reason);
        reject(signal?.reason);
      };
      controller.signal.addEventListener("abort", () => {
        if (controller.signal.reason instanceof Deadline) reject(controller.signal.reason);
      }, { once: true });
    });
    aborted.catch(() => {});
    signal?.addEventListener("abort", onAbort, { once: true });
    let result;
    try {
      const work = raw.clientRequest(text, this.#fetch, controller.signal).then(readSuccess);
      result = await Promise.race([work, aborted]);
    } catch (reason) {
      if (reason instanceof Deadline) throw withKey(new PaySGTimeoutError(timeoutMs), idempotencyKey);
      throw reason;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
    const [outcome, cause] = result;
    if (outcome.ok) return outcome.value;
    const e = outcome.error;
    // Which class each outcome kind throws is decided in Rust (OutcomeKind::error_class).
    switch (OUTCOMES[e.kind]) {
      case "PaySGValidationError":
        throw new PaySGValidationError(e.errors ?? [{ field: "", code: "invalid_type", message: e.message }], `${op} call`);
      case "PaySGApiError": {
        let data = null;
        if (e.hasData && typeof cause === "string") {
          try {
            data = JSON.parse(cause).error.data ?? null;
          } catch {
            // checked in Rust already; a body that changed meaning is simply not shown
          }
        }
        throw withKey(new PaySGApiError({ ...e, data }), idempotencyKey, e.attempts);
      }
      case "PaySGConnectionError":
        throw withKey(new PaySGConnectionError(e.message, cause), idempotencyKey, e.attempts);
      case "PaySGTimeoutError":
        // aborted: by paysg's own deadline, or by the caller's signal (its reason is thrown)
        if (controller.signal.reason instanceof Deadline) throw withKey(new PaySGTimeoutError(timeoutMs), idempotencyKey, e.attempts);
        throw signal?.reason ?? new PaySGError("the call was aborted", { code: "aborted" });
      case "PaySGError":
        throw withKey(new PaySGError(e.message, { code: e.kind }), idempotencyKey, e.attempts);
      default:
        throw new PaySGError(e.message ?? "paysg could not make this call", { code: e.kind ?? "paysg_error" });
    }
  }
}

/**
 * A 2xx answer comes back from wasm with its `Response` unread: the body is parsed here (natively)
 * and checked to be what the operation returns. `[outcome, cause]` with the parsed outcome.
 */
async function readSuccess([outcomeText, cause]) {
  const outcome = JSON.parse(outcomeText);
  if (!outcome.ok) return [outcome, cause];
  if (outcome.op === "sendEmail") {
    await cause.body?.cancel?.().catch(() => {});
    return [{ ok: true, value: undefined }, undefined];
  }
  const invalid = (why) => [{ ok: false, error: { kind: "invalid_response", attempts: outcome.attempts, message: `PaySG answered ${outcome.status} with ${why}` } }, undefined];
  let value;
  try {
    value = JSON.parse(await cause.text());
  } catch {
    return invalid("a body that is not JSON");
  }
  const ok = outcome.op === "list"
    ? Array.isArray(value?.data) && value.page_info !== null && typeof value.page_info === "object"
    : typeof value?.id === "string";
  return ok ? [{ ok: true, value }, undefined] : invalid(`JSON that is not ${outcome.op === "list" ? "a list of payments" : "a payment"}`);
}

/** Records the idempotency key and attempt count on an error, so the caller can retry safely. */
function withKey(error, idempotencyKey, attempts) {
  if (idempotencyKey !== undefined) error.idempotencyKey = idempotencyKey;
  if (attempts !== undefined) error.attempts = attempts;
  return error;
}
