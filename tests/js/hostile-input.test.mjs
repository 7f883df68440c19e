// Hostile callers (issue 22, item 5): a polluted Object.prototype changes nothing the package
// does, and a getter that calls back into the package while its input is read cannot mix one
// call's data into another's. Everything is derived from the packed package: the functions and
// classes from its exports, the option names from its declarations (dist/index.d.ts), the
// create-payment fields from the README's rules table.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { fullPayment, testProject } from "./helpers.mjs";

let paysg, dir;
before(async () => {
  dir = join(testProject(), "node_modules", "paysg");
  paysg = await import(join(dir, "dist", "node.mjs"));
});

const API_KEY = `paysg_stag_${"k".repeat(32)}`;
const SERVICE = "payment_service_hostile";
const SECRET = "whsec_hostile_test_secret";
const PAYMENT = fullPayment({ id: "pay_1", reference_id: "ORD-1", payment_status: "paid", latest_status: "paid", payment_service_id: SERVICE });
const BODY = {
  reference_id: "ORD-1",
  payer_name: "Tan Ah Kow",
  payer_address: "1 Main Street",
  payer_identifier: "S1234567D",
  payer_email: "tan@example.sg",
  description: "Licence fee",
  amount_in_cents: 1234,
  due_date: "2026-12-31",
  metadata: { order: "1", branch: "east" },
  return_url: "https://shop.example.sg/back",
};
const OTHER = { ...BODY, reference_id: "OTHER-2", payer_name: "Lim Bee Hoon", description: "Another order", amount_in_cents: 999, metadata: { order: "2" } };
const LINE_ITEMS = [{ description: "Item", amount_in_cents: 1234 }];

/** `obj` without a prototype: the test's own option objects (a Request's init) must not see the pollution. */
const bare = (obj) => Object.assign(Object.create(null), obj);

/** A fetch that records each request (URL, method, headers, body) and answers as PaySG would. */
function recorder() {
  const sent = [];
  const fetch = async (url, init) => {
    const body = Object.hasOwn(init, "body") ? init.body : undefined;
    sent.push({ url: String(url), method: init.method, headers: { ...init.headers }, body: body === undefined ? undefined : JSON.parse(body) });
    const list = init.method === "GET" && /\/payments(\?|$)/.test(new URL(url).pathname + new URL(url).search);
    const json = list ? { data: [PAYMENT], page_info: { has_next_page: false, has_previous_page: false, start_cursor: null, end_cursor: null } } : PAYMENT;
    // A Response-like of own properties (what paysg reads): Node's Response breaks under some pollution.
    const text = JSON.stringify(json);
    return { status: init.method === "POST" && !url.includes("/payments/") ? 201 : 200, headers: { get: (n) => (n.toLowerCase() === "content-type" ? "application/json" : null) }, text: async () => text };
  };
  return { sent, fetch };
}

/** What a call did, comparable across runs: its result or error, and the requests it sent. */
async function outcome(f) {
  const { sent, fetch } = recorder();
  let result, error;
  try {
    result = await f(fetch);
    if (result !== null && typeof result === "object" && typeof result[Symbol.asyncIterator] === "function") {
      const items = [];
      for await (const x of result) items.push(x);
      result = items;
    }
  } catch (e) {
    error = Object.fromEntries(["name", "code", "message", "errors"].map((k) => [k, e !== null && typeof e === "object" && Object.hasOwn(e, k) ? e[k] : undefined]));
    error.name ??= e?.name;
  }
  // Idempotency keys are random: compared by presence.
  const requests = sent.map((r) => ({ ...r, headers: { ...r.headers, "idempotency-key": r.headers["idempotency-key"] === undefined ? undefined : "<key>" } }));
  return JSON.parse(JSON.stringify({ result: normalise(result), error, requests }));
}
function normalise(v) {
  if (v === undefined) return "<undefined>";
  if (typeof v === "string" && /^\d+\.[0-9a-f]+$|^t=\d+,v1=/.test(v)) return "<signature>";
  if (typeof v === "string") return v.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<uuid>").replace(/t=\d+,v1=[0-9a-f]+/g, "<signature>");
  if (v === null || typeof v !== "object") return v;
  if (v instanceof Response) return { status: v.status };
  if (Array.isArray(v)) return v.map(normalise);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeof x === "function" ? "<function>" : normalise(x)]));
}

