// listAllPayments' bounds and the secrets fixes of issue 22 item 5, from the packed package in
// Node: parameters checked up front, pages bounded as well as items (an in-process fetch that
// never ends its list must not hang the process), every payment once through paysg-sim; a
// baseUrl with a user, a query or a fragment, a live key over http://, and the API key in a
// connection error's cause.
import assert from "node:assert/strict";
import { join } from "node:path";
import { inspect } from "node:util";
import { after, before, describe, test } from "node:test";
import { fullPayment, startSim, testProject } from "./helpers.mjs";

const KEY = "paysg_stag_list_all_tests_secret_key_42";
const SERVICE = "payment_service_0b5a2c1e-7d2f-4a55-9c0a-list-all-tests";
let paysg, sim;

before(async () => {
  paysg = await import(join(testProject(), "node_modules", "paysg", "dist", "node.mjs"));
  sim = await startSim();
});
after(() => sim?.stop());

/**
 * An in-process fetch serving pages: `page(n)` is the n-th page's body (n from 0). It stops
 * answering pages after `guard` requests (an empty last page), so that a loop that never ends
 * on its own ends here, and the test fails rather than hangs.
 */
function pages(page, guard = 200) {
  const f = async () => {
    const n = f.count++;
    const body = n < guard ? page(n) : { data: [], page_info: { has_previous_page: false, has_next_page: false, start_cursor: null, end_cursor: null } };
    return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
  };
  f.count = 0;
  return f;
}
// Complete payments (the client decodes every 2xx into PaySG's types: a partial one is invalid).
const payment = (id) => fullPayment({ id, reference_id: id });
const client = (fetch, extra = {}) => new paysg.PaySG({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: "http://paysg.test", fetch, maxRetries: 0, ...extra });
async function drain(iterable) {
  const got = [];
  for await (const p of iterable) got.push(p);
  return got;
}

describe("listAllPayments", () => {
  test("empty pages with fresh cursors stop with a PaySGError, and the event loop runs meanwhile", async () => {
    const f = pages((n) => ({ data: [], page_info: { has_previous_page: false, has_next_page: true, start_cursor: null, end_cursor: `c${n}` } }));
    let ticked = false;
    setTimeout(() => (ticked = true), 0);
    await assert.rejects(drain(client(f).listAllPayments({ maxItems: 10 })), (e) => e instanceof paysg.PaySGError && e.code === "invalid_response" && /empty pages in a row/.test(e.message));
    assert.ok(f.count <= 5, `stopped after ${f.count} requests`);
    assert.ok(ticked, "a timer ran while the pages were read");
  });

  test("pages with a payment each and fresh cursors stop at maxPages, and not before", async () => {
    const one = (n) => ({ data: [payment(`p${n}`)], page_info: { has_previous_page: false, has_next_page: true, start_cursor: null, end_cursor: `c${n}` } });
    const f = pages(one);
    const got = [];
    await assert.rejects(async () => {
      for await (const p of client(f).listAllPayments({ maxPages: 7 })) got.push(p.id);
    }, (e) => e instanceof paysg.PaySGError && e.code === "list_cap_reached" && /maxPages = 7/.test(e.message));
    assert.equal(f.count, 7);
    assert.deepEqual(got, ["p0", "p1", "p2", "p3", "p4", "p5", "p6"]);
    // The default bound: 2 × ceil(maxItems / limit) + 10 pages.
    const g = pages(one);
    await assert.rejects(drain(client(g).listAllPayments({ limit: 5, maxItems: 10 })), (e) => e.code === "list_cap_reached");
    assert.equal(g.count, 11, "maxItems reached first: 10 pages of 1, and one more to see whether it had more");
    const h = pages(one);
    await assert.rejects(drain(client(h).listAllPayments({ limit: 100, maxItems: 1000 })), (e) => e.code === "list_cap_reached" && /maxPages = 30 /.test(e.message));
    assert.equal(h.count, 30);
    // A list that ends on the last page allowed is read whole.
    const last = pages((n) => ({ data: [payment(`p${n}`)], page_info: { has_previous_page: false, has_next_page: n < 6, start_cursor: null, end_cursor: `c${n}` } }));
    assert.equal((await drain(client(last).listAllPayments({ maxPages: 7 }))).length, 7);
  });

  test("a repeated cursor stops with invalid_response", async () => {
    const f = pages((n) => ({ data: [payment(`p${n}`)], page_info: { has_previous_page: false, has_next_page: true, start_cursor: null, end_cursor: n < 2 ? `c${n}` : "c0" } }));
    const got = [];
    await assert.rejects(async () => {
      for await (const p of client(f).listAllPayments()) got.push(p.id);
    }, (e) => e instanceof paysg.PaySGError && e.code === "invalid_response" && /cursor it had returned before/.test(e.message));
    assert.deepEqual(got, ["p0", "p1", "p2"]);
    assert.equal(f.count, 3);
  });

  test("its parameters are checked before any request, each naming its rule", () => {
    const f = pages(() => ({ data: [], page_info: { has_previous_page: false, has_next_page: false } }));
    const c = client(f);
    for (const bad of [1.5, -1, 0, "5", NaN, Infinity, 10_000_001, true]) {
      for (const name of ["maxItems", "maxPages"]) {
        assert.throws(() => c.listAllPayments({ [name]: bad }), (e) => e instanceof paysg.PaySGValidationError && e.errors.length === 1 && e.errors[0].field === name && new RegExp(`${name} must be a whole number from 1 to 10000000, got`).test(e.errors[0].message), `${name}: ${String(bad)}`);
      }
    }
    assert.throws(() => c.listAllPayments({ limit: 101 }), (e) => e.errors[0].field === "limit" && /from 1 to 100, got 101/.test(e.errors[0].message));
    assert.throws(() => c.listAllPayments({ after: 5 }), (e) => e.errors[0].field === "after");
    assert.throws(() => c.listAllPayments({ before: "c" }), (e) => e.errors[0].field === "before");
    assert.throws(() => c.listAllPayments(7), (e) => e instanceof paysg.PaySGValidationError && /must be an object, got number/.test(e.message));
    for (const ok of [1, 10_000_000]) c.listAllPayments({ maxItems: ok, maxPages: ok });
    assert.equal(f.count, 0, "nothing was sent");
  });

  test("pages through paysg-sim return every payment once", async () => {
    const s = await startSim();
    try {
      const c = new paysg.PaySG({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: s.url });
      const made = [];
      for (let i = 0; i < 23; i++) made.push((await c.createPayment({ reference_id: `LA${i}`, payer_name: "Tan Ah Kow", description: "Season parking", amount_in_cents: 1100 })).id);
      const seen = (await drain(c.listAllPayments({ limit: 5 }))).map((p) => p.id);
      assert.equal(seen.length, 23);
      assert.deepEqual(new Set(seen), new Set(made));
      // Exactly maxItems payments: no error; one fewer: list_cap_reached after maxItems yielded.
      assert.equal((await drain(c.listAllPayments({ limit: 5, maxItems: 23 }))).length, 23);
      const capped = [];
      await assert.rejects(async () => {
        for await (const p of c.listAllPayments({ limit: 5, maxItems: 22 })) capped.push(p);
      }, (e) => e.code === "list_cap_reached" && /maxItems = 22/.test(e.message));
      assert.equal(capped.length, 22);
    } finally {
      await s.stop();
    }
  });
});

