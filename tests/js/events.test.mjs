// onRequest / onResponse, from the packed package: one pair of events per attempt, with what
// Rust decided (operation, path, retry and its wait) and what the loop saw (status, failure,
// timings); never the API key, a body, a query or payer data, on any path of any operation;
// listeners that throw or reject change nothing. In Node against paysg-sim in-process
// (`createSimulator`, faults on demand) or an injected fetch, and in workerd through Miniflare.
import assert from "node:assert/strict";
import { join } from "node:path";
import { inspect } from "node:util";
import { after, before, describe, test } from "node:test";
import { bundleWorker, startMiniflare, startSim, testProject } from "./helpers.mjs";

const KEY = "paysg_stag_events_tests_secret_key_987";
const SERVICE = "payment_service_5e1c0d2a-events-tests";
const REQUEST_FIELDS = ["operation", "method", "path", "attempt", "idempotencyKey"];
const RESPONSE_FIELDS = [...REQUEST_FIELDS, "status", "failure", "requestId", "elapsedMs", "totalMs", "willRetry", "retryInMs"];
/** The payer's data every create carries: none of it may appear in an event. */
const PAYER = {
  reference_id: "LEAKY-REF-ZQ",
  payer_name: "Leaky Name Zq",
  payer_email: "leaky.zq@example.com",
  payer_address: "1 Leaky Street Zq",
  payer_identifier: "S1234567Z",
  description: "Leaky description Zq",
  metadata: { note: "leaky-meta-zq", order: "leaky-order-zq" },
};
const SECRETS = [KEY, ...Object.values(PAYER).flatMap((v) => (typeof v === "string" ? [v] : Object.values(v)))];
let paysg, simPkg;

before(async () => {
  const modules = join(testProject(), "node_modules");
  paysg = await import(join(modules, "paysg", "dist", "node.mjs"));
  simPkg = await import(join(modules, "paysg-sim", "dist", "node.mjs"));
});

const payment = (extra = {}) => ({ ...PAYER, amount_in_cents: 1100, ...extra });

/**
 * A client over an in-process simulator that records every event; `fault(request)` names the
 * `x-paysg-sim-fault` of a request (or nothing), `fetchWrap` may replace the fetch.
 */
async function recorded({ fault, simOptions = {}, fetchWrap, ...options } = {}) {
  const sim = await simPkg.createSimulator({ retryAfter: 0, ...simOptions });
  const events = [];
  const sent = [];
  let fetch = (url, init) => {
    const req = new Request(url, init);
    const f = fault?.(req);
    if (f) req.headers.set("x-paysg-sim-fault", f);
    sent.push({ method: req.method, url: req.url, key: req.headers.get("idempotency-key") ?? undefined });
    return sim.fetch(req);
  };
  if (fetchWrap) fetch = fetchWrap(fetch);
  const client = new paysg.PaySG({
    apiKey: KEY, paymentServiceId: SERVICE, baseUrl: sim.baseUrl, fetch,
    onRequest: (e) => events.push(["request", e]),
    onResponse: (e) => events.push(["response", e]),
    ...options,
  });
  return { sim, client, events, sent };
}

/** Every event has exactly its agreed fields, is frozen, and shows nothing it must not. */
function assertClean(events) {
  assert.ok(events.length > 0);
  for (const [kind, e] of events) {
    assert.ok(Object.isFrozen(e), "events are frozen");
    assert.equal(Object.getPrototypeOf(e), Object.prototype, "a plain object");
    assert.deepEqual(Object.keys(e), kind === "request" ? REQUEST_FIELDS : RESPONSE_FIELDS);
    assert.ok(!e.path.includes("?") && !e.path.includes("://"), `a path without host or query: ${e.path}`);
    const texts = [JSON.stringify(e), inspect(e, { depth: 5, showHidden: true })];
    for (const text of texts) {
      for (const secret of SECRETS) assert.ok(!text.includes(secret), `${secret} appears in ${text}`);
    }
  }
}