const client = (fetch, extra) => new paysg.PaySG({ apiKey: API_KEY, paymentServiceId: SERVICE, fetch, ...extra });
const returnUrl = `https://shop.example.sg/back?paysg_payment_id=pay_1&paysg_payment_service_id=${SERVICE}`;

/**
 * One call of each function and method the package exports. A new export without an entry here
 * fails `every export is exercised`. Each gets the recording fetch.
 */
const CALLS = {
  version: () => paysg.version(),
  validateCreatePayment: () => [paysg.validateCreatePayment(BODY), paysg.validateCreatePayment({ ...BODY, line_items: LINE_ITEMS }), paysg.validateCreatePayment(BODY, { normaliseText: true })],
  validateRefund: () => paysg.validateRefund({ refund_amount_in_cents: 100 }),
  buildCreatePaymentRequest: () => paysg.buildCreatePaymentRequest(BODY, { apiKey: API_KEY, paymentServiceId: SERVICE, idempotencyKey: "key-1" }),
  signWebhook: () => paysg.signWebhook("{}", SECRET, { timestamp: 1700000000 }),
  verifyWebhook: () => {
    const body = JSON.stringify({ id: "evt_1", type: "payment.succeeded", data: { object: PAYMENT } });
    return paysg.verifyWebhook(body, paysg.signWebhook(body, SECRET, { timestamp: 1700000000 }), SECRET, { now: 1700000000 * 1000 });
  },
  verifyWebhookRequest: async () => {
    const body = JSON.stringify({ id: "evt_1", type: "payment.succeeded", data: { object: PAYMENT } });
    const request = new Request("https://hooks.example.sg/", bare({ method: "POST", body, headers: bare({ "paysg-signature": paysg.signWebhook(body, SECRET, { timestamp: 1700000000 }) }) }));
    return paysg.verifyWebhookRequest(request, SECRET, { now: 1700000000 * 1000 });
  },
  parseReturnUrl: () => [paysg.parseReturnUrl(returnUrl), paysg.parseReturnUrl(new URL(returnUrl))],
  memoryStore: async () => {
    const store = paysg.memoryStore({ keepDoneMs: 1000 });
    return [await store.claim("evt_1", 1000), await store.complete("evt_1"), await store.claim("evt_1", 1000)];
  },
  durableObjectStore: async () => {
    const stub = { fetch: async () => new Response(JSON.stringify({ outcome: "claimed" })) };
    return typeof paysg.durableObjectStore({ idFromName: () => "id", get: () => stub }).claim;
  },
  createWebhookHandler: async (fetch) => {
    const body = JSON.stringify({ id: "evt_1", type: "payment.succeeded", data: { object: PAYMENT } });
    const seen = [];
    const handler = paysg.createWebhookHandler({ secret: SECRET, store: paysg.memoryStore(), onEvent: (e) => void seen.push(e.id), client: client(fetch) });
    const res = await handler(new Request("https://hooks.example.sg/", bare({ method: "POST", body, headers: bare({ "paysg-signature": paysg.signWebhook(body, SECRET) }) })));
    return { status: res.status, answer: await res.json(), seen };
  },
  "new PaySG": (fetch) => client(fetch).toJSON(),
  "PaySG.verifyCredentials": (fetch) => paysg.PaySG.verifyCredentials({ apiKey: API_KEY, paymentServiceId: SERVICE, fetch }),
  "PaySG#toJSON": (fetch) => client(fetch).toJSON(),
  "PaySG#createPayment": (fetch) => client(fetch).createPayment(BODY, { idempotencyKey: "key-1" }),
  "PaySG#getPayment": (fetch) => client(fetch).getPayment("pay_1"),
  "PaySG#listPayments": (fetch) => client(fetch).listPayments({ limit: 5 }),
  "PaySG#listAllPayments": (fetch) => client(fetch).listAllPayments({ limit: 5 }),
  "PaySG#cancelPayment": (fetch) => client(fetch).cancelPayment("pay_1"),
  "PaySG#refundPayment": (fetch) => client(fetch).refundPayment("pay_1", { refund_amount_in_cents: 100 }),
  "PaySG#sendPaymentEmail": (fetch) => client(fetch).sendPaymentEmail("pay_1"),
  "PaySG#confirmReturn": (fetch) => client(fetch).confirmReturn(returnUrl, { paymentId: "pay_1" }),
  "PaySG#reconcile": (fetch) => client(fetch).reconcile([{ id: "pay_1", payment_status: "unpaid", latest_status: "unpaid" }], { concurrency: 2 }),
  "PaySG#verifyCredentials": (fetch) => client(fetch).verifyCredentials({ timeoutMs: 5000 }),
  "new PaySGWebhookEvents": () => typeof new paysg.PaySGWebhookEvents({ storage: {}, blockConcurrencyWhile: (f) => f() }).fetch,
  "PaySGWebhookEvents#fetch": async () => {
    const storage = new Map();
    const state = { storage: { get: async (k) => storage.get(k), put: async (k, v) => void storage.set(k, v), delete: async (k) => storage.delete(k), setAlarm: async () => {} }, blockConcurrencyWhile: (f) => f() };
    const res = await new paysg.PaySGWebhookEvents(state).fetch(new Request("https://do/claim", bare({ method: "POST", body: JSON.stringify({ op: "claim", id: "evt_1", leaseMs: 1000 }) })));
    return res.status;
  },
  "PaySGWebhookEvents#alarm": async () => {
    const state = { storage: { get: async () => undefined, put: async () => {}, delete: async () => {}, deleteAll: async () => {}, list: async () => new Map(), setAlarm: async () => {} }, blockConcurrencyWhile: (f) => f() };
    return new paysg.PaySGWebhookEvents(state).alarm();
  },
  ...Object.fromEntries(["PaySGError", "PaySGValidationError", "PaySGApiError", "PaySGConnectionError", "PaySGTimeoutError", "PaySGSignatureError"].map((name) => [
    `new ${name}`,
    () => {
      const e = name === "PaySGValidationError" ? new paysg[name]([{ field: "x", code: "required", message: "x is required" }], "input") : new paysg[name]("it failed", { code: "some_code" });
      return Object.fromEntries(["name", "code", "message", "errors", "cause"].map((k) => [k, Object.hasOwn(e, k) ? e[k] : undefined]));
    },
  ])),
};

