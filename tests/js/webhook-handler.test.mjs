// createWebhookHandler from the packed package, fed by paysg-sim in-process (its npm package,
// onWebhook, a short webhookBackoffMs): each event is acted on exactly once whatever happens —
// onEvent throwing, concurrent deliveries, duplicates, tampering, late retries, a store failing —
// and a body streamed past the limit is refused while it is read, never buffered whole.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { root, testProject } from "./helpers.mjs";

const SECRET = "whsec_handler_tests";
const KEY = "paysg_stag_handler_tests";
const SERVICE = "payment_service_handler_tests";
let paysg, simPkg;
before(async () => {
  const project = testProject();
  paysg = await import(join(project, "node_modules", "paysg", "dist", "node.mjs"));
  simPkg = await import(join(project, "node_modules", "paysg-sim", "dist", "node.mjs"));
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Resolves when `f()` is truthy (polled), or fails after ~5 s. */
async function until(f, what) {
  for (let i = 0; i < 250; i++) {
    const v = await f();
    if (v) return v;
    await sleep(20);
  }
  assert.fail(`timed out waiting for ${what}`);
}
/** A store that counts its calls (around a real one). */
function counted(store) {
  const calls = [];
  return {
    calls,
    claim: async (id, lease) => (calls.push(["claim", id]), store.claim(id, lease)),
    complete: async (id) => (calls.push(["complete", id]), store.complete(id)),
    release: async (id) => (calls.push(["release", id]), store.release(id)),
  };
}
const delivery = (body, header, init = {}) =>
  new Request("https://eservice.example.gov.sg/webhooks/paysg", { method: "POST", body, headers: { "content-type": "application/json", "paysg-signature": header }, ...init });
const outcome = async (res) => [res.status, (await res.json()).outcome];

/** A simulator whose deliveries go to `handler` (set later); its bodies are kept. */
async function simWith(handlerRef, bodies = []) {
  const sim = await simPkg.createSimulator({
    webhookSecret: SECRET, webhookBackoffMs: 20, webhookMaxAttempts: 4, apiKey: KEY,
    onWebhook: async (request) => (bodies.push(await request.clone().text()), handlerRef.handler(request)),
  });
  const client = new paysg.PaySG({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: sim.baseUrl, fetch: sim.fetch });
  return { sim, client, bodies };
}

describe("exactly once, with paysg-sim's deliveries", () => {
  test("onEvent throws once: PaySG's retry is processed exactly once and nothing is lost", async () => {
    const ref = {};
    const { sim, client } = await simWith(ref);
    const store = counted(paysg.memoryStore());
    const effects = [];
    let calls = 0;
    ref.handler = paysg.createWebhookHandler({
      secret: SECRET, store,
      onEvent: async (event) => {
        calls++;
        if (calls === 1) throw new Error("the database is down");
        effects.push(event.data.object.reference_id);
      },
    });
    try {
      const p = await client.createPayment({ reference_id: "ONCE-1", payer_name: "A", description: "D", amount_in_cents: 500 });
      await sim.pay(p.id);
      const attempts = await until(async () => {
        const a = (await sim.webhooks()).attempts;
        return a.some((x) => x.delivered) && a;
      }, "a delivered attempt");
      assert.deepEqual(attempts.map((a) => a.status), [500, 200], "the failed attempt is retried, and the retry delivered");
      assert.equal(calls, 2);
      assert.deepEqual(effects, ["ONCE-1"]);
      const id = attempts[0].event_id;
      assert.deepEqual(store.calls, [["claim", id], ["release", id], ["claim", id], ["complete", id]]);
      await sleep(100); // no further attempt comes
      assert.equal((await sim.webhooks()).attempts.length, 2);
    } finally {
      await sim.close();
    }
  });

  test("two concurrent deliveries of one event: onEvent runs once, the other waits its turn (409), a later one is a duplicate (200)", async () => {
    const ref = { handler: () => new Response(null, { status: 204 }) };
    const { sim, client, bodies } = await simWith(ref);
    try {
      const p = await client.createPayment({ reference_id: "TWO-1", payer_name: "A", description: "D", amount_in_cents: 500 });
      await sim.pay(p.id);
      await until(() => bodies.length, "the delivery");
      const body = bodies[0];
      let release;
      const gate = new Promise((r) => (release = r));
      let calls = 0;
      const handler = paysg.createWebhookHandler({ secret: SECRET, store: paysg.memoryStore(), onEvent: async () => (calls++, await gate) });
      const first = handler(delivery(body, paysg.signWebhook(body, SECRET)));
      const second = await handler(delivery(body, paysg.signWebhook(body, SECRET)));
      assert.deepEqual(await outcome(second), [409, "in_progress"]);
      assert.equal(second.headers.get("retry-after"), "60");
      release();
      assert.deepEqual(await outcome(await first), [200, "processed"]);
      assert.deepEqual(await outcome(await handler(delivery(body, paysg.signWebhook(body, SECRET)))), [200, "duplicate"]);
      assert.equal(calls, 1);
      // 20 at once, on a fresh store: one is processed, the rest are told to come back.
      calls = 0;
      const h2 = paysg.createWebhookHandler({ secret: SECRET, store: paysg.memoryStore(), onEvent: async () => (calls++, await sleep(20)) });
      const all = await Promise.all(Array.from({ length: 20 }, () => h2(delivery(body, paysg.signWebhook(body, SECRET))).then(outcome)));
      assert.equal(all.filter(([s]) => s === 200).length, 1);
      assert.equal(all.filter(([s, o]) => s === 409 && o === "in_progress").length, 19);
      assert.equal(calls, 1);
    } finally {
      await sim.close();
    }
  });

  test("a tampered body, a forged or missing signature: 400 with the reason, nothing claimed, onEvent not called", async () => {
    const store = counted(paysg.memoryStore());
    let calls = 0;
    const handler = paysg.createWebhookHandler({ secret: SECRET, store, onEvent: () => void calls++ });
    const body = JSON.stringify({ id: "evt_t", type: "payment.succeeded", object: "event", payment_service_id: SERVICE, data: { object: { id: "p", payment_status: "paid", amount_in_cents: 100 } } });
    const header = paysg.signWebhook(body, SECRET);
    assert.deepEqual(await outcome(await handler(delivery(body.replace("100", "1"), header))), [400, "no_matching_signature"]);
    assert.deepEqual(await outcome(await handler(delivery(body, paysg.signWebhook(body, "another secret")))), [400, "no_matching_signature"]);
    assert.deepEqual(await outcome(await handler(new Request("https://x.sg/", { method: "POST", body }))), [400, "missing_header"]);
    assert.deepEqual(await outcome(await handler(new Request("https://x.sg/", { method: "GET" }))), [405, "method_not_allowed"]);
    assert.deepEqual(store.calls, []);
    assert.equal(calls, 0);
    assert.deepEqual(await outcome(await handler(delivery(body, header))), [200, "processed"], "the untampered body goes through");
    assert.equal(calls, 1);
  });
});

describe("late retries (signed longer ago than the tolerance)", () => {
  test("accepted only after getPayment confirms the payment; onEvent gets the payment as PaySG says it is now", async () => {
    const ref = { handler: () => new Response(null, { status: 204 }) };
    const { sim, client, bodies } = await simWith(ref);
    try {
      const p = await client.createPayment({ reference_id: "LATE-1", payer_name: "A", description: "D", amount_in_cents: 700 });
      await sim.pay(p.id);
      await until(() => bodies.length, "the delivery");
      const body = bodies[0];
      const hoursAgo = (h) => paysg.signWebhook(body, SECRET, { timestamp: Date.now() - h * 3_600_000 });
      let gets = 0;
      const counting = { getPayment: (...a) => (gets++, client.getPayment(...a)) };
      const seen = [];
      const make = (c, store = paysg.memoryStore()) => paysg.createWebhookHandler({ secret: SECRET, store, client: c, onEvent: (e, info) => void seen.push([e, info]) });
      // Without a client a late retry is refused as stale; a forged late one is refused as forged.
      assert.deepEqual(await outcome(await make(undefined)(delivery(body, hoursAgo(2)))), [400, "timestamp_too_old"]);
      assert.deepEqual(await outcome(await make(counting)(delivery(body.replace("700", "7"), hoursAgo(2)))), [400, "no_matching_signature"]);
      assert.deepEqual(await outcome(await make(counting)(delivery(body, hoursAgo(73)))), [400, "timestamp_too_old"], "past PaySG's 3 days of retries");
      assert.equal(gets, 0, "nothing unverified reaches PaySG");
      assert.equal(seen.length, 0);
      // Two hours late, signed: confirmed with PaySG, then processed once.
      await sim.refund(p.id, 200); // the payment changed since the event was sent
      const store = paysg.memoryStore();
      assert.deepEqual(await outcome(await make(counting, store)(delivery(body, hoursAgo(2)))), [200, "processed"]);
      assert.equal(gets, 1);
      assert.equal(seen.length, 1);
      const [event, info] = seen[0];
      assert.equal(info.late, true);
      assert.deepEqual(event.data.object, await client.getPayment(p.id), "the payment as PaySG returns it now");
      assert.notDeepEqual(event.data.object, JSON.parse(body).data.object);
      assert.equal(event.id, JSON.parse(body).id);
      assert.deepEqual(await outcome(await make(counting, store)(delivery(body, hoursAgo(2)))), [200, "duplicate"]);
      assert.equal(gets, 1, "a done event is not read again");
      // A fresh delivery is not late, and is not read from PaySG.
      seen.length = 0;
      assert.deepEqual(await outcome(await make(counting)(delivery(body, paysg.signWebhook(body, SECRET)))), [200, "processed"]);
      assert.equal(seen[0][1].late, false);
      assert.equal(gets, 1);
    } finally {
      await sim.close();
    }
  });

  test("not confirmed (unpaid, unreadable): non-2xx, the claim released, onEvent not called", async () => {
    const ref = { handler: () => new Response(null, { status: 204 }) };
    const { sim, client } = await simWith(ref);
    try {
      const p = await client.createPayment({ reference_id: "LATE-2", payer_name: "A", description: "D", amount_in_cents: 700 });
      // An event we sign for an unpaid payment: the MAC matches, PaySG says it is not paid.
      const body = JSON.stringify({ id: "evt_unpaid", type: "payment.succeeded", object: "event", payment_service_id: SERVICE, data: { object: { ...p, payment_status: "paid" } } });
      const late = paysg.signWebhook(body, SECRET, { timestamp: Date.now() - 3_600_000 });
      const store = counted(paysg.memoryStore());
      let calls = 0;
      const h = paysg.createWebhookHandler({ secret: SECRET, store, client, onEvent: () => void calls++ });
      const res = await h(delivery(body, late));
      assert.equal(res.status, 409);
      assert.deepEqual(await res.json(), { outcome: "not_confirmed", detail: 'the event says payment.succeeded, but PaySG says the payment is "unpaid", not "paid"' });
      assert.deepEqual(store.calls.map((c) => c[0]), ["claim", "release"]);
      // PaySG unreachable: 503, released, PaySG retries.
      const down = new paysg.PaySG({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: sim.baseUrl, maxRetries: 0, fetch: async () => { throw new TypeError("fetch failed"); } });
      const h2 = paysg.createWebhookHandler({ secret: SECRET, store, client: down, onEvent: () => void calls++ });
      assert.deepEqual(await outcome(await h2(delivery(body, late))), [503, "confirm_failed"]);
      assert.deepEqual(store.calls.map((c) => c[0]), ["claim", "release", "claim", "release"]);
      assert.equal(calls, 0);
      await sim.pay(p.id);
      assert.deepEqual(await outcome(await h(delivery(body, late))), [200, "processed"], "once paid, the same late delivery is confirmed");
      assert.equal(calls, 1);
    } finally {
      await sim.close();
    }
  });
});

// Every answer the handler gives is an entry of Rust's table (src/webhook/answers.rs, generated
// into pkg/gen/contract.js as WEBHOOK_ANSWERS): the packed handler is driven to each outcome and
// its status, `outcome`, `detail` and headers must be the entry's, with only the `{…}` parts
// filled; an entry the handler never reaches, or an answer with no entry, fails.
describe("the answers are Rust's table", () => {
  const contract = join(root, "pkg", "gen", "contract.js");
  const body = (event) => JSON.stringify({ type: "payment.succeeded", object: "event", payment_service_id: SERVICE, data: { object: { id: "pay_1", payment_status: "paid", amount_in_cents: 100 } }, ...event });
  const EVENT = body({ id: "evt_answers" });
  const store = (overrides = {}) => ({ ...paysg.memoryStore(), ...overrides });
  const handlerWith = (o = {}) => paysg.createWebhookHandler({ secret: SECRET, store: store(), onEvent() {}, ...o });
  const post = (text = EVENT, header = paysg.signWebhook(text, SECRET)) => delivery(text, header);
  const late = () => post(EVENT, paysg.signWebhook(EVENT, SECRET, { timestamp: Date.now() - 2 * 3_600_000 }));
  const refusedAs = (text, header) => {
    try {
      paysg.verifyWebhook(text, header, SECRET);
    } catch (e) {
      return { reason: e.reason, message: e.message };
    }
    assert.fail("it verified");
  };
  /** How to reach each outcome, and what its `{…}` parts must be (a string, or a pattern). */
  const reach = {
    not_a_request: async () => [await handlerWith()(null)],
    method_not_allowed: async () => [await handlerWith()(new Request("https://x.sg/", { method: "GET" }))],
    body_too_large: async () => [
      await handlerWith()({ method: "POST", headers: new Headers({ "content-length": "2000000" }), body: null, text: async () => "" }),
      { reason: "invalid_payload", message: /^the body is 2[\d,]+ bytes or more/ },
    ],
    unreadable_body: async () => [await handlerWith()(delivery(new ReadableStream({ pull(c) { c.error(new Error("reset")); } }), "t=1, v1=00", { duplex: "half" }))],
    signature_refused: async () => {
      const header = paysg.signWebhook(EVENT, "another secret");
      return [await handlerWith()(post(EVENT, header)), refusedAs(EVENT, header)];
    },
    verify_failed: async () => {
      const headers = { get: (n) => (n === "paysg-signature" ? assert.fail("trap") : null) };
      return [await handlerWith()({ method: "POST", headers, body: null, text: async () => EVENT })];
    },
    no_event_id: async () => [await handlerWith()(post(body({ id: "" })))],
    claim_failed: async () => [await handlerWith({ store: store({ claim: async () => { throw new Error("down"); } }) })(post())],
    duplicate: async () => {
      const h = handlerWith();
      await h(post());
      return [await h(post())];
    },
    in_progress: async () => [await handlerWith({ leaseMs: 1500, store: store({ claim: async () => "busy" }) })(post()), { lease_seconds: "2" }],
    store_contract: async () => [await handlerWith({ store: store({ claim: async () => "yes" }) })(post()), { resolved: '"yes"' }],
    confirm_failed: async () => {
      const client = { getPayment: async () => { throw new paysg.PaySGError("PaySG is down", { code: "timeout" }); } };
      return [await handlerWith({ client })(late()), { error_code: "timeout" }];
    },
    not_confirmed: async () => [await handlerWith({ client: { getPayment: async () => ({ id: "pay_2", payment_status: "paid" }) } })(late()), { refusal: /another payment/ }],
    on_event_failed: async () => [await handlerWith({ onEvent() { throw new Error("db down"); } })(post())],
    complete_failed: async () => [await handlerWith({ store: store({ complete: async () => { throw new Error("down"); } }) })(post())],
    processed: async () => [await handlerWith()(post())],
  };

  /** `template` as a pattern: each `{name}` captured as a group of that name. */
  const pattern = (template) => new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{([a-z_]+)\}/g, "(?<$1>.+)")}$`, "s");
  const check = (what, got, template, values) => {
    const m = pattern(template).exec(got);
    assert.ok(m, `${what}: ${JSON.stringify(got)} is not ${JSON.stringify(template)}`);
    for (const [name, v] of Object.entries(m.groups ?? {})) {
      const want = values[name];
      assert.ok(want !== undefined, `${what}: {${name}} has no expected value`);
      if (want instanceof RegExp) assert.match(v, want, `${what}: {${name}}`);
      else assert.equal(v, want, `${what}: {${name}}`);
    }
  };

  test("each outcome reached through the packed handler is its entry, and every entry is reached", async () => {
    const { WEBHOOK_ANSWERS, WEBHOOK_ANSWER_HEADERS } = await import(contract);
    assert.deepEqual(Object.keys(reach).sort(), Object.keys(WEBHOOK_ANSWERS).sort(), "one way to reach each entry of the table");
    for (const [name, a] of Object.entries(WEBHOOK_ANSWERS)) {
      const [res, values = {}] = await reach[name]();
      const json = await res.json();
      assert.equal(res.status, a.status, `${name}: status`);
      check(`${name}: outcome`, json.outcome, a.code, values);
      if (a.detail === undefined) assert.deepEqual(Object.keys(json), ["outcome"], `${name}: no detail`);
      else check(`${name}: detail`, json.detail, a.detail, values);
      for (const [k, v] of Object.entries({ ...WEBHOOK_ANSWER_HEADERS, ...a.headers })) check(`${name}: ${k}`, res.headers.get(k), v, values);
    }
  });

  test("the handler answers only by the table's names", async () => {
    // Literal names in JS, and one answer named by Rust before the body is read
    // (webhook::answers::refused_request, whose names a Rust test checks against the table).
    // That every entry is reached, and how, is the test above.
    const { WEBHOOK_ANSWERS } = await import(contract);
    const source = readFileSync(join(root, "pkg", "src", "webhook-handler.js"), "utf8");
    const used = [...source.matchAll(/\banswer\("([^"]*)"/g)].map((m) => m[1]);
    for (const name of used) assert.ok(Object.hasOwn(WEBHOOK_ANSWERS, name), `${name} is an entry`);
    assert.deepEqual([...source.matchAll(/\banswer\(([a-z]\w*)\)/g)].map((m) => m[1]), ["refused"], "Rust's name is the only other");
    assert.equal(source.split("new Response(").length, 2, "one place builds an answer: answer(name)");
  });
});
