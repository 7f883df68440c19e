// @ts-check
// The client's I/O loop: sends the request Rust planned through fetch, reads the answer, asks
// Rust what now (src/client/answer.rs), waits, sends again. What crosses is typed by Rust
// (crates/wasm/src/step.rs), its TypeScript generated into ../gen/paysg.d.ts: the call's `Plan`,
// the `Attempt` in flight for listeners, and every step after an answer, a `CallStep`. Every decision — what to send,
// whether and when to retry, whether the answer is a result or an error, which error — is
// Rust's; this module owns only fetch, the timers and AbortSignals. With listeners
// (`onRequest`, `onResponse`), it tells them about each attempt: what Rust describes of it, and
// what only this loop knows (the status it saw, the clock).
import * as raw from "../gen/paysg.js";
import { fromRust, scrubCause } from "./from-rust.js";

import { PaySGValidationError } from "./errors.js";
import { ownOrClass } from "./encode.js";
import { CODES } from "../gen/contract.js";
import { bytes as inputBytes, scratch } from "./input-buffer.js";

/** `AbortSignal.prototype.aborted`'s getter: calling it is a brand check (a Proxy fails it). */
const abortedGetter = typeof AbortSignal === "function" ? Object.getOwnPropertyDescriptor(AbortSignal.prototype, "aborted")?.get : undefined;

/**
 * The caller's `signal` option (an own property of `opts`, read once) as a real AbortSignal, or
 * undefined when none was given (undefined or null). The one rule for every function that takes
 * a signal: an AbortSignal, or an object with a boolean `aborted`, a `reason` and callable
 * `addEventListener` / `removeEventListener` (another realm's signal, a polyfill), which is
 * followed through a signal of our own so that nothing of it is read again later. Anything else
 * (Node's IncomingMessage, `{ aborted: true }`, a Proxy) is a PaySGValidationError naming
 * `signal`, before anything is sent. AbortSignals are JS's own (the loop's timers and fetch use
 * them), so the rule is here rather than in Rust.
 * @param {any} opts the options object the signal is read from
 * @param {string} what what is being called, for the error's message
 */
export function readSignal(opts, what) {
  if (opts === undefined || opts === null || (typeof opts !== "object" && typeof opts !== "function")) return undefined;
  let signal;
  try {
    signal = Object.prototype.hasOwnProperty.call(opts, "signal") ? opts.signal : undefined;
  } catch {
    throw badSignal(what, "could not be read (a getter or a Proxy threw)");
  }
  if (signal === undefined || signal === null) return undefined;
  if (abortedGetter !== undefined) {
    try {
      abortedGetter.call(signal);
      return signal;
    } catch {
      // not this realm's AbortSignal: its shape decides
    }
  } else if (signal instanceof AbortSignal) {
    return signal;
  }
  if (typeof signal !== "object") throw badSignal(what, `is ${typeof signal}`);
  let aborted, reason, add, remove;
  try {
    // Its own members or its class's, never Object.prototype's.
    aborted = ownOrClass(signal, "aborted");
    reason = ownOrClass(signal, "reason");
    add = ownOrClass(signal, "addEventListener");
    remove = ownOrClass(signal, "removeEventListener");
  } catch {
    throw badSignal(what, "could not be read (a getter or a Proxy threw)");
  }
  if (typeof aborted !== "boolean" || typeof add !== "function" || typeof remove !== "function") {
    const lacks = [typeof aborted !== "boolean" && "a boolean aborted", typeof add !== "function" && "addEventListener", typeof remove !== "function" && "removeEventListener"].filter(Boolean);
    throw badSignal(what, `is an object without ${lacks.join(" or ")}${typeof aborted === "boolean" && typeof add !== "function" ? " (Node's IncomingMessage? pass an AbortController's signal)" : ""}`);
  }
  const known = followed.get(signal);
  if (known !== undefined) return known;
  const own = new AbortController();
  if (aborted) {
    own.abort(reason);
    return own.signal;
  }
  followed.set(signal, own.signal);
  const follow = () => {
    let r;
    try {
      r = ownOrClass(signal, "reason");
    } catch {
      r = undefined;
    }
    own.abort(r);
  };
  try {
    add.call(signal, "abort", follow, { once: true });
  } catch {
    followed.delete(signal);
    throw badSignal(what, "refused an abort listener (its addEventListener threw)");
  }
  return own.signal;
}

/** A look-alike signal → the signal that follows it: one listener on it however many calls use it. */
const followed = new WeakMap();

function badSignal(what, given) {
  return new PaySGValidationError([{ field: "signal", code: CODES.invalid_type, message: `signal must be an AbortSignal (an AbortController's signal, or AbortSignal.timeout(ms)); it ${given}` }], what);
}