/** The calls that build a `Request` or read one: Node's own Request breaks under some pollution. */
const USES_REQUEST = new Set(["verifyWebhookRequest", "createWebhookHandler", "PaySGWebhookEvents#fetch"]);

/**
 * Whether Node's own Request, Response and EventTarget still work with `Object.prototype[name]`
 * set (they read inherited members: `signal`, `aborted` break them). Where they do not, the
 * calls in USES_REQUEST are not compared: the platform fails before paysg runs.
 */
async function platformWorks() {
  try {
    const r = new Request("https://x.example/", bare({ method: "POST", body: "{}", headers: bare({ a: "b" }) }));
    await r.text();
    await Response.json({}, bare({ status: 201 })).json();
    await new Response("{}", bare({ headers: bare({ a: "b" }) })).text();
    new AbortController().signal.addEventListener("abort", () => {}, bare({ once: true }));
    return true;
  } catch {
    return false;
  }
}

/** The names of everything callable the package exports: functions, classes, their methods. */
function surface() {
  const names = [];
  for (const [name, v] of Object.entries(paysg)) {
    if (typeof v !== "function") continue;
    const isClass = /^class\b/.test(Function.prototype.toString.call(v));
    if (!isClass) {
      names.push(name);
      continue;
    }
    names.push(`new ${name}`);
    for (const m of Object.getOwnPropertyNames(v)) if (typeof Object.getOwnPropertyDescriptor(v, m).value === "function") names.push(`${name}.${m}`);
    for (const m of Object.getOwnPropertyNames(v.prototype)) {
      if (m !== "constructor" && typeof Object.getOwnPropertyDescriptor(v.prototype, m).value === "function") names.push(`${name}#${m}`);
    }
  }
  return names;
}

/**
 * Every property and method name the declarations mention (options, params, fields, a store's
 * methods), parsed from dist/index.d.ts.
 */
