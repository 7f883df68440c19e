// The hostile probes of hostile-probes.test.mjs, run in a process of their own (an uncaught
// exception must be counted, not end the test): `node hostile-probes-run.mjs <project>` prints
// `{ probes, failures, escaped, signal }` as JSON. From the packed package: every export found in the running module (functions,
// classes, the client's methods read from its prototype, what a factory returns, the async
// iterators) is called with, at each parameter position, a set of hostile values, and with
// `{ signal: <hostile> }` where it takes options. Every outcome must be a value or a PaySG*
// error with a string `code`: never a raw TypeError or Error, never a hang, never an uncaught
// exception or unhandled rejection later (the client's fetch never answers, or answers 503, and
// its attempts time out after a few ms: the timers run while the test waits).
import { join } from "node:path";

const KEY = "paysg_stag_hostile_probes";
const SERVICE = "payment_service_hostile";
const ATTEMPT_MS = 5;
/** A probe that has not settled after this long hangs. */
const PROBE_MS = 2000;
const project = process.argv[2];
const paysg = await import(join(project, "node_modules", "paysg", "dist", "node.mjs"));
const validate = await import(join(project, "node_modules", "paysg", "dist", "validate.mjs"));

// Everything that escapes a probe later, whichever probe it came from.
const escaped = [];
process.on("uncaughtException", (e) => escaped.push(["uncaughtException", e]));
process.on("unhandledRejection", (e) => escaped.push(["unhandledRejection", e]));

const boom = () => {
  throw new Error("hostile getter");
};
/** An object whose usual property names are getters that throw. */
function throwingGetters() {
  const o = {};
  for (const k of ["signal", "aborted", "reason", "addEventListener", "removeEventListener", "apiKey", "baseUrl", "paymentServiceId", "timeoutMs", "attemptTimeoutMs", "maxRetries", "limit", "after", "before", "maxItems", "href", "url", "text", "headers", "body", "get", "paymentId", "referenceId", "secret", "store", "onEvent", "toleranceSeconds", "now", "timestamp", "concurrency", "length", "then", "fetch", "limits", "idempotencyKey", "normaliseText", "id", "message", "cause", "code", "storage", "idFromName"]) {
    Object.defineProperty(o, k, { get: boom, enumerable: true });
  }
  return o;
}
/** A Proxy whose every trap throws. */
function throwingProxy() {
  const traps = {};
  for (const t of ["get", "set", "has", "deleteProperty", "ownKeys", "getOwnPropertyDescriptor", "defineProperty", "getPrototypeOf", "setPrototypeOf", "isExtensible", "preventExtensions", "apply", "construct"]) traps[t] = boom;
  return new Proxy(function () {}, traps);
}
function revokedProxy() {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}
/** Inherits every option a caller might mean, owns none. */
function pollutedPrototype() {
  return Object.create({ signal: { aborted: true }, apiKey: KEY, baseUrl: "https://evil.example", paymentId: "pay_1", secret: "s", limit: 1, maxItems: 1, href: "https://x.example/?paysg_payment_id=p", then: (r) => r(1) });
}
function cyclic() {
  const o = { a: 1 };
  o.self = o;
  o.list = [o];
  return o;
}

/** The hostile values, by name (made fresh for each probe). */
const HOSTILE = {
  undefined: () => undefined,
  null: () => null,
  zero: () => 0,
  "-0": () => -0,
  NaN: () => NaN,
  "1.5": () => 1.5,
  "-1": () => -1,
  Infinity: () => Infinity,
  true: () => true,
  "empty string": () => "",
  "huge string": () => "x".repeat(1 << 20),
  "lone surrogate": () => "\ud800",
  symbol: () => Symbol("hostile"),
  bigint: () => 10n,
  function: () => () => {},
  "throwing function": () => boom,
  array: () => [],
  "array of junk": () => [null, Symbol("s"), 1n],
  "empty object": () => ({}),
  "throwing getters": throwingGetters,
  "throwing Proxy": throwingProxy,
  "revoked Proxy": revokedProxy,
  "polluted prototype": pollutedPrototype,
  "then (resolves)": () => ({ then: (r) => r(1) }),
  "then (throws)": () => ({ then: boom }),
  "IncomingMessage-like { aborted: false }": () => ({ aborted: false }),
  "IncomingMessage-like { aborted: true }": () => ({ aborted: true }),
  "frozen object": () => Object.freeze({ a: Object.freeze({}) }),
  cyclic,
  "invalid Date": () => new Date(NaN),
};

/** The hostile values put in an object argument's properties. */
const NESTED = ["symbol", "bigint", "NaN", "throwing getters", "throwing Proxy", "revoked Proxy", "then (throws)", "cyclic", "IncomingMessage-like { aborted: true }"];

