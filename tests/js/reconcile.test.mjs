// `reconcile` against paysg-sim (in-process, no webhook configured), through the packed package:
// of 30 payments the payer pays 8, an officer cancels 3 and refunds 2 of the paid; one run yields
// exactly the 11 changed payments, a second run over the updated records none; the same with
// 429s on 30 % of requests (Retry-After honoured). Then its limits: concurrency, failures that
// do not stop the rest, records that cannot be reconciled, own properties, abort, early exit.
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, test } from "node:test";
import { testProject } from "./helpers.mjs";

const KEY = "paysg_stag_reconcile";
const SERVICE = "payment_service_reconcile";
let paysg, simPkg;

before(async () => {
  const project = testProject();
  paysg = await import(join(project, "node_modules", "paysg", "dist", "node.mjs"));
  simPkg = await import(join(project, "node_modules", "paysg-sim", "dist", "node.mjs"));
});

/**
 * A fetch over `sim` that logs each request `{ url, start, end, status }` and counts those in
 * flight; `delayMs(n)` holds the n-th request (from 0) that long first.
 */
function logged(sim, { noFault = false, delayMs = () => 0 } = {}) {
  const log = [];
  const stats = { inFlight: 0, maxInFlight: 0 };
  const fetch = async (url, init) => {
    const entry = { url, start: Date.now(), status: null };
    const delay = delayMs(log.length);
    log.push(entry);
    stats.maxInFlight = Math.max(stats.maxInFlight, ++stats.inFlight);
    try {
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      const headers = noFault ? { ...init.headers, "x-paysg-sim-fault": "none" } : init.headers;
      const res = await sim.fetch(url, { ...init, headers });
      entry.status = res.status;
      entry.retryAfter = res.headers.get("retry-after");
      return res;
    } finally {
      entry.end = Date.now();
      stats.inFlight--;
    }
  };
  return { fetch, log, stats };
}

const client = (sim, fetch, options = {}) => new paysg.PaySG({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: sim.baseUrl, fetch, ...options });

/** Creates `n` payments (never faulted) and returns the records an e-service stores for them. */
async function createStored(sim, n) {
  const setup = client(sim, logged(sim, { noFault: true }).fetch);
  const stored = [];
  for (let i = 0; i < n; i++) {
    const p = await setup.createPayment({ reference_id: `ORDER-${i}`, payer_name: "Tan Ah Kow", description: "Season parking", amount_in_cents: 1000 + i });
    stored.push({ id: p.id, payment_status: p.payment_status, latest_status: p.latest_status, refund_status: p.refund_status, reference_id: p.reference_id });
  }
  return stored;
}

