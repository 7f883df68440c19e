// The client's I/O loop: sends the request Rust planned through fetch, reads the answer, asks
// Rust what now (src/client/answer.rs), waits, sends again. Every decision — what to send,
// whether and when to retry, whether the answer is a result or an error, which error — is
// Rust's; this module owns only fetch, the timers and AbortSignals.
import * as raw from "../gen/paysg.js";
import { fromRust } from "./from-rust.js";

/**
 * Runs a planned call to its end: the result (the 2xx body's JSON, or undefined), or the error
 * Rust decided. The caller's `signal` rejects the call at once with its reason.
 * @param {{ request: object, context: object }} plan from `planCall`
 * @param {{ fetch?: Function, key: string, signal?: AbortSignal }} io
 */
export async function run(plan, { fetch: fetchImpl, key, signal }) {
  let { request, context } = plan;
  for (;;) {
    if (signal?.aborted) throw signal.reason;
    const got = await attempt(request, context, fetchImpl, signal);
    const step = raw.answerCall(context, got.received, key, Date.now(), Math.random());
    if (step.step === "done") return step.body ? got.value : undefined;
    if (step.step === "fail") throw fromRust(step.error, got.cause);
    if (step.afterMs > 0) await wait(step.afterMs, signal);
    if (step.request) request = step.request;
    context = step.context;
  }
}

/**
 * Sends one request: `{ received, value?, cause? }`, where `received` is what Rust reads. One
 * AbortController and one timer per attempt: the timer fires at the attempt's timeout or at the
 * call's deadline, whichever is first.
 */
async function attempt(request, context, fetchImpl, signal) {
  const controller = new AbortController();
  const remaining = context.deadlineMs - Date.now();
  const deadline = remaining <= context.attemptTimeoutMs;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, Math.max(0, Math.min(remaining, context.attemptTimeoutMs)));
  const onAbort = () => controller.abort(signal.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  const received = { status: null, failure: null, cause: null, retryAfter: null, requestId: null, text: null, json: null };
  try {
    const init = { method: request.method, headers: request.headers, signal: controller.signal };
    if (request.body != null) init.body = request.body;
    // A fetch that ignores the signal (an injected one) still loses the race.
    const [res, text] = await race(send(fetchImpl, request.url, init), controller.signal);
    received.status = res.status;
    received.retryAfter = res.headers.get("retry-after");
    received.requestId = res.headers.get("x-request-id") ?? res.headers.get("request-id");
    if (res.status >= 200 && res.status < 300) {
      let value;
      try {
        value = JSON.parse(text);
      } catch {
        return { received };
      }
      received.json = value !== null && typeof value === "object" ? value : {};
      return { received, value };
    }
    received.text = text;
    return { received };
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    received.failure = timedOut ? (deadline ? "deadline" : "stalled") : "network";
    if (!timedOut) received.cause = describe(e);
    return { received, cause: timedOut ? undefined : e };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}

/** fetch, then the body as text: `[response, text]`. */
async function send(fetchImpl, url, init) {
  const res = await (fetchImpl === undefined ? fetch(url, init) : fetchImpl(url, init));
  if (res === null || typeof res !== "object" || typeof res.text !== "function" || typeof res.headers?.get !== "function") {
    throw new TypeError("fetch resolved to something that is not a Response");
  }
  return [res, await res.text()];
}

/** `promise`, or a rejection as soon as `signal` aborts. */
function race(promise, signal) {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
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
