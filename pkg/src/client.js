// The PaySG client. Each method describes its call to Rust (src/client/): the operation, the
// client's and the call's options, the arguments. Rust checks everything and plans the request
// (Client.plan); call.js sends it and brings the answers back to Rust. This file only gathers the
// arguments, keeps the API key private, and guards against browser pages (randomness and the
// runtime's name, which only JS has, are platform.js's).
import * as raw from "../gen/paysg.js";
import { encode, own, scalar, scalars, settings, urlText } from "./encode.js";
import { readSignal, run } from "./call.js";
import { writeBody } from "./fast.js";
import { PaySGError, PaySGValidationError } from "./errors.js";
import { fromRust } from "./from-rust.js";
import { expectedText, returnUrlText } from "./returns.js";
import { reconcile } from "./reconcile.js";
import { verifyWith } from "./verify.js";
import { randomBytes, runtime } from "./platform.js";
// The option names Rust reads and the plain call methods, generated from src/surface/.
import { CALL_OPTIONS, CLIENT_OPTIONS, defineCalls, LIST_ALL_PARAMS, LIST_QUERY } from "../gen/surface.js";
import { CODES } from "../gen/contract.js";


/** Whether this is a page in a browser (a document), where an API key would be exposed. */
function inBrowserPage() {
  const g = globalThis;
  return typeof g.document === "object" && g.document !== null && typeof g.window === "object" && g.window === g;
}

/** A Rust client for `options` (read as scalars): `{ settings, client }`, or throws the problems. */
export function newClient(options) {
  const r = raw.newClient(settings(options, CLIENT_OPTIONS), runtime());
  if (!r.ok) throw fromRust(r.error, undefined, "client options");
  return { settings: r.value, client: r.client };
}

/** Plans a call in Rust: its `Plan` (crates/wasm/src/step.rs), or throws the problems. */
export function plan(client, op, opts, args, what = `${op} call`) {
  // Every user value is read (getters run) before the body is written into wasm memory: a getter
  // that calls into paysg would overwrite what is there (fast.js).
  const options = opts === undefined || opts === null ? undefined : settings(opts, CALL_OPTIONS);
  const id = args.paymentId === undefined ? undefined : scalar(args.paymentId);
  const query = args.query === undefined || args.query === null ? undefined : scalars(args.query, LIST_QUERY);
  // A plain create body goes into wasm memory (fast.js); any other body crosses as JSON text.
  const fast = op === "create" ? writeBody(args.body) : undefined;
  const body = fast === undefined && (op === "create" || op === "refund") ? encode(args.body) : undefined;
  /** @type {import("../gen/paysg.js").Plan | { ok: false, error: any }} */
  const r = client.plan(op, options, id, query, body, fast?.len, fast?.amount ?? 0, randomBytes(), Date.now());
  if (!r.ok) throw fromRust(r.error, undefined, what);
  return r;
}

/**
 * The listener option `name` (an own property, read once): a function, or undefined when not
 * given; anything else (or a getter that throws) is a PaySGValidationError naming the option.
 */
function listener(options, name, what) {
  let fn;
  try {
    fn = Object.hasOwn(options, name) ? options[name] : undefined;
  } catch {
    throw new PaySGValidationError([{ field: name, code: CODES.invalid_type, message: `${name} could not be read (its getter threw); it must be a function called with ${what}` }], "client options");
  }
  if (fn === undefined || typeof fn === "function") return fn;
  let given = fn === null ? "null" : typeof fn;
  try {
    if (Array.isArray(fn)) given = "an array";
  } catch {
    // a revoked Proxy: an object
  }
  throw new PaySGValidationError([{ field: name, code: CODES.invalid_type, message: `${name} must be a function called with ${what}, got ${given}` }], "client options");
}

export class PaySG {
  /** The Rust client: the checked options and the API key, kept in the module. */
  #client;
  #fetch;
  /** `{ onRequest, onResponse }`, or undefined when neither was given (the fast path). */
  #events;

