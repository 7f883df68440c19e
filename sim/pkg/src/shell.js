// The JS shell of paysg-sim: the simulator's core (Rust, sim/core, compiled to wasm) decides
// everything, as state machines this file drives (sim/core/src/drive): a request in, then each
// step the core asks for (sleep its delay, send its reply, hold or drop it), and the webhook
// attempts its schedule says are due, each sent and its result handed back. For both the
// in-process `fetch` and the node:http server (server.js). Runs in Node, Deno, Bun and workerd.
import { Simulator, flags as coreFlags } from "../gen/paysg_sim.js";

/** What `dispatch` returns when a `drop` fault closes the connection. */
export const DROP = Symbol("drop");
/** The base URL of a simulator that only answers its own `fetch`. */
export const IN_PROCESS_URL = "http://paysg-sim.local";
/** The webhook "URL" standing for `onWebhook` (the core treats it as any endpoint). */
const CALLBACK = "onWebhook:";

let flagTable;
/** The core's flags: `[{ name, camel, value, kind, default, help }]`. */
export function flags() {
  return (flagTable ??= coreFlags());
}

/** A random seed for one call into the core (from the platform's CSPRNG). */
function seed() {
  const [a, b] = globalThis.crypto.getRandomValues(new Uint32Array(2));
  return a * 2 ** 21 + (b >>> 11);
}

/** `createSimulator`'s options (camelCase) as the core's `[flag, text]` pairs. */
export function optionPairs(options) {
  const byCamel = new Map(flags().map((f) => [f.camel, f]));
  const pairs = [];
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || key === "onWebhook") continue;
    if (key === "limits" && value !== null && typeof value === "object") {
      // The SDK's `limits: { payer_identifier: 20 }`, as the flags of the same names.
      for (const [k, v] of Object.entries(value)) pairs.push([`limit-${k.replaceAll("_", "-")}`, String(v)]);
      continue;
    }
    const f = byCamel.get(key);
    const name = f?.name ?? key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    if (f?.kind === "switch") {
      if (value === true) pairs.push([name, ""]);
      else if (value !== false) pairs.push([name, String(value)]);
    } else if (Array.isArray(value)) {
      for (const v of value) pairs.push([name, String(v)]);
    } else {
      pairs.push([name, String(value)]);
    }
  }
  return pairs;
}

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
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

/**
 * A simulator: the core with its store, and what to do with requests. The core's state
 * machines decide every step; this does the I/O each asks for.
 * @param {[string, string][]} pairs the options, as the core reads them
 * @param {object} shell `{ bound, js, persist?, onWebhook? }`
 */