/** Everything `reconcile` yields, in order. */
async function collect(iterable) {
  const items = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** The scenario on a simulator with `simOptions`; returns what each run saw. */
async function scenario(simOptions, clientOptions, delayMs) {
  const sim = await simPkg.createSimulator({ quiet: true, ...simOptions });
  try {
    const stored = await createStored(sim, 30);
    const paid = stored.slice(0, 8), cancelled = stored.slice(10, 13), refunded = paid.slice(2, 4);
    for (const s of paid) await sim.pay(s.id);
    for (const s of cancelled) await sim.cancel(s.id);
    for (const s of refunded) await sim.refund(s.id, 1000 + stored.indexOf(s));
    const net = logged(sim, { delayMs });
    const first = await collect(client(sim, net.fetch, clientOptions).reconcile(stored));
    // The e-service stores what changed.
    const byId = new Map(stored.map((s) => [s.id, s]));
    for (const item of first) for (const c of item.changed ?? []) byId.get(item.id)[c.field] = c.after;
    const second = await collect(client(sim, net.fetch, clientOptions).reconcile(stored));
    return { stored, paid, cancelled, refunded, first, second, net };
  } finally {
    await sim.close();
  }
}

function assertScenario({ paid, cancelled, refunded, first, second }) {
  assert.deepEqual(first.filter((i) => i.error), [], "no read failed");
  const ids = first.map((i) => i.id).sort();
  assert.equal(first.length, 11);
  assert.deepEqual(ids, [...paid, ...cancelled].map((s) => s.id).sort());
  for (const item of first) {
    assert.equal(item.payment.id, item.id);
    const expected = refunded.some((s) => s.id === item.id)
      ? [["payment_status", "unpaid", "paid"], ["latest_status", "unpaid", "paid"], ["refund_status", "not_refunded", "fully_refunded"]]
      : paid.some((s) => s.id === item.id)
        ? [["payment_status", "unpaid", "paid"], ["latest_status", "unpaid", "paid"]]
        : [["latest_status", "unpaid", "cancelled"]];
    assert.deepEqual(item.changed.map((c) => [c.field, c.before, c.after]), expected, item.id);
    // Each `after` is what PaySG's payment says.
    for (const c of item.changed) assert.equal(item.payment[c.field], c.after);
  }
  assert.deepEqual(second, [], "a second run over the updated records yields nothing");
}

test("30 payments: one run yields exactly the 11 changed, a second run none (no webhook configured)", async () => {
  const run = await scenario({}, {}, () => 5); // each answer takes 5 ms, so that reads overlap
  assertScenario(run);
  const gets = run.net.log.filter((e) => e.status !== null);
  assert.equal(gets.length, 60, "one GET per payment per run, no retries");
  assert.ok(run.net.stats.maxInFlight <= 4, `at most 4 reads at once by default, saw ${run.net.stats.maxInFlight}`);
  assert.equal(run.net.stats.maxInFlight, 4, "and 4 are used");
});

test("the same under --fault 429 --fault-rate 0.3, with Retry-After honoured", async () => {
  // maxRetries 10: a read fails only after 11 429s in a row (0.3^11, once in 560,000 reads).
  const run = await scenario({ fault: "429", faultRate: 0.3 }, { maxRetries: 10 });
  assertScenario(run);
  const limited = run.net.log.filter((e) => e.status === 429);
  assert.ok(limited.length >= 5, `about 30 % of ≈ 86 requests were refused, saw ${limited.length}`);
  for (const r of limited) {
    assert.equal(r.retryAfter, "1");
    const retry = run.net.log.find((e) => e !== r && e.url === r.url && e.start >= r.end);
    assert.ok(retry, "each refused read was sent again");
    assert.ok(retry.start - r.end >= 990, `the retry waited Retry-After (1 s), not ${retry.start - r.end} ms`);
  }
});

test("a payment that cannot be read is an { id, error } item, and the rest go on", async () => {
  const sim = await simPkg.createSimulator({ quiet: true });
  try {
    const stored = await createStored(sim, 3);
    await sim.pay(stored[2].id);
    const ghost = { id: "NoSuchPaymentXXXXXXXX", payment_status: "unpaid", latest_status: "unpaid" };
    const items = await collect(client(sim, sim.fetch).reconcile([stored[0], ghost, stored[1], stored[2]]));
    assert.equal(items.length, 2);
    const failed = items.find((i) => i.error);
    assert.equal(failed.id, ghost.id);
    assert.ok(failed.error instanceof paysg.PaySGApiError);
    assert.equal(failed.error.status, 404);
    assert.equal(failed.payment, undefined);
    assert.equal(items.find((i) => !i.error).id, stored[2].id);
  } finally {
    await sim.close();
  }
});

test("a stored record that cannot be reconciled is an error item naming the field; nothing is sent for it", async () => {
  const sim = await simPkg.createSimulator({ quiet: true });
  try {
    const [s] = await createStored(sim, 1);
    const net = logged(sim);
    const proto = { payment_status: "unpaid", latest_status: "unpaid" };
    const records = [
      { id: s.id, paymentStatus: "unpaid", latestStatus: "unpaid" }, // camelCase columns
      Object.assign(Object.create(proto), { id: s.id }), // statuses inherited, not own
      { payment_status: "unpaid", latest_status: "unpaid" }, // no id
      "not a record",
      { id: s.id, payment_status: "unpaid", latest_status: "unpaid", refund_status: 3 },
      { id: s.id, payment_status: "unpaid", latest_status: "unpaid", get payout_id() { throw new Error("boom"); } },
    ];
    const items = await collect(client(sim, net.fetch).reconcile(records));
    assert.equal(net.log.length, 0, "no request for a record that cannot be reconciled");
    assert.equal(items.length, records.length);
    const byField = Object.fromEntries(items.map((i) => [i.error.errors.map((e) => `${e.field} ${e.code}`).join(", "), i.id]));
    assert.deepEqual(byField, {
      "known[0].payment_status required, known[0].latest_status required": s.id,
      "known[1].payment_status required, known[1].latest_status required": s.id,
      "known[2].id required": null,
      "known[3] invalid_type": null,
      "known[4].refund_status invalid_type": s.id,
      "known[5].payout_id invalid_type": s.id,
    });
    for (const i of items) assert.ok(i.error instanceof paysg.PaySGValidationError);
    assert.match(items.find((i) => i.error.errors[0].field === "known[4].refund_status").error.message, /must be a string or null, got number/);
  } finally {
    await sim.close();
  }
});

test("only own fields are compared, timestamps as instants (a Date, …Z), and nothing untracked", async () => {
  const sim = await simPkg.createSimulator({ quiet: true });
  try {
    const [s] = await createStored(sim, 1);
    await sim.pay(s.id);
    await sim.payout(s.id);
    const p = await client(sim, sim.fetch).getPayment(s.id);
    const inherited = Object.create({ payout_id: null }); // a payout field on the prototype: not tracked
    const record = Object.assign(inherited, { id: s.id, payment_status: "paid", latest_status: "paid",
      payment_succeeded_timestamp: new Date(p.payment_succeeded_timestamp), updated_at: new Date(p.updated_at).toISOString() });
    assert.deepEqual(await collect(client(sim, sim.fetch).reconcile([record])), []);
    const tracking = { ...record, payout_id: null, paid_out_timestamp: null };
    const [item] = await collect(client(sim, sim.fetch).reconcile([tracking]));
    assert.deepEqual(item.changed, [
      { field: "payout_id", before: null, after: p.payout_id },
      { field: "paid_out_timestamp", before: null, after: p.paid_out_timestamp },
    ]);
  } finally {
    await sim.close();
  }
});

test("options and `known` are checked at once, naming the option, the limit and what was given", async () => {
  const c = new paysg.PaySG({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: "http://127.0.0.1:9", fetch: () => assert.fail("nothing is sent") });
  for (const [concurrency, got] of [[0, "0"], [17, "17"], [2.5, "a fraction"], ["4", "string"], [NaN, "NaN"]]) {
    assert.throws(() => c.reconcile([], { concurrency }), (e) => {
      assert.ok(e instanceof paysg.PaySGValidationError);
      assert.equal(e.errors[0].field, "concurrency");
      assert.equal(e.errors[0].message, `concurrency must be a whole number from 1 to 16, got ${got}`);
      return true;
    });
  }
  assert.throws(() => c.reconcile([], "fast"), (e) => e.errors[0].message === "the reconcile options { concurrency, signal } must be an object, got string");
  assert.throws(() => c.reconcile([], { signal: {} }), (e) => e.errors[0].field === "signal");
  for (const [known, got] of [[undefined, "undefined"], [null, "null"], [42, "number"], ["abc", "string"], [{}, "a non-iterable object"]]) {
    assert.throws(() => c.reconcile(known), (e) => e instanceof paysg.PaySGValidationError && e.errors[0].field === "known" && e.message.endsWith(`got ${got}`));
  }
  // Inherited options are not read.
  assert.doesNotThrow(() => c.reconcile([], Object.create({ concurrency: 0 })));
  for (const concurrency of [1, 16]) assert.deepEqual(await collect(c.reconcile([], { concurrency })), []);
});

test("at most `concurrency` reads at once, from an async iterable, results as they complete", async () => {
  const sim = await simPkg.createSimulator({ quiet: true });
  try {
    const stored = await createStored(sim, 9);
    for (const s of stored) await sim.pay(s.id);
    const net = logged(sim, { delayMs: () => 30 });
    let pulled = 0;
    async function* fromDatabase() {
      for (const s of stored) {
        pulled++;
        yield s;
      }
    }
    const items = await collect(client(sim, net.fetch).reconcile(fromDatabase(), { concurrency: 3 }));
    assert.equal(items.length, 9);
    assert.equal(pulled, 9);
    assert.equal(net.stats.maxInFlight, 3);
    // A source that fails ends the run with its error.
    async function* broken() {
      yield stored[0];
      throw new Error("the database went away");
    }
    await assert.rejects(collect(client(sim, net.fetch).reconcile(broken())), /the database went away/);
  } finally {
    await sim.close();
  }
});

test("abort ends the run at once with the signal's reason; leaving early cancels the reads in flight", async () => {
  const aborted = [];
  // A PaySG that never answers, until the request is aborted.
  const hanging = (url, init) => new Promise((_, reject) => init.signal.addEventListener("abort", () => {
    aborted.push(url);
    reject(init.signal.reason);
  }));
  const c = new paysg.PaySG({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: "http://127.0.0.1:9", fetch: hanging });
  const records = Array.from({ length: 10 }, (_, i) => ({ id: `Payment${String(i).padStart(14, "0")}`, payment_status: "unpaid", latest_status: "unpaid" }));
  const controller = new AbortController();
  const reason = new Error("shutting down");
  const run = collect(c.reconcile(records, { signal: controller.signal, concurrency: 2 }));
  setTimeout(() => controller.abort(reason), 50);
  const t0 = Date.now();
  await assert.rejects(run, (e) => e === reason);
  assert.ok(Date.now() - t0 < 500, "promptly");
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(aborted.length, 2, "the two reads in flight were aborted");
  // Already aborted: nothing is sent.
  await assert.rejects(collect(c.reconcile(records, { signal: AbortSignal.abort(reason) })), (e) => e === reason);
  assert.equal(aborted.length, 2);
  // Leaving the loop early: the reads in flight are aborted and the source is closed.
  const sim = await simPkg.createSimulator({ quiet: true });
  try {
    const stored = await createStored(sim, 6);
    for (const s of stored) await sim.pay(s.id);
    const signals = [];
    const net = logged(sim, { delayMs: (n) => (n === 0 ? 10 : 300) }); // the second is still in flight
    const watching = (url, init) => {
      signals.push(init.signal);
      return net.fetch(url, init);
    };
    let closed = false;
    function* source() {
      try {
        yield* stored;
      } finally {
        closed = true;
      }
    }
    for await (const item of client(sim, watching).reconcile(source(), { concurrency: 2 })) {
      assert.ok(item.changed);
      break;
    }
    assert.ok(closed, "the source was closed");
    assert.ok(signals.some((s) => s.aborted), "the other read in flight was aborted");
  } finally {
    await sim.close();
  }
});