/** An injected fetch that never answers, and one that answers 503. */
const never = () => new Promise(() => {});
const unavailable = async () => new Response("{}", { status: 503, headers: { "content-type": "application/json" } });
const clientOptions = (fetch) => ({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: "https://paysg.invalid", fetch, attemptTimeoutMs: ATTEMPT_MS, timeoutMs: 50, maxRetries: 0 });
/** The client options of the constructor's probes: every option given, so each is probed. */
const allClientOptions = () => ({ ...clientOptions(never), normaliseText: false, dangerouslyAllowBrowser: false, limits: {}, onRequest() {}, onResponse() {} });

/** Marks the position of an options object: `{}` normally, `{ signal: <hostile> }` in signal probes. */
const OPTS = Symbol("options");
const body = () => ({ reference_id: "order-1", payer_name: "Tan Ah Kow", description: "Season parking", amount_in_cents: 1100, return_url: "https://agency.gov.sg/back" });
const returnUrl = `https://agency.gov.sg/back?paysg_payment_id=pay_1&paysg_payment_service_id=${SERVICE}`;
const stored = () => [{ id: "pay_1", payment_status: "unpaid", latest_status: "unpaid" }];

/**
 * Arguments that pass, by export or method name, so that a hostile value at one position is the
 * only fault; a function not listed here gets undefined at the other positions.
 */
function baselines() {
  const secret = "whsec_hostile";
  const event = JSON.stringify({ id: "evt_1", type: "payment.paid", data: { object: { id: "pay_1" } } });
  return {
    PaySG: [allClientOptions()],
    "PaySG.verifyCredentials": [clientOptions(never)],
    createPayment: [body(), OPTS],
    getPayment: ["pay_1", OPTS],
    listPayments: [{ limit: 1 }, OPTS],
    listAllPayments: [{ limit: 1 }, OPTS],
    cancelPayment: ["pay_1", OPTS],
    refundPayment: ["pay_1", { refund_amount_in_cents: 1 }, OPTS],
    sendPaymentEmail: ["pay_1", OPTS],
    confirmReturn: [returnUrl, { paymentId: "pay_1" }, OPTS],
    reconcile: [stored(), OPTS],
    verifyCredentials: [OPTS],
    verifyWebhook: [event, paysg.signWebhook(event, secret), secret, { toleranceSeconds: 300, now: Date.now() }],
    verifyWebhookRequest: [new Request("https://x.example/", { method: "POST", body: event, headers: { "paysg-signature": paysg.signWebhook(event, secret) } }), secret, {}],
    signWebhook: [event, secret, { timestamp: 1 }],
    parseReturnUrl: [returnUrl],
    createWebhookHandler: [{ secret, store: paysg.memoryStore(), onEvent() {}, client: new paysg.PaySG(clientOptions(never)), toleranceSeconds: 300, leaseMs: 60_000 }],
    memoryStore: [{ keepDoneMs: 1000 }],
    validateCreatePayment: [body(), undefined],
    validateRefund: [{ refund_amount_in_cents: 1 }],
    buildCreatePaymentRequest: [body(), { apiKey: KEY, paymentServiceId: SERVICE }],
  };
}

const isClass = (f) => typeof f === "function" && /^class\b/.test(Function.prototype.toString.call(f));

/**
 * Every callable the package exposes, found from the running modules: `{ name, call(args),
 * arity, base, opts }`. `call` throws or returns what the callable returns.
 */
function discover() {
  const base = baselines();
  const targets = [];
  const add = (name, call, arity, key = name) => {
    const b = base[key] ?? [];
    // Fresh arguments for each probe (a Request's body is read once).
    targets.push({ name, call, positions: Math.max(arity, b.length, 1), base: b, fresh: () => baselines()[key] ?? [] });
  };
  for (const [modName, mod] of [["paysg", paysg], ["paysg/validate", validate]]) {
    for (const [name, value] of Object.entries(mod)) {
      if (typeof value !== "function") continue;
      if (mod === validate && paysg[name] === value) continue;
      const label = modName === "paysg" ? name : `${modName}.${name}`;
      if (isClass(value)) {
        add(`new ${label}`, (args) => new value(...args), value.length, name);
        for (const s of Object.getOwnPropertyNames(value)) {
          if (["length", "name", "prototype"].includes(s) || typeof value[s] !== "function") continue;
          add(`${label}.${s}`, (args) => value[s](...args), value[s].length, `${name}.${s}`);
        }
      } else {
        add(label, (args) => value(...args), value.length, name);
      }
    }
  }
  // The client's methods, from its prototype, on a client whose fetch never answers or answers 503.
  for (const [fetchName, fetch] of [["never answers", never], ["answers 503", unavailable]]) {
    for (const m of Object.getOwnPropertyNames(paysg.PaySG.prototype)) {
      if (m === "constructor" || typeof paysg.PaySG.prototype[m] !== "function") continue;
      add(`client.${m} (fetch ${fetchName})`, (args) => new paysg.PaySG(clientOptions(fetch))[m](...args), paysg.PaySG.prototype[m].length, m);
    }
  }
  // What the factories return: the webhook handler, a store's methods.
  const handler = paysg.createWebhookHandler(base.createWebhookHandler[0]);
  add("createWebhookHandler(…) handler", (args) => handler(...args), handler.length);
  const store = paysg.memoryStore();
  for (const m of Object.keys(store)) if (typeof store[m] === "function") add(`memoryStore().${m}`, (args) => store[m](...args), store[m].length);
  return targets;
}