/**
 * addEventListener's options. Every options object this module hands the platform has no
 * prototype, so that it cannot read a polluted `Object.prototype.signal` (or `body`) from it.
 */
const ONCE = Object.freeze({ __proto__: null, once: true });

/**
 * @typedef {import("../gen/paysg.js").CallStep} CallStep the step Rust's `Client.answer` returns
 * @typedef {import("../gen/paysg.js").NoAnswer} NoAnswer why no answer came, by Rust's names
 * @typedef {import("../gen/paysg.js").Plan} Plan a planned call, from Rust's `Client.plan`
 * @typedef {import("../gen/paysg.js").Attempt} Attempt the attempt in flight, from `Client.describe`
 */
/** @type {NoAnswer} */
const NETWORK = "network";
/** @type {NoAnswer} */
const STALLED = "timeout";
/** @type {NoAnswer} */
const DEADLINE = "deadline";

/**
 * Runs a planned call to its end: the result (Rust decoded it from the 2xx body: `done`'s
 * value, or undefined), or the error Rust decided. The caller's `signal` rejects the call at once with its reason.
 * @param {object} client Rust's client (`Client.answer`, `Client.release`)
 * @param {Plan} plan from Rust's `Client.plan` (or `Verification.plan`)
 * @param {{ onRequest?: Function, onResponse?: Function } | undefined} events the client's
 *   listeners, or undefined when it has none (then nothing is described: the fast path)
 * @param {number} [began] when the call began (`Date.now()`), for events' `totalMs`
 */
export async function run(client, { slot, request, timing }, fetchImpl, signal, events, began) {
  try {
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      let sent, at;
      if (events !== undefined) {
        // Frozen: the listener gets it, and onResponse's event is made from it.
        sent = Object.freeze(readSent(client.describe(slot)));
        if (events.onRequest !== undefined) emit(events.onRequest, sent);
        at = Date.now();
        if (signal?.aborted) {
          // The listener aborted the call's signal: the attempt ends before it is sent.
          if (events.onResponse !== undefined) respond(client, events.onResponse, sent, ABORTED, undefined, at, began, undefined);
          throw signal.reason;
        }
      }
      let got;
      try {
        got = await attempt(request, timing, fetchImpl, signal);
      } catch (e) {
        // The caller's signal ended the attempt: no answer, and no retry.
        if (events?.onResponse !== undefined) respond(client, events.onResponse, sent, ABORTED, undefined, at, began, undefined);
        throw e;
      }
      // The body's text goes into the module's input buffer as UTF-8 (encodeInto: native, no
      // allocation in wasm) just before Rust reads it: no other code runs in between.
      let len;
      if (got.text !== undefined) len = writeText(got.text);
      /** @type {CallStep} */
      const step = client.answer(slot, got.status, got.failure, got.headers, len, got.cause, Date.now(), Math.random());
      if (step.kind === "done") {
        if (events?.onResponse !== undefined) respond(client, events.onResponse, sent, got.failure, got, at, began, undefined);
        // Rust's decoded value: the answer's own text when that is it verbatim, else its copy.
        if (step.verbatim) return JSON.parse(got.text);
        return step.json === null ? undefined : JSON.parse(step.json);
      }
      if (events?.onResponse !== undefined) respond(client, events.onResponse, sent, got.failure, got, at, began, step.kind === "fail" ? undefined : step.afterMs);
      if (step.kind === "fail") throw fromRust(step.error, got.error === undefined ? undefined : scrubCause((t) => client.scrub(t), got.error));
      if (step.afterMs > 0) await wait(step.afterMs, signal);
      if (step.request !== undefined) request = step.request;
      timing = step.timing;
    }
  } finally {
    client.release(slot);
  }
}

const encoder = new TextEncoder();

/**
 * Writes `text` into the module's input buffer as UTF-8; returns its length in bytes. The buffer
 * grows to three bytes per UTF-16 unit (UTF-8's most) only for a text that does not fit one.
 */
function writeText(text) {
  scratch(text.length);
  let r = encoder.encodeInto(text, inputBytes);
  if (r.read < text.length) {
    scratch(text.length * 3);
    r = encoder.encodeInto(text, inputBytes);
  }
  return r.written;
}

/** What an `onResponse` event says when the caller's signal ended the attempt. */
const ABORTED = "aborted";

/**
 * Calls `onResponse` with the attempt's event: the request side Rust described (`sent`), what
 * came back, the clock, and Rust's step (`retryInMs`: the wait before the next attempt, or
 * undefined when there is none).
 */