export function makeSimulator(pairs, shell) {
  const given = shell.onWebhook ? [...pairs, ["webhook-url", CALLBACK]] : pairs;
  const core = new Simulator(given, shell.bound, shell.js, shell.persist);
  const settings = core.settings();
  let timer;
  let closed = false;
  const log = settings.log ? (line) => console.error(`paysg-sim: ${line}`) : () => {};

  /** Sends every webhook attempt the core's schedule has due, and sets the timer for the next. */
  function pump() {
    if (closed) return;
    clearTimeout(timer);
    timer = undefined;
    const { sends, waitMs } = core.deliveries(Date.now());
    for (const s of sends) send(s);
    if (waitMs != null) timer = setTimeout(pump, waitMs);
  }

  /** One attempt, as the core made it (URL, headers, body, timeout); the core is told how it went. */
  async function send(s) {
    const callback = s.url === CALLBACK;
    const request = new Request(callback ? `${settings.publicUrl}/webhooks` : s.url, { method: "POST", headers: s.headers, body: s.body });
    let status, timedOut = false, failed;
    try {
      const res = callback ? await shell.onWebhook(request) : await fetch(request, { signal: AbortSignal.timeout(s.timeoutMs) });
      if (typeof res?.status === "number") status = res.status;
      else failed = "onWebhook did not return a Response";
      await res?.body?.cancel?.().catch(() => {});
    } catch (e) {
      if (callback) failed = `onWebhook threw: ${e?.message ?? e}`;
      else timedOut = e?.name === "TimeoutError";
    }
    if (closed) return;
    core.sent(s.id, status, timedOut, failed, Date.now(), seed());
    pump();
  }

  let resumed = false;
  /**
   * Schedules every delivery the store holds as pending (once, after the state is restored: by
   * start.js after the journal, by the Durable Object after its storage).
   */
  function resume() {
    if (resumed || closed) return;
    resumed = true;
    core.resumeDeliveries(Date.now(), seed());
    pump();
  }

  /**
   * One request: `{ method, url, headers: [[name, value]], body: Uint8Array, signal? }` →
   * `{ status, headers, body }`, or DROP.
   */
  async function dispatch(req) {
    const started = Date.now();
    const u = new URL(req.url);
    let step = core.handle(req.method, u.pathname, u.search ? u.search.slice(1) : undefined, req.headers, req.body, Date.now(), seed());
    while (step.sleep !== undefined) {
      if (step.wake) pump();
      try {
        await sleep(step.sleep, req.signal);
      } catch (e) {
        if (core.abandon(step.ex, Date.now())) pump();
        throw e;
      }
      step = core.resume(step.ex, Date.now(), seed());
    }
    if (step.wake) pump();
    if (step.stall !== undefined) await sleep(step.stall, req.signal);
    const reply = step.drop ? DROP : step.reply;
    if (u.pathname.startsWith("/v1/")) log(`${req.method} ${u.pathname} → ${reply === DROP ? "dropped" : reply.status} (${Date.now() - started} ms)`);
    return reply;
  }

  /** A fetch that serves the simulator in-process. */
  async function simFetch(input, init) {
    const request = new Request(input, init);
    if (request.signal?.aborted) throw request.signal.reason;
    const headers = [...request.headers];
    const body = new Uint8Array(await request.arrayBuffer());
    const reply = await dispatch({ method: request.method, url: request.url, headers, body, signal: request.signal });
    if (reply === DROP) {
      throw new TypeError("fetch failed", { cause: new Error("paysg-sim closed the connection without an answer (drop fault)") });
    }
    const empty = reply.status === 204 || reply.status === 304 || request.method === "HEAD";
    return new Response(empty ? null : reply.body, { status: reply.status, headers: reply.headers });
  }

  return {
    core,
    settings,
    dispatch,
    fetch: simFetch,
    resume,
    close() {
      closed = true;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

/** The public handle of a simulator (what `createSimulator` resolves to). */
export function handle(sim, baseUrl, close) {
  const post = async (path, body) => {
    const res = await sim.fetch(`${baseUrl}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    const value = text ? JSON.parse(text) : undefined;
    if (!res.ok) {
      const e = new Error(value?.error?.message ?? `paysg-sim answered ${res.status}`);
      e.status = res.status;
      e.code = value?.error?.code;
      throw e;
    }
    return value;
  };
  const id = (paymentId) => encodeURIComponent(String(paymentId));
  return {
    baseUrl,
    fetch: sim.fetch,
    pay: (paymentId) => post(`/sim/payments/${id(paymentId)}/pay`),
    failAttempt: (paymentId) => post(`/sim/payments/${id(paymentId)}/fail`),
    refund: (paymentId, amountInCents) => post(`/sim/payments/${id(paymentId)}/refund`, { refund_amount_in_cents: amountInCents }),
    cancel: (paymentId) => post(`/sim/payments/${id(paymentId)}/cancel`),
    payout: (paymentId) => post(`/sim/payments/${id(paymentId)}/payout`),
    advanceClock: (ms) => post("/sim/clock", { advance_ms: ms }),
    state: async () => (await sim.fetch(`${baseUrl}/sim/state`)).json(),
    webhooks: async () => (await sim.fetch(`${baseUrl}/sim/webhooks.json`)).json(),
    emails: async () => (await (await sim.fetch(`${baseUrl}/sim/emails.json`)).json()).emails,
    reset: () => sim.fetch(`${baseUrl}/sim/reset`, { method: "POST" }).then(() => undefined),
    close,
  };
}