function declaredNames() {
  const text = readFileSync(join(dir, "dist", "index.d.ts"), "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
  const names = new Set();
  for (const m of text.matchAll(/(?:^|[{;,(])\s*(?:readonly\s+)?([A-Za-z_$][\w$]*)\??\s*:/gm)) names.add(m[1]);
  // Methods the package may look up on a user object (a store's claim, a client's getPayment).
  for (const m of text.matchAll(/(?:^|[{;])\s*([A-Za-z_$][\w$]*)\??\s*(?:<[^>]*>)?\(/gm)) if (m[1] !== "constructor") names.add(m[1]);
  return [...names];
}

/** The create-payment fields, from the README's rules table (| `field` | rule |). */
function createFields() {
  const readme = readFileSync(join(dir, "README.md"), "utf8");
  const table = readme.slice(readme.indexOf("| field | rule |"));
  const rows = table.slice(0, table.indexOf("\n\n")).split("\n").slice(2);
  return rows.map((r) => /^\| `([a-z_]+)` \|/.exec(r)?.[1]).filter(Boolean);
}

test("every export is exercised", () => {
  const names = surface();
  assert.ok(names.length > 20, `only ${names.length} callables found`);
  assert.deepEqual(names.filter((n) => !(n in CALLS)), [], "exports with no call in CALLS");
});

describe("a polluted Object.prototype changes nothing", () => {
  test("every option name, every export", async () => {
    const names = declaredNames();
    for (const must of ["baseUrl", "apiKey", "limits", "normaliseText", "timeoutMs", "toleranceSeconds", "maxItems", "concurrency", "referenceId", "keepDoneMs", "timestamp", "claim", "getPayment"]) {
      assert.ok(names.includes(must), `${must} not found among the declared names`);
    }
    const clean = {};
    for (const [name, f] of Object.entries(CALLS)) clean[name] = await outcome(f);
    // The clean runs did what they should: no call failed, and the create was sent once, to the
    // client's base URL.
    assert.deepEqual(Object.keys(clean).filter((n) => clean[n].error !== undefined), []);
    assert.equal(clean["PaySG#createPayment"].requests.length, 1);
    assert.ok(clean["PaySG#createPayment"].requests[0].url.startsWith(clean["new PaySG"].result.baseUrl));
    const changed = [];
    const skipped = new Set();
    for (const polluted of names) {
      // A string (a host, a key) and a number (a limit, a timeout): a wrong type is refused, so
      // reading either where a boolean is expected shows as well.
      for (const value of ["https://attacker.example/", 1]) {
        Object.defineProperty(Object.prototype, polluted, { value, writable: true, enumerable: true, configurable: true });
        const got = {};
        let platform;
        try {
          platform = await platformWorks();
          for (const [name, f] of Object.entries(CALLS)) if (platform || !USES_REQUEST.has(name)) got[name] = await outcome(f);
        } finally {
          delete Object.prototype[polluted];
        }
        if (!platform) skipped.add(polluted);
        for (const name of Object.keys(got)) {
          try {
            assert.deepEqual(got[name], clean[name]);
          } catch {
            changed.push(`${name} with Object.prototype.${polluted} = ${JSON.stringify(value)}: ${JSON.stringify(got[name]).slice(0, 300)}`);
          }
        }
      }
    }
    if (process.env.HOSTILE_DUMP) console.log([...new Set(changed.map((c) => c.split(":")[0].replace(/ = .*/, "")))].join("\n"));
    assert.deepEqual(changed, []);
    // Only names that break Node itself are skipped, and never most of them.
    assert.ok(skipped.size < 5, `Node's Request breaks with ${[...skipped]} polluted`);
  });

  test("the issue's case: a polluted baseUrl never receives the API key", async () => {
    Object.prototype.baseUrl = "https://attacker.example/";
    try {
      const { sent, fetch } = recorder();
      await client(fetch).createPayment(BODY);
      assert.equal(sent.length, 1);
      assert.doesNotMatch(sent[0].url, /attacker/);
    } finally {
      delete Object.prototype.baseUrl;
    }
  });
});

describe("a getter that calls back into paysg", () => {
  test("the README's fields are the body's", () => {
    assert.deepEqual(createFields(), [...Object.keys(BODY).slice(0, 9), "line_items", "return_url"]);
  });

  test("the issue's case: payer_name validates another object while createPayment reads it", async () => {
    const { sent, fetch } = recorder();
    const body = { ...BODY };
    Object.defineProperty(body, "payer_name", { enumerable: true, get: () => (paysg.validateCreatePayment(OTHER), BODY.payer_name) });
    await client(fetch).createPayment(body);
    assert.equal(sent[0].body.reference_id, BODY.reference_id);
  });

  /** `BODY` (with line items or not) where `field` is a getter that calls into paysg with `OTHER`. */
  function hooked(field, withItems) {
    const base = withItems ? { ...BODY, line_items: LINE_ITEMS } : { ...BODY };
    const plain = { ...base, [field]: field === "line_items" ? LINE_ITEMS : base[field] ?? LINE_ITEMS };
    const body = { ...plain };
    Object.defineProperty(body, field, {
      enumerable: true,
      get() {
        paysg.validateCreatePayment(OTHER);
        paysg.validateCreatePayment({ ...OTHER, payer_name: 5 });
        paysg.buildCreatePaymentRequest(OTHER, { apiKey: API_KEY, paymentServiceId: SERVICE });
        return plain[field];
      },
    });
    return { plain, body };
  }

  for (const withItems of [false, true]) {
    test(`every field of a create body${withItems ? " (with line items: the JSON path)" : ""}`, async () => {
      for (const field of createFields()) {
        const { plain, body } = hooked(field, withItems);
        assert.deepEqual(paysg.validateCreatePayment(body), paysg.validateCreatePayment(plain), `validateCreatePayment, ${field}`);
        const a = await outcome((fetch) => client(fetch).createPayment(plain));
        const b = await outcome((fetch) => client(fetch).createPayment(body));
        assert.equal(a.requests.length, 1);
        assert.deepEqual(b, a, `createPayment, ${field}`);
      }
    });
  }

  test("a metadata value and a call option", async () => {
    const metadata = { order: "1" };
    Object.defineProperty(metadata, "branch", { enumerable: true, get: () => (paysg.validateCreatePayment(OTHER), "east") });
    const a = await outcome((fetch) => client(fetch).createPayment(BODY, { timeoutMs: 5000 }));
    const b = await outcome((fetch) => client(fetch).createPayment({ ...BODY, metadata }, { get timeoutMs() { paysg.validateCreatePayment(OTHER); return 5000; } }));
    assert.deepEqual(b, a);
    assert.deepEqual(paysg.validateCreatePayment({ ...BODY, metadata }), paysg.validateCreatePayment(BODY));
  });

  test("an invalid outer body keeps its own problems", () => {
    const bad = { ...BODY, reference_id: "" };
    const body = { ...bad };
    Object.defineProperty(body, "description", { enumerable: true, get: () => (paysg.validateCreatePayment({ ...OTHER, payer_email: "nope" }), BODY.description) });
    const want = paysg.validateCreatePayment(bad);
    assert.equal(want.ok, false);
    assert.deepEqual(paysg.validateCreatePayment(body), want);
  });
});

// A guard (main passes it too: its shared-buffer write already came after every read).
test("a webhook body whose getters verify another body", () => {
  const now = 1700000000 * 1000;
  const event = (id) => JSON.stringify({ id, type: "payment.succeeded", data: { object: PAYMENT } });
  const sign = (body) => paysg.signWebhook(body, SECRET, { timestamp: 1700000000 });
  const body = event("evt_outer");
  const want = paysg.verifyWebhook(body, sign(body), SECRET, { now });
  const bytes = new TextEncoder().encode(body);
  const other = event("evt_inner_with_a_longer_id");
  for (const name of ["length", "byteLength", "buffer"]) {
    const hostile = bytes.slice();
    const real = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), name).get;
    Object.defineProperty(hostile, name, { get() { paysg.verifyWebhook(other, sign(other), SECRET, { now }); return real.call(this); } });
    assert.deepEqual(paysg.verifyWebhook(hostile, sign(body), SECRET, { now }), want, name);
  }
});