function respond(client, listener, sent, failure, got, at, began, retryInMs) {
  const now = Date.now();
  // Rust reads PaySG's request id among the headers (the names it knows), scrubbed of the key.
  const id = got !== undefined && got.status !== 0 ? client.requestId(got.headers) : undefined;
  // Written out field by field: `{ ...sent, status, … }` cost ≈ 10 µs an event in Node (measured).
  emit(listener, Object.freeze({
    operation: sent.operation,
    method: sent.method,
    path: sent.path,
    attempt: sent.attempt,
    idempotencyKey: sent.idempotencyKey,
    status: got !== undefined && got.status !== 0 ? got.status : undefined,
    failure,
    requestId: id,
    elapsedMs: now - at,
    totalMs: now - began,
    willRetry: retryInMs !== undefined,
    retryInMs,
  }));
}

/**
 * Calls a listener with an event. Whatever it does — throw, return a rejected promise or a
 * thenable whose `then` throws — changes nothing about the call.
 */
function emit(listener, event) {
  try {
    const r = listener(event);
    if (r !== null && (typeof r === "object" || typeof r === "function")) {
      const then = r.then;
      if (typeof then === "function") then.call(r, undefined, ignore);
    }
  } catch {
    // a listener's failure is its own
  }
}
function ignore() {}

/**
 * The request side of an attempt's events, from Rust's `Client.describe` (an `Attempt`), with
 * every field present (`idempotencyKey` undefined when none), in the events' order.
 * @param {Attempt} a
 */
function readSent(a) {
  return { operation: a.operation, method: a.method, path: a.path, attempt: a.attempt, idempotencyKey: a.idempotencyKey };
}

/**
 * Sends one request and reads what came back, for Rust. One AbortController and one timer per
 * attempt: the timer fires after `timing.wait` ms, which is the attempt's timeout or what is left
 * of the call's deadline, whichever is first (`timing.deadline` says which). One promise, settled
 * once by whichever comes first — the answer, a failure, the timer or the caller's signal — so
 * that a fetch which ignores its signal (an injected one) still loses. (A `Promise.race` of
 * async steps cost ≈ 4 µs more per call, measured.)
 */
function attempt(request, timing, fetchImpl, signal) {
  return new Promise((resolve, reject) => {
    const got = { status: 0, failure: undefined, headers: undefined, text: undefined, cause: undefined };
    const controller = new AbortController();
    let settled = false;
    const settle = () => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      return true;
    };
    const timer = setTimeout(() => {
      if (!settle()) return;
      controller.abort();
      got.failure = timing.deadline ? DEADLINE : STALLED;
      resolve(got);
    }, timing.wait);
    const onAbort = () => {
      if (!settle()) return;
      controller.abort(signal.reason);
      reject(signal.reason);
    };
    signal?.addEventListener("abort", onAbort, ONCE);
    const failed = (e) => {
      if (!settle()) return;
      if (signal?.aborted) return reject(signal.reason);
      got.failure = NETWORK;
      got.cause = describe(e);
      got.error = e;
      resolve(got);
    };
    let res;
    const read = (text) => {
      if (settled) return;
      // Rust reads the answer: which headers (their `get`), whether it is a success, its body
      // (`text()`'s: the platform decodes it, a byte order mark dropped, bad bytes U+FFFD).
      got.status = res.status;
      got.headers = res.headers;
      got.text = typeof text === "string" ? text : String(text);
      if (settle()) resolve(got);
    };
    const init = { __proto__: null, method: request.method, headers: request.headers, signal: controller.signal };
    // A request without a body has none of its own (Rust leaves it out).
    const body = Object.prototype.hasOwnProperty.call(request, "body") ? request.body : undefined;
    if (body != null) init.body = body;
    try {
      Promise.resolve(fetchImpl === undefined ? fetch(request.url, init) : fetchImpl(request.url, init)).then((r) => {
        if (r === null || typeof r !== "object" || typeof r.text !== "function" || typeof r.headers?.get !== "function") {
          throw new TypeError("fetch resolved to something that is not a Response");
        }
        res = r;
        return r.text();
      }).then(read).catch(failed);
    } catch (e) {
      failed(e);
    }
  });
}

/** Waits `ms`; rejects with the caller's reason when `signal` aborts first. */
function wait(ms, signal) {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, ONCE);
  });
}

/** What a failed fetch said, with its cause (Node's fetch puts ECONNREFUSED there). */
function describe(e) {
  try {
    const message = String(e?.message ?? e);
    const cause = e?.cause?.message ?? e?.cause?.code;
    return cause && !message.includes(String(cause)) ? `${message}: ${cause}` : message;
  } catch {
    return "the request failed";
  }
}
