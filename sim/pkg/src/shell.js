// The JS shell of paysg-sim: the simulator's core (Rust, sim/core, compiled to wasm) decides
// everything; this file does the I/O the core asks for — a request in, the delay, its reply
// out, webhook deliveries with their retries — for both the in-process `fetch` and the
// node:http server (server.js). Runs in Node, Deno, Bun and workerd.
import { Simulator, flags as coreFlags } from "../gen/paysg_sim.js";

/** The largest request body (the core's limit, as the native server's). */
const MAX_BODY = 1 << 20;
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
 * A simulator: the core with its store, and what to do with requests.
 * @param {[string, string][]} pairs the options, as the core reads them
 * @param {object} shell `{ bound, js, persist?, onWebhook?, log? }`
 */
export function makeSimulator(pairs, shell) {
  const given = shell.onWebhook ? [...pairs, ["webhook-url", CALLBACK]] : pairs;
  const core = new Simulator(given, shell.bound, shell.js, shell.persist);
  const settings = core.settings();
  let pending = 0;
  const timers = new Set();
  let closed = false;
  const log = settings.log ? (line) => console.error(`paysg-sim: ${line}`) : () => {};

  /** The wait after attempt `n` (1 for the first): the backoff, doubled each time, at most 1 h. */
  function delayAfter(n) {
    let delay = Math.min(settings.backoffMs, 3_600_000);
    for (let i = 1; i < n; i++) delay = Math.min(delay * 2, 3_600_000);
    return delay * (1 + Math.random() * 0.1);
  }

  function wait(ms) {
    return new Promise((resolve) => {
      const t = setTimeout(() => (timers.delete(t), resolve()), ms);
      timers.add(t);
    });
  }

  /**
   * Delivers one event to every endpoint, each with its retries. The core stored the same
   * deliveries with the event (its outbox), so a restart resumes them.
   */
  function deliver(event) {
    const now = core.now(Date.now());
    for (const url of settings.webhookUrls) {
      start({ event_id: event.id, url, body: event.body, due_ms: now, max_attempts: settings.maxAttempts }, 1, 0);
    }
  }

  function start(delivery, from, waitMs) {
    pending++;
    core.setPending(pending);
    deliverTo(delivery, from, waitMs).finally(() => {
      pending--;
      if (!closed) core.setPending(pending);
    });
  }

  let resumed = false;
  /**
   * Resumes every delivery the store holds as pending (once, after the journal is replayed):
   * the attempt after the last one made, when the backoff says (at once if that has passed).
   */
  function resume() {
    if (resumed || closed || !settings.webhooks) return;
    resumed = true;
    const now = core.now(Date.now());
    for (const { delivery, attempts, last_ms } of core.pendingDeliveries()) {
      // Deliveries to an earlier run's onWebhook wait for a run that has one.
      if (delivery.url === CALLBACK && !shell.onWebhook) continue;
      // A clock moved forward before the stop (POST /sim/clock) is not moved now.
      const at = last_ms == null ? delivery.due_ms : Math.min(last_ms, now) + delayAfter(attempts);
      log(`webhook ${delivery.event_id} → ${delivery.url}: resuming at attempt ${attempts + 1}/${delivery.max_attempts}`);
      start(delivery, attempts + 1, Math.max(0, at - now));
    }
  }
  // A shell that restores state calls resume() once it has: start.js after the journal, the
  // Durable Object after its storage.

  async function deliverTo(delivery, from, waitMs) {
    const { event_id: id, url, body } = delivery;
    const max = Math.max(1, delivery.max_attempts);
    if (waitMs > 0) await wait(waitMs);
    for (let attempt = from; attempt <= max && !closed; attempt++) {
      const now = core.now(Date.now());
      const request = new Request(url === CALLBACK ? `${settings.publicUrl}/webhooks` : url, {
        method: "POST",
        headers: { "content-type": "application/json", "paysg-signature": core.signature(body, delivery.due_ms, now) },
        body,
      });
      let status = null, error = null;
      try {
        const res = url === CALLBACK
          ? await shell.onWebhook(request)
          : await fetch(request, { signal: AbortSignal.timeout(10_000) });
        status = typeof res?.status === "number" ? res.status : null;
        if (status === null) error = "onWebhook did not return a Response";
        await res?.body?.cancel?.().catch(() => {});
      } catch (e) {
        error = url === CALLBACK ? `onWebhook threw: ${e?.message ?? e}` : e?.name === "TimeoutError" ? "timed out" : "could not connect or the connection failed";
      }
      const delivered = status !== null && status >= 200 && status < 300;
      if (closed) return;
      log(`webhook ${id} → ${url} attempt ${attempt}/${max}: ${status ?? error}`);
      core.recordAttempt({ event_id: id, url, attempt, status, error, delivered, at: Simulator.isoTime(now), at_ms: now });
      if (delivered || attempt >= max) return;
      await wait(delayAfter(attempt));
    }
  }

  /**
   * One request: `{ method, url, headers: [[name, value]], body: Uint8Array, signal? }` →
   * `{ status, headers, body }`, or DROP.
   */
  async function dispatch(req) {
    const started = Date.now();
    const u = new URL(req.url);
    if (req.body.length > MAX_BODY) {
      return { status: 413, headers: [["content-type", "application/json; charset=utf-8"], ["connection", "close"]], body: new TextEncoder().encode(JSON.stringify({ error: { type: "invalid_request_error", code: "body_too_large", message: `the request body is over ${MAX_BODY} bytes` } })) };
    }
    const step = core.handle(req.method, u.pathname, u.search ? u.search.slice(1) : undefined, req.headers, req.body, Date.now(), seed());
    for (const f of step.faults ?? []) log(`injecting fault ${f} into ${req.method} ${u.pathname}`);
    let reply;
    if (step.reply) {
      reply = step.reply;
      for (const e of step.events ?? []) deliver(e);
    } else {
      const early = core.start(step.job, Date.now());
      if (early) {
        reply = early.reply;
      } else {
        if (step.delayMs > 0) {
          try {
            await sleep(step.delayMs, req.signal);
          } catch (e) {
            core.abandon(step.job);
            throw e;
          }
        }
        const done = core.finish(step.job, Date.now(), seed());
        for (const e of done.events ?? []) deliver(e);
        reply = done.reply;
        if (step.after === "stall") await sleep(settings.stallMs, req.signal);
        if (step.after === "drop") reply = DROP;
      }
    }
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
      for (const t of timers) clearTimeout(t);
      timers.clear();
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