  /**
   * @param {{ apiKey: string, paymentServiceId?: string, baseUrl?: string, timeoutMs?: number,
   *   attemptTimeoutMs?: number, maxRetries?: number, fetch?: typeof fetch,
   *   dangerouslyAllowBrowser?: boolean, normaliseText?: boolean,
   *   limits?: { payer_identifier?: number, amount_in_cents?: number },
   *   onRequest?: (event: object) => void, onResponse?: (event: object) => void }} options
   */
  constructor(options) {
    const { settings: s, client } = newClient(options);
    let fetchImpl, allowBrowser;
    try {
      fetchImpl = own(options, "fetch");
      allowBrowser = own(options, "dangerouslyAllowBrowser");
    } catch {
      fetchImpl = null;
    }
    if (fetchImpl !== undefined && typeof fetchImpl !== "function") {
      throw new PaySGValidationError([{ field: "fetch", code: CODES.invalid_type, message: "fetch must be a function like the global fetch" }], "client options");
    }
    const onRequest = listener(options, "onRequest", "each attempt's event before it is sent");
    const onResponse = listener(options, "onResponse", "each attempt's event when it ends");
    if (inBrowserPage() && allowBrowser !== true) {
      throw new PaySGError(
        "new PaySG() was called in a browser page: the API key would be visible to anyone using the page. " +
          "Call PaySG from your server (a Worker or Node). For a test key against a local simulator, pass dangerouslyAllowBrowser: true.",
        { code: CODES.browser_not_allowed },
      );
    }
    this.#client = client;
    this.#fetch = fetchImpl;
    this.#events = onRequest === undefined && onResponse === undefined ? undefined : { onRequest, onResponse };
    /** The default payment service of every call. */
    this.paymentServiceId = s.paymentServiceId;
    /** The API's base URL (from the key's prefix unless `baseUrl` was given). */
    this.baseUrl = s.baseUrl;
    /** The default deadline of a call, retries included. */
    this.timeoutMs = s.timeoutMs;
    /** The default time one attempt may take. */
    this.attemptTimeoutMs = s.attemptTimeoutMs;
    /** The default number of retries. */
    this.maxRetries = s.maxRetries;
  }

  /** Never shows the API key. */
  toJSON() {
    return { paymentServiceId: this.paymentServiceId, baseUrl: this.baseUrl, timeoutMs: this.timeoutMs, attemptTimeoutMs: this.attemptTimeoutMs, maxRetries: this.maxRetries };
  }

  /**
   * Every payment, newest first, following `after` cursors. Rust checks `params` up front (a
   * `PaySGValidationError` is thrown here, before any request) and says what to do with each page
   * (src/client/list_all.rs): stops with a `PaySGError` `list_cap_reached` past `maxItems`
   * (default 10,000) or `maxPages`, and `invalid_response` on a repeated cursor or a run of empty
   * pages. This loop only fetches the pages, and lets the event loop run between them.
   */
  listAllPayments(params, opts) {
    const s = scalars(params, LIST_ALL_PARAMS);
    const lister = raw.listAll(s, s.type);
    if (!(lister instanceof raw.Lister)) throw fromRust(lister.error, undefined, "listAllPayments params");
    return this.#pages(lister, opts);
  }

  async *#pages(lister, opts) {
    try {
      const limit = lister.limit;
      for (;;) {
        const after = lister.after();
        const page = await this.listPayments(after === undefined ? { limit } : { limit, after }, opts);
        const data = page?.data;
        const info = page?.page_info;
        const take = lister.page(Array.isArray(data) ? data.length : undefined, info?.has_next_page, info?.end_cursor);
        for (let i = 0; i < take; i++) yield data[i];
        const failed = lister.error();
        if (failed !== undefined) throw fromRust(failed.error);
        if (!lister.more()) return;
        // A fetch answered in-process never yields to the event loop by itself.
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    } finally {
      lister.free();
    }
  }