describe("secrets", () => {
  const PASSWORD = "hunter2-very-secret";
  test("a baseUrl with a user or password, a query or a fragment is refused without echoing it", () => {
    for (const [baseUrl, rule] of [
      [`https://user:${PASSWORD}@proxy.example`, /user name or password/],
      [`http://${PASSWORD}@127.0.0.1:8790`, /user name or password/],
      [`https://proxy.example/paysg?token=${PASSWORD}`, /query .* or a fragment/],
      [`https://proxy.example/paysg#${PASSWORD}`, /query .* or a fragment/],
    ]) {
      assert.throws(() => new paysg.PaySG({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl }), (e) => {
        assert.ok(e instanceof paysg.PaySGValidationError, baseUrl);
        assert.equal(e.errors[0].field, "baseUrl");
        assert.match(e.errors[0].message, rule);
        assert.ok(!inspect(e, { depth: 5, showHidden: true }).includes(PASSWORD) && !JSON.stringify(e).includes(PASSWORD), "the password is not shown");
        return true;
      });
    }
    assert.equal(new paysg.PaySG({ apiKey: KEY, baseUrl: "https://proxy.example/a@b/" }).baseUrl, "https://proxy.example/a@b");
  });

  test("a live key is refused over http://; a staging key is not", () => {
    const live = "paysg_live_list_all_tests_secret_key_42";
    for (const baseUrl of ["http://127.0.0.1:8790", "HTTP://proxy.example"]) {
      assert.throws(() => new paysg.PaySG({ apiKey: live, baseUrl }), (e) => e instanceof paysg.PaySGValidationError && e.errors[0].field === "baseUrl" && /https:\/\/ for a live key/.test(e.errors[0].message) && !e.message.includes(live));
    }
    assert.equal(new paysg.PaySG({ apiKey: live, baseUrl: "https://proxy.example" }).baseUrl, "https://proxy.example");
    assert.equal(new paysg.PaySG({ apiKey: KEY, baseUrl: "http://127.0.0.1:8790" }).baseUrl, "http://127.0.0.1:8790");
  });

  test("a connection error's cause, and its causes, never carry the API key", async () => {
    const fetch = (url, init) => {
      const deeper = Object.assign(new Error(`socket for ${init.headers["x-api-key"]}`), { code: "ECONNRESET" });
      const inner = new RangeError(`inner ${init.headers["x-api-key"]}`, { cause: deeper });
      throw Object.assign(new TypeError(`wrapper failed: x-api-key=${init.headers["x-api-key"]}`, { cause: inner }), { code: "E_WRAP", request: { url, headers: init.headers } });
    };
    await assert.rejects(client(fetch).getPayment("payment_x"), (e) => {
      assert.ok(e instanceof paysg.PaySGConnectionError);
      assert.ok(e.cause instanceof Error);
      assert.equal(e.cause.name, "TypeError");
      assert.equal(e.cause.code, "E_WRAP");
      assert.equal(e.cause.message, "wrapper failed: x-api-key=<api key>");
      assert.equal(e.cause.cause.name, "RangeError");
      assert.equal(e.cause.cause.message, "inner <api key>");
      assert.equal(e.cause.cause.cause.code, "ECONNRESET");
      assert.equal(e.cause.cause.cause.message, "socket for <api key>");
      for (const text of [e.message, e.stack, e.cause.stack, JSON.stringify(e), inspect(e, { depth: 10, showHidden: true })]) {
        assert.ok(!String(text).includes(KEY), `the API key leaked: ${text}`);
      }
      return true;
    });
    // A cause that is not an Error, or whose getters throw, still becomes a safe Error.
    await assert.rejects(client(() => { throw `refused ${KEY}`; }).getPayment("payment_x"), (e) => e instanceof paysg.PaySGConnectionError && e.cause.message === "refused <api key>");
    const hostile = new Proxy({}, { get() { throw new Error(KEY); } });
    await assert.rejects(client(() => { throw hostile; }).getPayment("payment_x"), (e) => e instanceof paysg.PaySGConnectionError && e.cause instanceof Error && !inspect(e, { depth: 10 }).includes(KEY));
  });
});
