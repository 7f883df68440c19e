// The client's I/O loop: sends the request Rust planned through fetch, reads the answer, asks
// Rust what now (src/client/answer.rs), waits, sends again. Every decision — what to send,
// whether and when to retry, whether the answer is a result or an error, which error — is
// Rust's; this module owns only fetch, the timers and AbortSignals.
import * as raw from "../gen/paysg.js";
import { fromRust } from "./from-rust.js";

/** Why no answer came, as Rust's `Call.answer` reads it. */
const NETWORK = 1, STALLED = 2, DEADLINE = 3;

/**
 * Runs a planned call to its end: the result (the 2xx body's JSON, or undefined), or the error
 * Rust decided. The caller's `signal` rejects the call at once with its reason.
 * @param {{ request: object, timing: object, call: object }} plan from `Client.plan`: the first
 *   request, when its timer fires, and Rust's call, which takes the answers
 */
export async function run({ request, timing, call }, fetchImpl, signal) {
  try {
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      const got = await attempt(request, timing, fetchImpl, signal);
      const step = call.answer(got.status, got.failure, got.retryAfter, got.requestId, got.text, got.json, got.cause, Date.now(), Math.random());
      if (step.step === "done") return step.body ? got.value : undefined;
      if (step.step === "fail") throw fromRust(step.error, got.error);
      if (step.afterMs > 0) await wait(step.afterMs, signal);
      if (step.request) request = step.request;
      timing = step.timing;
    }
  } finally {
    call.free();
  }
}

/**
 * Sends one request and reads what came back, for Rust. One AbortController and one timer per
 * attempt: the timer fires after `timing.wait` ms, which is the attempt's timeout or what is left
 * of the call's deadline, whichever is first (`timing.deadline` says which).
 */
async function attempt(request, timing, fetchImpl, signal) {
  const controller = new AbortController();
  // Rejected when the attempt is abandoned, so that a fetch which ignores its signal (an
  // injected one) still loses the race.
  let abandon;
  const abandoned = new Promise((_, reject) => (abandon = reject));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
    abandon(controller.signal.reason);
  }, timing.wait);
  const onAbort = () => {
    controller.abort(signal.reason);
    abandon(signal.reason);
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  const got = { status: 0, failure: 0, retryAfter: undefined, requestId: undefined, text: undefined, json: null, cause: undefined };
  try {
    const init = { method: request.method, headers: request.headers, signal: controller.signal };
    if (request.body != null) init.body = request.body;
    const [res, text] = await Promise.race([send(fetchImpl, request.url, init), abandoned]);
    got.status = res.status;
    got.retryAfter = res.headers.get("retry-after") ?? undefined;
    got.requestId = res.headers.get("x-request-id") ?? res.headers.get("request-id") ?? undefined;
    if (res.status >= 200 && res.status < 300) {
      try {
        const value = JSON.parse(text);
        got.value = value;
        got.json = value !== null && typeof value === "object" ? value : {};
      } catch {
        // not JSON: Rust says what that means for this operation
      }
    } else {
      got.text = text;
    }
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    got.failure = timedOut ? (timing.deadline ? DEADLINE : STALLED) : NETWORK;
    if (!timedOut) {
      got.cause = describe(e);
      got.error = e;
    }
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
    abandoned.catch(() => {});
  }
  return got;
}

/** fetch, then the body as text: `[response, text]`. */
async function send(fetchImpl, url, init) {
  const res = await (fetchImpl === undefined ? fetch(url, init) : fetchImpl(url, init));
  if (res === null || typeof res !== "object" || typeof res.text !== "function" || typeof res.headers?.get !== "function") {
    throw new TypeError("fetch resolved to something that is not a Response");
  }
  return [res, await res.text()];
}

/** Waits `ms`; rejects with the caller's reason when `signal` aborts first. */
function wait(ms, signal) {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
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