/** The events of attempt pairs, as `[attempt, status, failure, willRetry]` per response. */
const responses = (events) => events.filter(([k]) => k === "response").map(([, e]) => e);
const requests = (events) => events.filter(([k]) => k === "request").map(([, e]) => e);

describe("options", () => {
  test("onRequest and onResponse are functions, or a PaySGValidationError naming them", () => {
    const base = { apiKey: KEY, paymentServiceId: SERVICE, baseUrl: "http://127.0.0.1:9" };
    for (const name of ["onRequest", "onResponse"]) {
      for (const [given, shown] of [["log", "string"], [null, "null"], [1, "number"], [{}, "object"], [[], "an array"], [true, "boolean"]]) {
        assert.throws(() => new paysg.PaySG({ ...base, [name]: given }), (e) => {
          assert.ok(e instanceof paysg.PaySGValidationError);
          assert.equal(e.code, "validation_error");
          assert.deepEqual(e.errors.map((x) => [x.field, x.code]), [[name, "invalid_type"]]);
          assert.match(e.errors[0].message, new RegExp(`^${name} must be a function .*, got ${shown}$`));
          assert.ok(!e.message.includes(KEY));
          return true;
        });
      }
      // a getter that throws is read once, and refused with the option's name
      const hostile = { ...base };
      Object.defineProperty(hostile, name, { enumerable: true, get() { throw new Error("boom"); } });
      assert.throws(() => new paysg.PaySG(hostile), (e) => e instanceof paysg.PaySGValidationError && e.errors[0].field === name);
      // absent or undefined: no listener; a function (also an async one or a class method): accepted
      for (const ok of [undefined, () => {}, async () => {}, function named() {}]) new paysg.PaySG({ ...base, [name]: ok });
      // only own properties are read
      const inherited = Object.create({ [name]: "not a function" });
      Object.assign(inherited, base);
      new paysg.PaySG(inherited);
    }
  });

  test("toJSON shows the settings, not the listeners; attemptTimeoutMs is there", () => {
    const c = new paysg.PaySG({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: "http://127.0.0.1:9", attemptTimeoutMs: 1234, onRequest() {}, onResponse() {} });
    assert.deepEqual(Object.keys(c.toJSON()), ["paymentServiceId", "baseUrl", "timeoutMs", "attemptTimeoutMs", "maxRetries"]);
    assert.equal(c.attemptTimeoutMs, 1234);
    assert.ok(!JSON.stringify(c).includes("onRe"));
  });
});