/** Every probe: `{ label, run() }`, one hostile value at one position, or in an options' `signal`. */
function probes() {
  const out = [];
  for (const t of discover()) {
    for (let pos = 0; pos < t.positions; pos++) {
      for (const [hName, make] of Object.entries(HOSTILE)) {
        const args = () => t.fresh().map((a) => (a === OPTS ? {} : a));
        out.push({
          label: `${t.name}: argument ${pos} = ${hName}`,
          run: () => {
            const a = args();
            while (a.length <= pos) a.push(undefined);
            a[pos] = make();
            return t.call(a);
          },
        });
        if (t.base[pos] === OPTS) {
          out.push({ label: `${t.name}: argument ${pos} = { signal: ${hName} }`, run: () => t.call(t.fresh().map((a, i) => (i === pos ? { signal: make() } : a === OPTS ? {} : a))) });
        }
      }
      // Each own property of an object argument, in turn, hostile.
      const given = t.base[pos];
      if (given === null || typeof given !== "object" || Object.getPrototypeOf(given) !== Object.prototype) continue;
      for (const key of Object.keys(given)) {
        for (const hName of NESTED) {
          out.push({
            label: `${t.name}: argument ${pos}.${key} = ${hName}`,
            run: () => t.call(t.fresh().map((a, i) => (i === pos ? { ...a, [key]: HOSTILE[hName]() } : a === OPTS ? {} : a))),
          });
        }
      }
    }
  }
  return out;
}

const isPaySG = (e) => e instanceof paysg.PaySGError && typeof e.code === "string" && typeof e.name === "string" && e.name.startsWith("PaySG");

/** Settles `p` or says it hung. */
function within(p, ms) {
  let timer;
  return Promise.race([p, new Promise((_, reject) => (timer = setTimeout(() => reject(HANG), ms)))]).finally(() => clearTimeout(timer));
}
const HANG = Symbol("hang");

/** Runs one probe: undefined when its outcome is a value or a PaySG* error, else what went wrong. */
async function outcome(probe) {
  let r;
  try {
    r = probe.run();
    if (r !== null && typeof r === "object" && typeof r[Symbol.asyncIterator] === "function") {
      const it = r[Symbol.asyncIterator]();
      try {
        await within(it.next(), PROBE_MS);
      } finally {
        await within(Promise.resolve(it.return?.()), PROBE_MS).catch(() => {});
      }
    } else if (r instanceof Promise) {
      await within(r, PROBE_MS);
    }
    return undefined;
  } catch (e) {
    if (e === HANG) return "hangs";
    if (isPaySG(e)) return undefined;
    return `throws ${describe(e)}`;
  }
}
function describe(e) {
  try {
    return e instanceof Error ? `${e.name}: ${String(e.message).slice(0, 120)}` : `a non-error ${typeof e} (${String(e).slice(0, 60)})`;
  } catch {
    return "an unprintable value";
  }
}

const all = probes();
const failures = [];
// A few at a time: each may wait for an attempt to time out.
for (let i = 0; i < all.length; i += 32) {
  const batch = all.slice(i, i + 32);
  const got = await Promise.all(batch.map(outcome));
  got.forEach((o, j) => o !== undefined && failures.push(`${batch[j].label}: ${o}`));
}

/** IncomingMessage-like signals to each function that takes one: what each call ended with. */
const signal = [];
for (const s of [() => ({ aborted: false }), () => ({ aborted: true }), () => ({ aborted: true, reason: "stop" }), () => ({ aborted: "no", addEventListener() {}, removeEventListener() {} })]) {
  const c = new paysg.PaySG(clientOptions(never));
  const calls = {
    getPayment: () => c.getPayment("pay_1", { signal: s() }),
    verifyCredentials: () => c.verifyCredentials({ signal: s() }),
    reconcile: () => c.reconcile(stored(), { signal: s() })[Symbol.asyncIterator]().next(),
    listAllPayments: () => c.listAllPayments({}, { signal: s() })[Symbol.asyncIterator]().next(),
  };
  for (const [name, call] of Object.entries(calls)) {
    try {
      await call();
      signal.push({ name, given: JSON.stringify(s()), resolved: true });
    } catch (e) {
      signal.push({ name, given: JSON.stringify(s()), error: describe(e), class: e?.constructor?.name, field: e?.errors?.[0]?.field, code: e?.errors?.[0]?.code });
    }
  }
}
// Long enough for every attempt's timer and every deadline to have fired.
await new Promise((r) => setTimeout(r, 500));
console.log(JSON.stringify({ probes: all.length, failures, escaped: escaped.map(([kind, e]) => `${kind}: ${describe(e)}`), signal }));
process.exit(0);