  /**
   * The payment the payer came back for, when it is the order's: reads `paysg_payment_id` and
   * `paysg_payment_service_id` from the return URL (as `URLSearchParams` does; a parameter given
   * twice is refused), refuses another service's id, fetches the payment from PaySG (the
   * redirect itself proves nothing), and refuses it unless it is `expected` (`{ paymentId }` or
   * `{ referenceId }`, stored with the order: `payment_mismatch`) or when it was fully refunded
   * (`payment_refunded`). An unpaid payment resolves: check `payment_status`.
   */
  async confirmReturn(returnUrl, expected, opts) {
    const signal = readSignal(opts, "confirmReturn call");
    if (signal?.aborted) throw signal.reason;
    // Every user value is read before Rust plans: the URL, `expected`, the options.
    const url = returnUrlText(returnUrl);
    const exp = expectedText(expected);
    const options = opts === undefined || opts === null ? undefined : settings(opts, CALL_OPTIONS);
    const r = this.#client.planReturn(url, exp, options, randomBytes(), Date.now());
    if (!r.ok) throw fromRust(r.error, undefined, "confirmReturn arguments");
    const began = Date.now();
    return run(this.#client, r, this.#fetch, signal, this.#events, began);
  }

  /**
   * Re-reads each payment in `known` (what the e-service stored for the payments it still
   * considers open: at least `id`, `payment_status`, `latest_status`) and yields, as the reads
   * complete, `{ id, payment, changed }` for each that PaySG has changed and `{ id, error }` for
   * each that could not be read; nothing for the others. See pkg/src/reconcile.js.
   */
  reconcile(known, options) {
    return reconcile((id, opts) => this.getPayment(id, opts), known, options);
  }

  /**
   * Checks the credentials with one read-only call (`GET …/payments?limit=1`): resolves to
   * `{ ok, environment, baseUrl, problems }`; never rejects for a wrong key, permission, service
   * id or an unreachable host. `opts` may carry `paymentServiceId`, `timeoutMs` (default 10 s),
   * `maxRetries` (default 1) and `signal`. See pkg/src/verify.js.
   */
  async verifyCredentials(opts) {
    const signal = readSignal(opts, "verifyCredentials options");
    return verifyWith(this.#client.verify(opts === undefined || opts === null ? undefined : settings(opts, CALL_OPTIONS)), this.#fetch, signal, this.#events);
  }

  /**
   * `verifyCredentials` without a client: the same result for `options` (a client's), which are
   * never refused: what the constructor would refuse (a key with spaces, say) is reported among
   * the problems.
   */
  static verifyCredentials(options) {
    let fetchImpl, allowBrowser;
    try {
      fetchImpl = options == null ? undefined : own(options, "fetch");
      allowBrowser = options == null ? undefined : own(options, "dangerouslyAllowBrowser");
    } catch {
      fetchImpl = null;
    }
    const fetchInvalid = fetchImpl !== undefined && typeof fetchImpl !== "function";
    const v = raw.verifyStart(settings(options, CLIENT_OPTIONS), runtime(), fetchInvalid, inBrowserPage() && allowBrowser !== true);
    return verifyWith(v, fetchInvalid ? undefined : fetchImpl);
  }

  // createPayment, getPayment, listPayments, cancelPayment, refundPayment and sendPaymentEmail:
  // one planned call each, generated from the description in Rust (src/surface/).
  static {
    defineCalls(PaySG.prototype, (client, op, opts, args) => client.#call(op, opts, args));
  }

  async #call(op, opts, args) {
    const signal = readSignal(opts, `${op} call`);
    if (signal?.aborted) throw signal.reason;
    if (this.#events === undefined) return run(this.#client, plan(this.#client, op, opts, args), this.#fetch, signal);
    const began = Date.now();
    return run(this.#client, plan(this.#client, op, opts, args), this.#fetch, signal, this.#events, began);
  }
}