describe("events of one call", () => {
  test("a 503 then a 201: two attempts, one idempotency key, retry and its wait", async () => {
    const retryAfter = 1;
    const { client, events, sent } = await recorded({ simOptions: { retryAfter }, fault: (r) => (r.method === "POST" ? "503;first=1" : undefined) });
    const created = await client.createPayment(payment());
    assert.equal(created.payment_status, "unpaid");
    assert.deepEqual(events.map(([k, e]) => [k, e.attempt]), [["request", 1], ["response", 1], ["request", 2], ["response", 2]]);
    const [r1, r2] = responses(events);
    const keys = new Set(events.map(([, e]) => e.idempotencyKey));
    assert.equal(keys.size, 1, "one key on every attempt");
    assert.deepEqual([...keys], [sent[0].key], "the key that was sent");
    assert.deepEqual(sent.map((s) => s.key), [sent[0].key, sent[0].key]);
    for (const e of events.map(([, e]) => e)) {
      assert.equal(e.operation, "createPayment");
      assert.equal(e.method, "POST");
      assert.equal(e.path, `/v1/payment-services/${SERVICE}/payments`);
      assert.equal(new URL(sent[0].url).pathname, e.path);
    }
    assert.deepEqual([r1.status, r1.failure, r1.willRetry, r1.retryInMs], [503, undefined, true, retryAfter * 1000]);
    assert.deepEqual([r2.status, r2.failure, r2.willRetry, r2.retryInMs], [201, undefined, false, undefined]);
    for (const r of [r1, r2]) {
      assert.ok(Number.isFinite(r.elapsedMs) && r.elapsedMs >= 0 && r.totalMs >= r.elapsedMs);
    }
    assert.ok(r2.totalMs >= r1.retryInMs, "the call's time includes the wait before attempt 2");
    assertClean(events);
  });

  test("a network failure, then an answer", async () => {
    let first = true;
    const { client, events } = await recorded({
      fetchWrap: (f) => (url, init) => {
        if (first) {
          first = false;
          return Promise.reject(new TypeError("fetch failed"));
        }
        return f(url, init);
      },
    });
    await client.createPayment(payment());
    const [r1, r2] = responses(events);
    assert.deepEqual([r1.attempt, r1.status, r1.failure, r1.willRetry, typeof r1.retryInMs], [1, undefined, "network", true, "number"]);
    assert.deepEqual([r2.attempt, r2.status, r2.failure, r2.willRetry], [2, 201, undefined, false]);
    assert.equal(r1.idempotencyKey, r2.idempotencyKey);
    assertClean(events);
  });

  test("an attempt's own timeout, then an answer; the call's deadline ends it", async () => {
    const attemptTimeoutMs = 80;
    let n = 0;
    const stallFirst = (f) => (url, init) => (n++ === 0 ? new Promise(() => {}) : f(url, init));
    const { client, events } = await recorded({ attemptTimeoutMs, fetchWrap: stallFirst });
    await client.createPayment(payment());
    const [r1, r2] = responses(events);
    assert.deepEqual([r1.status, r1.failure, r1.willRetry], [undefined, "timeout", true]);
    assert.ok(r1.elapsedMs >= attemptTimeoutMs - 1, `the attempt lasted its timeout (${r1.elapsedMs} ms)`);
    assert.deepEqual([r2.status, r2.failure, r2.willRetry], [201, undefined, false]);

    // the deadline: no answer within timeoutMs, no retry after it
    const stalled = await recorded({ timeoutMs: 100, attemptTimeoutMs: 5000, fetchWrap: () => () => new Promise(() => {}) });
    await assert.rejects(stalled.client.getPayment("abc"), paysg.PaySGTimeoutError);
    const [only, ...rest] = responses(stalled.events);
    assert.deepEqual(rest, []);
    assert.deepEqual([only.operation, only.method, only.status, only.failure, only.willRetry, only.retryInMs], ["getPayment", "GET", undefined, "deadline", false, undefined]);
    assert.equal(only.path, `/v1/payment-services/${SERVICE}/payments/abc`);
    assert.equal(only.idempotencyKey, undefined);
    assertClean([...events, ...stalled.events]);
  });

  test("the caller's signal ends an attempt: aborted, no retry", async () => {
    const controller = new AbortController();
    const { client, events } = await recorded({ fetchWrap: () => () => new Promise(() => {}) });
    const call = client.listPayments({ limit: 3 }, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("stop")), 20);
    await assert.rejects(call, /stop/);
    const [only] = responses(events);
    assert.deepEqual([responses(events).length, only.failure, only.status, only.willRetry], [1, "aborted", undefined, false]);
    assertClean(events);
  });

  test("a listener that aborts the call's signal: nothing more is sent", async () => {
    const controller = new AbortController();
    const { client, events, sent } = await recorded({ onRequest: (e) => { events.push(["request", e]); controller.abort(new Error("listener stop")); } });
    await assert.rejects(client.getPayment("abc", { signal: controller.signal }), /listener stop/);
    assert.deepEqual(sent, []);
    assert.deepEqual(events.map(([k, e]) => [k, e.attempt, e.failure]), [["request", 1, undefined], ["response", 1, "aborted"]]);
    // aborted after an answer that is retried: the wait ends at once, no second attempt
    const c2 = new AbortController();
    const r = await recorded({ fault: () => "503", simOptions: { retryAfter: 5 }, onResponse: (e) => { r.events.push(["response", e]); c2.abort(new Error("stop waiting")); } });
    const began = Date.now();
    await assert.rejects(r.client.getPayment("abc", { signal: c2.signal }), /stop waiting/);
    assert.ok(Date.now() - began < 5_000, "the 5 s wait was not waited");
    assert.deepEqual(responses(r.events).map((e) => [e.attempt, e.status, e.willRetry, e.retryInMs]), [[1, 503, true, 5_000]]);
    assert.equal(r.sent.length, 1);
  });

  test("PaySG's request id, scrubbed of the key", async () => {
    const { client, events } = await recorded({
      fetchWrap: (f) => async (url, init) => {
        const res = await f(url, init);
        const headers = new Headers(res.headers);
        headers.set("x-request-id", `req-1-${KEY}`);
        return new Response(await res.text(), { status: res.status, headers });
      },
    });
    await client.createPayment(payment());
    assert.equal(responses(events)[0].requestId, "req-1-<api key>");
    assertClean(events);
  });

  test("a cancel that may have gone through: the look is a GET, the cancel sent again a POST", async () => {
    const { client, events, sent } = await recorded({ fault: (r) => (r.url.endsWith("/cancel") ? "500;first=1" : undefined) });
    const p = await client.createPayment(payment());
    events.length = 0;
    sent.length = 0;
    const cancelled = await client.cancelPayment(p.id);
    assert.equal(cancelled.latest_status, "cancelled");
    const path = `/v1/payment-services/${SERVICE}/payments/${p.id}`;
    assert.deepEqual(responses(events).map((e) => [e.operation, e.attempt, e.method, e.path, e.status, e.willRetry]), [
      ["cancelPayment", 1, "POST", `${path}/cancel`, 500, true],
      ["cancelPayment", 2, "GET", path, 200, true],
      ["cancelPayment", 3, "POST", `${path}/cancel`, 200, false],
    ]);
    assert.deepEqual(sent.map((s) => [s.method, new URL(s.url).pathname]), responses(events).map((e) => [e.method, e.path]), "the events describe what was sent");
  });

  test("verifyCredentials' one read is reported like any call (listPayments), with its status", async () => {
    const { client, events } = await recorded({ fault: () => "503;first=1" });
    const result = await client.verifyCredentials();
    assert.equal(result.ok, true, JSON.stringify(result.problems));
    assert.deepEqual(responses(events).map((e) => [e.operation, e.attempt, e.method, e.path, e.status, e.willRetry]), [
      ["listPayments", 1, "GET", `/v1/payment-services/${SERVICE}/payments`, 503, true],
      ["listPayments", 2, "GET", `/v1/payment-services/${SERVICE}/payments`, 200, false],
    ]);
    assert.equal(requests(events).length, 2);
    assertClean(events);
  });
});

describe("no key, no payer data, on any path of any operation", () => {
  test("success, retried, refused, failed and timed out: every event of every operation", async () => {
    const all = [];
    const run = async (label, options, act) => {
      const r = await recorded(options);
      try {
        await act(r);
      } catch (e) {
        assert.ok(e instanceof paysg.PaySGError, `${label}: ${e}`);
        for (const text of [e.message, JSON.stringify(e)]) assert.ok(!text.includes(KEY));
      }
      assert.ok(r.events.length >= 2, label);
      all.push(...r.events);
      return r;
    };
    const everything = async ({ client, sim }) => {
      const p = await client.createPayment(payment());
      const q = await client.createPayment(payment({ reference_id: `${PAYER.reference_id}-2` }));
      await client.getPayment(p.id);
      const page = await client.listPayments({ limit: 1 });
      await client.listPayments({ limit: 1, after: page.page_info.end_cursor });
      await client.sendPaymentEmail(p.id);
      await client.cancelPayment(q.id);
      await sim.pay(p.id);
      await client.refundPayment(p.id, { refund_amount_in_cents: 100 });
    };
    await run("success", {}, everything);
    await run("retried once", { fault: () => "500;first=1" }, everything);
    await run("dropped once", { fault: () => "drop;first=1" }, everything);
    for (const fault of ["500", "429", "drop"]) {
      const failing = (r) => r.method === "POST" || r.url.includes("/payments/") || r.url.includes("?") ? fault : undefined;
      const { client, sim } = await recorded();
      const p = await client.createPayment(payment());
      await sim.pay(p.id);
      for (const act of [
        (c) => c.createPayment(payment()),
        (c) => c.getPayment(p.id),
        (c) => c.listPayments({ limit: 2 }),
        (c) => c.cancelPayment(p.id),
        (c) => c.refundPayment(p.id, { refund_amount_in_cents: 100 }),
        (c) => c.sendPaymentEmail(p.id),
      ]) {
        await run(`${fault}`, { maxRetries: 1, fault: failing, fetchWrap: (f) => (url, init) => f(url, init) }, (r) => act(r.client));
      }
    }
    await run("refused by PaySG", {}, ({ client }) => client.getPayment("no-such-payment"));
    await run("timed out", { timeoutMs: 60, fetchWrap: () => () => new Promise(() => {}) }, ({ client }) => client.createPayment(payment()));
    const operations = new Set(all.map(([, e]) => e.operation));
    assert.deepEqual([...operations].sort(), ["cancelPayment", "createPayment", "getPayment", "listPayments", "refundPayment", "sendPaymentEmail"]);
    const failures = new Set(responses(all).map((e) => e.failure ?? e.status));
    for (const seen of [200, 201, 404, 429, 500, "network", "deadline"]) assert.ok(failures.has(seen), `a ${seen} was seen`);
    assertClean(all);
  });
});

describe("listeners cannot change a call", () => {
  test("a listener that throws, rejects, or returns a hostile thenable: the same outcome", async () => {
    const unhandled = [];
    const onUnhandled = (e) => unhandled.push(e);
    process.on("unhandledRejection", onUnhandled);
    try {
      const hostileThen = { get then() { throw new Error("then getter"); } };
      const listeners = [
        () => { throw new Error("sync"); },
        () => Promise.reject(new Error("rejected")),
        async () => { throw new Error("async"); },
        () => ({ then() { throw new Error("then throws"); } }),
        () => ({ then(_ok, fail) { fail(new Error("then rejects")); } }),
        () => hostileThen,
        function () { return this; },
      ];
      const outcome = async (client) => {
        const created = await client.createPayment(payment());
        const err = await client.getPayment("no-such-payment").catch((e) => e);
        return [created.payment_status, created.reference_id, err.constructor.name, err.code, err.status, err.attempts];
      };
      const plain = await recorded({ onRequest: undefined, onResponse: undefined, fault: (r) => (r.method === "POST" ? "503;first=1" : undefined) });
      const expected = await outcome(plain.client);
      assert.deepEqual(plain.events, []);
      for (const listener of listeners) {
        for (const name of ["onRequest", "onResponse"]) {
          const { client } = await recorded({ [name]: listener, fault: (r) => (r.method === "POST" ? "503;first=1" : undefined) });
          assert.deepEqual(await outcome(client), expected, `${name}: ${listener}`);
        }
      }
      // a getter that returns a listener is read once, at construction
      let reads = 0;
      const options = { apiKey: KEY, paymentServiceId: SERVICE };
      Object.defineProperty(options, "onResponse", { enumerable: true, get() { reads++; return () => { throw new Error("x"); }; } });
      const sim = await simPkg.createSimulator();
      const c = new paysg.PaySG({ ...options, baseUrl: sim.baseUrl, fetch: sim.fetch });
      assert.equal((await c.createPayment(payment())).payment_status, "unpaid");
      assert.equal(reads, 1);
      await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(unhandled, [], "no unhandled rejection");
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  test("a listener that starts calls on the same client corrupts nothing", async () => {
    const inner = [];
    let client, started = 0;
    const r = await recorded({
      fault: (req) => (req.method === "POST" && !req.url.includes("/cancel") ? "503;first=1" : undefined),
      onRequest: (e) => {
        r.events.push(["request", e]);
        // listeners run synchronously: the calls they start emit their own events at once
        if (started++ === 0) inner.push(client.listPayments({ limit: 1 }), client.getPayment("missing").catch((x) => x.code));
      },
    });
    client = r.client;
    const created = await client.createPayment(payment());
    assert.equal(created.reference_id, PAYER.reference_id);
    const settled = await Promise.all(inner);
    assert.equal(settled.length, 2);
    assert.ok(Array.isArray(settled[0].data));
    assert.equal(settled[1], "payment_not_found");
    // each call's attempts are counted apart: the create's two attempts, one key
    const creates = responses(r.events).filter((e) => e.operation === "createPayment");
    assert.deepEqual(creates.map((e) => [e.attempt, e.status, e.willRetry]), [[1, 503, true], [2, 201, false]]);
    assert.equal(new Set(creates.map((e) => e.idempotencyKey)).size, 1);
    assert.equal(requests(r.events).length, responses(r.events).length);
    assertClean(r.events);
  });
});

describe("in workerd (Miniflare), bundled by wrangler", () => {
  let sim;
  before(async () => {
    sim = await startSim(["--retry-after", "0"]);
  });
  after(() => sim?.stop());

  test("a 503 then a 201: two attempts, one key; throwing listeners change nothing", async () => {
    const out = bundleWorker(testProject(), "events", WORKER);
    const mf = await startMiniflare(out, { SIM_URL: sim.url, KEY, SERVICE });
    try {
      const res = await mf.dispatchFetch("http://localhost/");
      const r = await res.json();
      assert.equal(res.status, 200, JSON.stringify(r));
      assert.equal(r.status, "unpaid");
      assert.equal(r.frozen, true);
      assert.deepEqual(r.events.map(([k, e]) => [k, e.attempt, e.status, e.willRetry, e.retryInMs]), [
        ["request", 1, undefined, undefined, undefined],
        ["response", 1, 503, true, 0],
        ["request", 2, undefined, undefined, undefined],
        ["response", 2, 201, false, undefined],
      ]);
      assert.equal(new Set(r.events.map(([, e]) => e.idempotencyKey)).size, 1);
      assert.equal(r.sentKeys.length, 2);
      assert.deepEqual(new Set(r.sentKeys), new Set(r.events.map(([, e]) => e.idempotencyKey)));
      for (const [, e] of r.events) {
        assert.equal(e.path, `/v1/payment-services/${SERVICE}/payments`);
        for (const secret of SECRETS) assert.ok(!JSON.stringify(e).includes(secret));
      }
    } finally {
      await mf.dispose();
    }
  });
});

const WORKER = `
import { PaySG } from "paysg";
export default {
  async fetch(request, env) {
    const events = [];
    const sentKeys = [];
    const c = new PaySG({
      apiKey: env.KEY, paymentServiceId: env.SERVICE, baseUrl: env.SIM_URL,
      fetch: (url, init) => {
        const req = new Request(url, init);
        req.headers.set("x-paysg-sim-fault", "503;first=1");
        sentKeys.push(req.headers.get("idempotency-key"));
        return fetch(req);
      },
      onRequest: (e) => { events.push(["request", e]); throw new Error("ignored"); },
      onResponse: async (e) => { events.push(["response", e]); throw new Error("ignored too"); },
    });
    const p = await c.createPayment(${JSON.stringify(payment())});
    return Response.json({ events, sentKeys, status: p.payment_status, frozen: events.every(([, e]) => Object.isFrozen(e)) });
  },
};
`;
