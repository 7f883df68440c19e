// The PaySG client, from the packed package in Node, against paysg-sim over real HTTP: every
// endpoint, every error class, retries with one idempotency key under injected faults, deadlines,
// aborts, pagination, and a 500-create fault run that must end with exactly one payment each.
import assert from "node:assert/strict";
import { join } from "node:path";
import { inspect } from "node:util";
import { createServer as createNetServer } from "node:net";
import { after, before, describe, test } from "node:test";
import { bundleWorker, root, startMiniflare, startSim, testProject } from "./helpers.mjs";

const KEY = "paysg_stag_client_tests_secret_key_123";
const SERVICE = "payment_service_0b5a2c1e-7d2f-4a55-9c0a-client-tests";
let paysg, sim;

before(async () => {
  paysg = await import(join(testProject(), "node_modules", "paysg", "dist", "node.mjs"));
  sim = await startSim();
});
after(() => sim?.stop());

const payment = (ref, extra = {}) => ({ reference_id: ref, payer_name: "Tan Ah Kow", description: "Season parking", amount_in_cents: 1100, ...extra });
const client = (extra = {}) => new paysg.PaySG({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: sim.url, ...extra });

/** A fetch that adds headers to every request and records what was sent. */
function recordingFetch(headers = {}) {
  const sent = [];
  const f = async (url, init) => {
    const req = new Request(url, init);
    for (const [k, v] of Object.entries(headers)) req.headers.set(k, v);
    sent.push({ at: Date.now(), url: req.url, method: req.method, key: req.headers.get("idempotency-key"), client: req.headers.get("x-paysg-client") });
    return fetch(req);
  };
  f.sent = sent;
  return f;
}

/** No error may carry the API key anywhere. */
function assertNoKey(e) {
  for (const text of [e.message, e.stack, JSON.stringify(e), inspect(e, { depth: 5, showHidden: true }), String(e.cause?.message ?? "")]) {
    assert.ok(!String(text).includes(KEY), `the API key leaked: ${text}`);
  }
}

describe("constructing a client", () => {
  test("checks every option and never shows the key", () => {
    assert.throws(() => new paysg.PaySG(undefined), paysg.PaySGValidationError);
    assert.throws(() => new paysg.PaySG({ apiKey: `${KEY}\n`, paymentServiceId: SERVICE }), (err) => {
      assert.ok(err instanceof paysg.PaySGValidationError);
      assert.equal(err.errors[0].field, "apiKey");
      assertNoKey(err);
      return true;
    });
    for (const [opts, field] of [
      [{ paymentServiceId: SERVICE }, "apiKey"],
      [{ apiKey: "other_key", paymentServiceId: SERVICE }, "apiKey"],
      [{ apiKey: "paysg_stag_", paymentServiceId: SERVICE }, "apiKey"],
      [{ apiKey: "paysg_stag_ключ", paymentServiceId: SERVICE }, "apiKey"],
      [{ apiKey: KEY, timeoutMs: 3e9 }, "timeoutMs"],
      [{ apiKey: KEY, attemptTimeoutMs: 0 }, "attemptTimeoutMs"],
      [{ apiKey: KEY, baseUrl: "ftp://x" }, "baseUrl"],
      [{ apiKey: KEY, paymentServiceId: "svc_1" }, "paymentServiceId"],
      [{ apiKey: KEY, timeoutMs: 0 }, "timeoutMs"],
      [{ apiKey: KEY, maxRetries: 11 }, "maxRetries"],
      [{ apiKey: KEY, maxRetries: 1.5 }, "maxRetries"],
      [{ apiKey: KEY, fetch: "no" }, "fetch"],
    ]) {
      assert.throws(() => new paysg.PaySG(opts), (err) => err instanceof paysg.PaySGValidationError && err.errors.some((x) => x.field === field), JSON.stringify(opts));
    }
    const c = new paysg.PaySG({ apiKey: "paysg_live_x", paymentServiceId: SERVICE });
    assert.equal(c.baseUrl, "https://api.pay.gov.sg");
    assert.equal(new paysg.PaySG({ apiKey: KEY }).baseUrl, "https://api-staging.pay.gov.sg");
    const local = client();
    assert.deepEqual(JSON.parse(JSON.stringify(local)), { paymentServiceId: SERVICE, baseUrl: sim.url, timeoutMs: 30000, attemptTimeoutMs: 10000, maxRetries: 2 });
    assert.ok(!inspect(local, { showHidden: true, depth: 5 }).includes(KEY), "private, even to inspect");
    assert.ok(!Reflect.ownKeys(local).some((k) => String(local[k]).includes(KEY)), "no own property holds it");
    assert.ok(!JSON.stringify(local).includes(KEY));
  });

  test("refuses to run in a browser page unless told to", () => {
    globalThis.window = globalThis;
    globalThis.document = {};
    try {
      assert.throws(() => client(), (e) => e instanceof paysg.PaySGError && e.code === "browser_not_allowed" && !e.message.includes(KEY));
      assert.ok(client({ dangerouslyAllowBrowser: true }));
      // validation helpers stay usable
      assert.equal(paysg.validateCreatePayment(payment("B")).ok, true);
    } finally {
      delete globalThis.window;
      delete globalThis.document;
    }
  });
});

describe("every endpoint against paysg-sim", () => {
  test("create, get, list, send-email, pay, confirmReturn, refund, cancel", async () => {
    const f = recordingFetch();
    const c = client({ fetch: f });
    const created = await c.createPayment(payment("E1", { payer_email: "ahkow@example.sg", due_date: new Date("2024-02-29T00:00:00Z"), return_url: "https://agency.gov.sg/back?x=1", metadata: { branch: "B01" } }));
    assert.match(created.id, /^[A-Za-z0-9_-]{21}$/);
    assert.equal(created.due_date, "29-FEB-2024");
    assert.deepEqual(created.metadata, { branch: "B01" });
    assert.equal(created.payment_status, "unpaid");
    assert.match(f.sent[0].key, /^[0-9a-f-]{36}$/, "a generated Idempotency-Key");
    assert.match(f.sent[0].client, /^paysg-js\/\d+\.\d+\.\d+ \(node v\d+/);
    assert.deepEqual(await c.getPayment(created.id), created);
    const page = await c.listPayments({ limit: 1 });
    assert.equal(page.data[0].id, created.id);
    assert.deepEqual(Object.keys(page.page_info).sort(), ["end_cursor", "has_next_page", "has_previous_page", "start_cursor"]);
    assert.equal(await c.sendPaymentEmail(created.id), undefined);
    assert.equal((await c.getPayment(created.id)).email_delivery_status, "sent");
    const { redirect_url } = await sim.pay(created.id);
    const confirmed = await c.confirmReturn(redirect_url, { paymentId: created.id });
    assert.equal(confirmed.payment_status, "paid");
    assert.equal((await c.confirmReturn(new URL(redirect_url), { referenceId: "E1" })).id, created.id);
    assert.equal((await c.confirmReturn(new Request(redirect_url), { paymentId: created.id })).id, created.id);
    const partly = await c.refundPayment(created.id, { refund_amount_in_cents: 100 });
    assert.equal(partly.refund_status, "partially_refunded");
    assert.equal((await c.refundPayment(created.id, { refund_amount_in_cents: 1000 })).refund_status, "fully_refunded");
    const other = await c.createPayment(payment("E2"));
    assert.equal((await c.cancelPayment(other.id)).latest_status, "cancelled");
    // a call may name another service
    const elsewhere = await c.createPayment(payment("E3"), { paymentServiceId: "payment_service_other" });
    await assert.rejects(c.getPayment(elsewhere.id), (e) => e instanceof paysg.PaySGApiError && e.status === 404);
    assert.equal((await c.getPayment(elsewhere.id, { paymentServiceId: "payment_service_other" })).id, elsewhere.id);
  });

  test("confirmReturn never trusts the redirect", async () => {
    const c = client();
    const p = await c.createPayment(payment("R1", { return_url: "https://agency.gov.sg/back" }));
    const forged = `https://agency.gov.sg/back?paysg_payment_id=${p.id}&paysg_payment_service_id=${SERVICE}`;
    assert.equal((await c.confirmReturn(forged, { paymentId: p.id })).payment_status, "unpaid", "the status comes from PaySG, not the URL");
    await assert.rejects(c.confirmReturn(`https://a.sg/back?paysg_payment_id=${p.id}&paysg_payment_service_id=payment_service_evil`, { paymentId: p.id }),
      (e) => e instanceof paysg.PaySGError && e.code === "payment_service_mismatch");
    await assert.rejects(c.confirmReturn("https://a.sg/back", { paymentId: p.id }), (e) => e instanceof paysg.PaySGValidationError && e.errors.length === 2);
    await assert.rejects(c.confirmReturn(42, { paymentId: p.id }), paysg.PaySGValidationError);
    await assert.rejects(c.confirmReturn(`https://a.sg/back?paysg_payment_id=nope&paysg_payment_service_id=${SERVICE}`, { paymentId: p.id }),
      (e) => e instanceof paysg.PaySGApiError && e.status === 404 && e.code === "payment_not_found");
  });

  test("listAllPayments follows cursors across pages", async () => {
    const s = await startSim();
    try {
      const c = new paysg.PaySG({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: s.url, fetch: recordingFetch() });
      const made = [];
      for (let i = 0; i < 25; i++) made.push((await c.createPayment(payment(`L${i}`))).id);
      const seen = [];
      const f = recordingFetch();
      const c2 = new paysg.PaySG({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: s.url, fetch: f });
      for await (const p of c2.listAllPayments({ limit: 10 })) seen.push(p.id);
      assert.equal(f.sent.length, 3, "three pages of 10");
      assert.deepEqual(new Set(seen), new Set(made));
      assert.equal(seen.length, 25);
      const capped = [];
      await assert.rejects(async () => {
        for await (const p of c2.listAllPayments({ limit: 10, maxItems: 12 })) capped.push(p);
      }, (e) => e instanceof paysg.PaySGError && e.code === "list_cap_reached");
      assert.equal(capped.length, 12);
      await assert.rejects(c2.listPayments({ before: "a", after: "b" }), paysg.PaySGValidationError);
    } finally {
      await s.stop();
    }
  });
});

describe("errors", () => {
  test("PaySG's errors become PaySGApiError with its type, code, message and data; never retried", async () => {
    const f = recordingFetch();
    const c = client({ fetch: f });
    await assert.rejects(c.refundPayment("nope", { refund_amount_in_cents: 5 }), (e) => {
      assert.ok(e instanceof paysg.PaySGApiError);
      assert.equal(e.status, 404);
      assert.equal(e.type, "not_found");
      assert.equal(e.code, "payment_not_found");
      assert.equal(e.retryable, false);
      assert.equal(e.attempts, 1);
      assert.match(e.idempotencyKey, /^[0-9a-f-]{36}$/);
      assertNoKey(e);
      return true;
    });
    const bad = new paysg.PaySG({ apiKey: "paysg_wrong_but_long_key", paymentServiceId: SERVICE, baseUrl: sim.url, fetch: f });
    const before = f.sent.length;
    await assert.rejects(bad.getPayment("x"), (e) => e instanceof paysg.PaySGApiError && e.status === 401 && e.code === "invalid_api_key" && !e.retryable && !e.message.includes("paysg_wrong_but"));
    assert.equal(f.sent.length, before + 1, "401 is not retried");
    // `data`: PaySG's 400 carries details. The SDK never sends a body PaySG would refuse, so a
    // fetch that empties the body stands in for a PaySG rule the SDK does not know.
    let sent = 0;
    const c3 = client({ fetch: async (url, init) => { sent++; return fetch(url, { ...init, body: "{}" }); } });
    await assert.rejects(c3.createPayment(payment("D")), (e) => e instanceof paysg.PaySGApiError && e.code === "validation_failed" && Array.isArray(e.data.errors) && e.data.errors.length === 4 && !e.retryable);
    assert.equal(sent, 1, "a 400 is not retried");
  });

  test("validation problems throw before any request", async () => {
    const f = recordingFetch();
    const c = client({ fetch: f });
    await assert.rejects(c.createPayment({ amount_in_cents: 0 }), (e) => e instanceof paysg.PaySGValidationError && e.errors.length === 4);
    await assert.rejects(c.refundPayment("p", { refund_amount_in_cents: 1.5 }), paysg.PaySGValidationError);
    await assert.rejects(c.getPayment(""), paysg.PaySGValidationError);
    await assert.rejects(c.getPayment("a b"), paysg.PaySGValidationError);
    await assert.rejects(c.createPayment(payment("I"), { idempotencyKey: "k".repeat(256) }), paysg.PaySGValidationError);
    await assert.rejects(c.listPayments({ limit: 0 }), paysg.PaySGValidationError);
    await assert.rejects(new paysg.PaySG({ apiKey: KEY, baseUrl: sim.url }).getPayment("x"), (e) => e instanceof paysg.PaySGValidationError && e.errors[0].field === "paymentServiceId");
    const cyclic = payment("C");
    cyclic.self = cyclic;
    await assert.rejects(c.createPayment(cyclic), paysg.PaySGValidationError);
    assert.equal(f.sent.length, 0);
  });

  test("network failures become PaySGConnectionError naming the host, the attempts and the cause, after retries", async () => {
    // A port nothing listens on: the connection is refused.
    const closed = await new Promise((resolve) => {
      const s = createNetServer().listen(0, "127.0.0.1", () => {
        const { port } = s.address();
        s.close(() => resolve(port));
      });
    });
    const c = new paysg.PaySG({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: `http://127.0.0.1:${closed}`, maxRetries: 1 });
    await assert.rejects(c.getPayment("x"), (e) => {
      assert.ok(e instanceof paysg.PaySGConnectionError);
      assert.equal(e.code, "connection_error");
      assert.match(e.message, new RegExp(`could not reach 127\\.0\\.0\\.1:${closed} \\(2 attempts\\): .*ECONNREFUSED`));
      assert.ok(e.cause instanceof Error, "the cause is kept");
      assert.equal(e.attempts, 2);
      assertNoKey(e);
      return true;
    });
  });

  test("malformed answers become PaySGError, never a crash", async () => {
    const answer = (res) => client({ fetch: async () => res() });
    await assert.rejects(answer(() => new Response("not json", { status: 200 })).getPayment("x"), (e) => e instanceof paysg.PaySGError && e.code === "invalid_response");
    await assert.rejects(answer(() => Response.json({ no: "id" })).getPayment("x"), (e) => e.code === "invalid_response");
    await assert.rejects(answer(() => Response.json({ data: 1 })).listPayments(), (e) => e.code === "invalid_response");
    await assert.rejects(answer(() => new Response("<html>bad gateway</html>", { status: 502 })).getPayment("x", { maxRetries: 0 }),
      (e) => e instanceof paysg.PaySGApiError && e.status === 502 && e.code === "http_502" && e.retryable);
    await assert.rejects(answer(() => new Response("", { status: 418 })).getPayment("x"), (e) => e instanceof paysg.PaySGApiError && e.code === "http_418" && !e.retryable);
    await assert.rejects(answer(() => "not a response").getPayment("x", { maxRetries: 0 }), paysg.PaySGConnectionError);
    await assert.rejects(client({ fetch: () => { throw new TypeError("boom"); } }).getPayment("x", { maxRetries: 0 }), (e) => e instanceof paysg.PaySGConnectionError && e.cause.message === "boom");
    // the module still works
    assert.equal((await client().createPayment(payment("after-malformed"))).reference_id, "after-malformed");
  });

  test("a 2xx body is the payment Rust decoded, however it arrives", async () => {
    const p = await client().createPayment(payment("decoded-once"));
    const answer = (res) => client({ fetch: async () => res() }).getPayment(p.id);
    const text = JSON.stringify(p);
    // As sent (Rust says the text is the value: parsed as is), behind a byte order mark, with
    // bytes that are not UTF-8 (each a U+FFFD, as Response.text() reads them), from a look-alike
    // Response with only text(): the same payment.
    assert.deepEqual(await answer(() => new Response(text)), p);
    assert.deepEqual(await answer(() => new Response(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)]))), p);
    const withBadBytes = Uint8Array.from(new TextEncoder().encode(JSON.stringify({ ...p, description: "a#b" })).map((b) => (b === 0x23 ? 0xff : b)));
    assert.equal((await answer(() => new Response(withBadBytes))).description, "a\ufffdb");
    assert.deepEqual(await answer(() => ({ status: 200, headers: new Headers(), text: async () => text })), p);
    // Longer than the input buffer, two and three bytes a character in UTF-8: the buffer grows.
    const long = { ...p, description: "é".repeat(20000), payer_name: "😀中".repeat(9000) };
    assert.deepEqual(await answer(() => Response.json(long)), long);
    // Not the value as sent: a field Rust does not know is dropped, an absent optional one is null.
    const { payer_email: _, ...noEmail } = p;
    const got = await answer(() => Response.json({ ...noEmail, surprise: 1 }));
    assert.equal(Object.hasOwn(got, "surprise"), false);
    assert.equal(got.payer_email, null);
    assert.deepEqual(Object.keys(got).sort(), Object.keys(p).sort());
  });

  test("an answer's body in the module's input buffer is not overwritten by a call made while its headers are read", async () => {
    // A look-alike Response whose headers' `get` (user code, read for any status but a 2xx)
    // validates a long payment, which writes the same buffer: the error still carries this body.
    const body = JSON.stringify({ error: { type: "conflict", code: "busy", message: "busy-" + "y".repeat(3000) } });
    const headers = { get: (name) => (paysg.validateCreatePayment(payment("x".repeat(200), { description: "z".repeat(4000) })), name === "x-request-id" ? "req_1" : null) };
    const res = { status: 409, headers, arrayBuffer: async () => new TextEncoder().encode(body).buffer, text: async () => body };
    await assert.rejects(client({ fetch: async () => res }).getPayment("x", { maxRetries: 0 }), (e) => {
      assert.ok(e instanceof paysg.PaySGApiError && e.status === 409, String(e));
      assert.equal(e.code, "busy");
      assert.ok(e.message.includes("busy-yyy"), e.message);
      return true;
    });
    // And a 2xx read from the buffer is the payment.
    const p = await client().createPayment(payment("buffer-2xx"));
    assert.deepEqual(await client({ fetch: async () => new Response(JSON.stringify(p)) }).getPayment(p.id), p);
  });
});

test("every error kind Rust defines throws the error class Rust maps it to", async () => {
  // The kinds and classes come from the contract generated from Rust (ClientError); a kind with
  // no scenario here fails the test, so a new kind cannot go untested.
  const { ERRORS } = await import(join(root, "pkg", "gen", "contract.js"));
  const returnUrl = `https://shop.sg/back?paysg_payment_id=P&paysg_payment_service_id=${SERVICE}`;
  const scenarios = {
    validation: () => client().createPayment({ amount_in_cents: 0 }),
    api: () => client().getPayment("no-such-payment"),
    connection: () => new paysg.PaySG({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: "http://127.0.0.1:9", maxRetries: 0 }).getPayment("x"),
    timeout: () => client({ fetch: () => new Promise(() => {}) }).getPayment("x", { timeoutMs: 20 }),
    invalid_response: () => client({ fetch: async () => new Response("not json", { status: 200 }) }).getPayment("x"),
    list_cap_reached: async () => {
      const page = { data: [{ id: "a" }, { id: "b" }], page_info: { has_next_page: false } };
      for await (const p of client({ fetch: async () => new Response(JSON.stringify(page), { status: 200 }) }).listAllPayments({ maxItems: 1 })) assert.equal(p.id, "a");
    },
    // confirmReturn's refusals (one planned call: the service before the request, the payment
    // after PaySG's answer).
    payment_service_mismatch: () => client().confirmReturn(`https://shop.sg/back?paysg_payment_id=P&paysg_payment_service_id=${SERVICE}_other`, { paymentId: "P" }),
    payment_mismatch: () => client({ fetch: async () => Response.json({ id: "Q", reference_id: "R" }) }).confirmReturn(returnUrl, { paymentId: "P" }),
    payment_refunded: () => client({ fetch: async () => Response.json({ id: "P", refund_status: "fully_refunded" }) }).confirmReturn(returnUrl, { paymentId: "P" }),
  };
  assert.deepEqual(Object.keys(scenarios).sort(), Object.keys(ERRORS).sort(), "a scenario for every kind");
  for (const [kind, className] of Object.entries(ERRORS)) {
    const Class = paysg[className];
    assert.equal(typeof Class, "function", `${className} is exported`);
    await assert.rejects(scenarios[kind](), (e) => {
      assert.ok(e instanceof Class, `${kind} → ${className}, got ${e?.name}: ${e?.message}`);
      assert.ok(e instanceof paysg.PaySGError);
      assertNoKey(e);
      return true;
    });
  }
});

describe("retries, deadlines and aborts", () => {
  test("500, 503 and drops are retried with one Idempotency-Key; one payment results", async () => {
    for (const fault of ["500", "503", "drop"]) {
      const f = recordingFetch({ "x-paysg-sim-fault": `${fault};rate=1` });
      const s = await startSim(["--retry-after", "0"]);
      try {
        const c = new paysg.PaySG({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: s.url, fetch: f, maxRetries: 2 });
        await assert.rejects(c.createPayment(payment(`F-${fault}`)), (e) => {
          assert.ok(fault === "drop" ? e instanceof paysg.PaySGConnectionError : e instanceof paysg.PaySGApiError && e.retryable, `${fault}: ${e}`);
          assert.equal(e.attempts, 3);
          return true;
        });
        assert.equal(f.sent.length, 3);
        assert.equal(new Set(f.sent.map((x) => x.key)).size, 1, "the same key on every attempt");
        const expected = fault === "drop" ? 1 : 0; // a drop happens after the payment was made
        assert.equal((await s.state()).payments, expected, fault);
      } finally {
        await s.stop();
      }
    }
  });

  test("429 is retried after Retry-After; send-email is never retried after an ambiguous failure", async () => {
    const s = await startSim(["--retry-after", "1"]);
    try {
      const f = recordingFetch({ "x-paysg-sim-fault": "429" });
      const c = new paysg.PaySG({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: s.url, fetch: f, maxRetries: 1 });
      await assert.rejects(c.getPayment("x"), (e) => e instanceof paysg.PaySGApiError && e.status === 429 && e.retryable && e.attempts === 2);
      assert.ok(f.sent[1].at - f.sent[0].at >= 950, `waited ${f.sent[1].at - f.sent[0].at} ms for Retry-After: 1`);
      const ok = new paysg.PaySG({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: s.url });
      const p = await ok.createPayment(payment("M", { payer_email: "a@b.sg" }));
      for (const fault of ["500", "503", "drop"]) {
        const g = recordingFetch({ "x-paysg-sim-fault": fault });
        const e = await new paysg.PaySG({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: s.url, fetch: g, maxRetries: 3 }).sendPaymentEmail(p.id).catch((x) => x);
        assert.ok(e instanceof paysg.PaySGError, fault);
        assert.equal(g.sent.length, 1, `send-email after ${fault}: not retried`);
      }
      assert.equal((await ok.getPayment(p.id)).email_delivery_status, "sent", "the dropped call did send it; no second email");
      const emails = await fetch(`${s.url}/sim/emails.json`).then((r) => r.json());
      assert.equal(emails.emails.length, 1);
    } finally {
      await s.stop();
    }
  });

  test("a stall past the deadline is a PaySGTimeoutError; aborts reject promptly with the signal's reason", async () => {
    const s = await startSim(["--stall-ms", "5000"]);
    try {
      const stalled = new paysg.PaySG({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: s.url, fetch: recordingFetch({ "x-paysg-sim-fault": "stall" }) });
      let t0 = Date.now();
      await assert.rejects(stalled.createPayment(payment("T"), { timeoutMs: 300 }), (e) => {
        assert.ok(e instanceof paysg.PaySGTimeoutError);
        assert.equal(e.timeoutMs, 300);
        assert.match(e.idempotencyKey, /^[0-9a-f-]{36}$/, "the key to retry with");
        return true;
      });
      assert.ok(Date.now() - t0 < 1500, `took ${Date.now() - t0} ms`);
      // retrying with the key from the error returns the payment the stalled call made
      const ok = new paysg.PaySG({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: s.url });
      const err = await stalled.createPayment(payment("T2"), { timeoutMs: 200 }).catch((e) => e);
      const retried = await ok.createPayment(payment("T2"), { idempotencyKey: err.idempotencyKey });
      assert.equal((await s.state()).payments_by_reference.T2, 1);
      assert.equal(retried.reference_id, "T2");

      const ac = new AbortController();
      const reason = new Error("the user went away");
      setTimeout(() => ac.abort(reason), 100);
      t0 = Date.now();
      await assert.rejects(stalled.getPayment("x", { signal: ac.signal }), (e) => e === reason);
      assert.ok(Date.now() - t0 < 1000);
      await assert.rejects(ok.getPayment("x", { signal: AbortSignal.abort(reason) }), (e) => e === reason);
    } finally {
      await s.stop();
    }
  });

  test("a stalled attempt is abandoned after attemptTimeoutMs and retried; the error counts the attempts", async () => {
    const s = await startSim(["--stall-ms", "5000"]);
    try {
      const f = recordingFetch({ "x-paysg-sim-fault": "stall" });
      const c = new paysg.PaySG({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: s.url, fetch: f, attemptTimeoutMs: 150, maxRetries: 2 });
      const t0 = Date.now();
      await assert.rejects(c.createPayment(payment("STALL")), (e) => {
        assert.ok(e instanceof paysg.PaySGTimeoutError, e.message);
        assert.equal(e.attempts, 3);
        assert.equal(e.timeoutMs, 150, "the attempt's timeout ran out, not the call's");
        assert.match(e.message, /attemptTimeoutMs = 150 ms/);
        return true;
      });
      assert.ok(Date.now() - t0 < 4000, `took ${Date.now() - t0} ms, not the 30 s deadline`);
      assert.equal(new Set(f.sent.map((x) => x.key)).size, 1, "one Idempotency-Key on every attempt");
      assert.equal(f.sent.length, 3);
      // send-email may have sent on a stalled attempt: never retried
      const g = recordingFetch({ "x-paysg-sim-fault": "stall" });
      const m = new paysg.PaySG({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: s.url, fetch: g, attemptTimeoutMs: 100 });
      await assert.rejects(m.sendPaymentEmail("p"), (e) => e instanceof paysg.PaySGTimeoutError && e.attempts === 1);
      assert.equal(g.sent.length, 1);
    } finally {
      await s.stop();
    }
  });

  test("a call's timeoutMs follows the client's rules: 3e9 is refused before anything is sent", async () => {
    const f = recordingFetch();
    const c = client({ fetch: f });
    await assert.rejects(c.createPayment(payment("BIG"), { timeoutMs: 3e9 }), (e) =>
      e instanceof paysg.PaySGValidationError && e.errors[0].field === "timeoutMs" && /1 to 600000, got 3000000000/.test(e.errors[0].message));
    await assert.rejects(c.getPayment("x", { timeoutMs: 0 }), paysg.PaySGValidationError);
    await assert.rejects(c.getPayment("x", { maxRetries: 11 }), paysg.PaySGValidationError);
    await assert.rejects(c.getPayment("x", "not options"), (e) => e instanceof paysg.PaySGValidationError && /must be an object, got string/.test(e.message));
    assert.equal(f.sent.length, 0);
  });

  test("a hostile id is a PaySGValidationError naming the parameter; nothing is sent", async () => {
    const f = recordingFetch();
    const c = client({ fetch: f });
    const hostile = { toJSON() { throw new Error("boo"); } };
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const getter = { get limit() { throw new Error("boom"); } };
    for (const id of [hostile, revoked.proxy, Symbol("s"), 10n, ["a"], () => 1]) {
      await assert.rejects(c.getPayment(id), (e) => {
        assert.ok(e instanceof paysg.PaySGValidationError, String(e));
        assert.equal(e.errors[0].field, "paymentId");
        assert.match(e.errors[0].message, /paymentId must be a string, got (object|symbol|bigint|array|function)/);
        return true;
      });
    }
    await assert.rejects(c.listPayments(getter), (e) => e instanceof paysg.PaySGValidationError && e.errors[0].field === "limit");
    await assert.rejects(c.getPayment("x", { get timeoutMs() { throw new Error("boom"); } }), (e) =>
      e instanceof paysg.PaySGValidationError && e.errors[0].field === "timeoutMs" && /getter throws/.test(e.errors[0].message));
    assert.equal(f.sent.length, 0);
  });

  test("500 creates at a 30% fault rate end with exactly one payment per logical create", async () => {
    const s = await startSim(["--fault", "500,503,429,drop,stall", "--fault-rate", "0.3", "--retry-after", "0", "--stall-ms", "150"]);
    try {
      const N = 500;
      // every attempt passes through this fetch, so the requests can be counted
      const counting = recordingFetch();
      const c = new paysg.PaySG({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: s.url, maxRetries: 10, timeoutMs: 60_000, fetch: counting });
      let next = 0;
      const workers = Array.from({ length: 10 }, async () => {
        while (next < N) {
          const i = next++;
          const p = await c.createPayment(payment(`run-${i}`, { amount_in_cents: 100 + i }));
          assert.equal(p.reference_id, `run-${i}`);
        }
      });
      await Promise.all(workers);
      const state = await s.state();
      assert.equal(state.payments, N, JSON.stringify(state.faults));
      for (let i = 0; i < N; i++) assert.equal(state.payments_by_reference[`run-${i}`], 1, `run-${i}`);
      const faults = Object.values(state.faults).reduce((a, b) => a + b, 0);
      assert.ok(faults >= 100, `only ${faults} faults injected`);
      assert.equal(counting.sent.length, N + faults - (state.faults.stall ?? 0), "one attempt per request plus one per fault (a stall still answers)");
      console.log(`500-create run: ${counting.sent.length} requests, faults ${JSON.stringify(state.faults)}`);
    } finally {
      await s.stop();
    }
  });
});

describe("in workerd (Miniflare), bundled by wrangler", () => {
  test("every endpoint, every error class, retries with one key, deadlines", async () => {
    const s = await startSim(["--retry-after", "0", "--stall-ms", "3000"]);
    const out = bundleWorker(testProject(), "client", WORKER);
    const mf = await startMiniflare(out, { SIM_URL: s.url, KEY, SERVICE });
    try {
      const res = await mf.dispatchFetch("http://localhost/");
      const r = await res.json();
      assert.equal(res.status, 200, JSON.stringify(r));
      assert.equal(r.created.payment_status, "unpaid");
      assert.equal(r.got, true);
      assert.equal(r.listed, 2);
      assert.equal(r.all, 2);
      assert.equal(r.confirmed, "paid");
      assert.equal(r.refunded, "fully_refunded");
      assert.equal(r.cancelled, "cancelled");
      assert.equal(r.emailed, "sent");
      assert.match(r.client, /^paysg-js\/\S+ \(workerd\)$/);
      assert.deepEqual(r.errors, {
        notFound: ["PaySGApiError", 404, "payment_not_found", false],
        validation: ["PaySGValidationError", 4],
        timeout: ["PaySGTimeoutError", 300],
        connection: ["PaySGConnectionError", true],
        retried: ["PaySGApiError", 503, 3, 1],
        dropped: ["PaySGConnectionError", 2, 1],
      });
      assert.equal(r.keyLeaked, false);
      assert.equal((await s.state()).payments_by_reference["W-drop"], 1, "a dropped create, retried with one key, made one payment");
    } finally {
      await mf.dispose();
      await s.stop();
    }
  });
});

const WORKER = `
import { PaySG, PaySGApiError, PaySGValidationError, PaySGTimeoutError, PaySGConnectionError } from "paysg";

const payment = (ref) => ({ reference_id: ref, payer_name: "Tan Ah Kow", description: "Parking", amount_in_cents: 500, payer_email: "a@b.sg" });
function faulty(fault, seen) {
  return async (url, init) => {
    const req = new Request(url, init);
    req.headers.set("x-paysg-sim-fault", fault);
    seen.push(req.headers.get("idempotency-key"));
    return fetch(req);
  };
}
const describe = (e) => e.constructor.name;

export default {
  async fetch(request, env) {
    let client;
    const c = new PaySG({ apiKey: env.KEY, paymentServiceId: env.SERVICE, baseUrl: env.SIM_URL,
      fetch: async (url, init) => { client = init.headers["x-paysg-client"]; return fetch(url, init); } });
    const out = { errors: {} };
    const created = await c.createPayment({ ...payment("W1"), return_url: "https://agency.gov.sg/back" });
    out.created = created;
    out.got = (await c.getPayment(created.id)).id === created.id;
    const other = await c.createPayment(payment("W2"));
    out.listed = (await c.listPayments({ limit: 5 })).data.length;
    let n = 0;
    for await (const p of c.listAllPayments({ limit: 1 })) n++;
    out.all = n;
    await c.sendPaymentEmail(other.id);
    out.emailed = (await c.getPayment(other.id)).email_delivery_status;
    const paid = await fetch(env.SIM_URL + "/sim/payments/" + created.id + "/pay", { method: "POST" }).then((r) => r.json());
    out.confirmed = (await c.confirmReturn(paid.redirect_url, { paymentId: created.id })).payment_status;
    out.refunded = (await c.refundPayment(created.id, { refund_amount_in_cents: 500 })).refund_status;
    out.cancelled = (await c.cancelPayment(other.id)).latest_status;
    out.client = client;
    const all = [];
    const catching = async (p) => { try { await p; return null; } catch (e) { all.push(e); return e; } };
    let e = await catching(c.getPayment("nope"));
    out.errors.notFound = [describe(e), e.status, e.code, e.retryable];
    e = await catching(c.createPayment({ amount_in_cents: 0 }));
    out.errors.validation = [describe(e), e.errors.length];
    e = await catching(new PaySG({ apiKey: env.KEY, paymentServiceId: env.SERVICE, baseUrl: env.SIM_URL, fetch: faulty("stall", []) }).getPayment(created.id, { timeoutMs: 300 }));
    out.errors.timeout = [describe(e), e.timeoutMs];
    e = await catching(new PaySG({ apiKey: env.KEY, paymentServiceId: env.SERVICE, baseUrl: "http://127.0.0.1:9", maxRetries: 0 }).getPayment("x"));
    out.errors.connection = [describe(e), e instanceof PaySGConnectionError && e.cause !== undefined];
    let seen = [];
    e = await catching(new PaySG({ apiKey: env.KEY, paymentServiceId: env.SERVICE, baseUrl: env.SIM_URL, fetch: faulty("503", seen) }).createPayment(payment("W-503")));
    out.errors.retried = [describe(e), e.status, e.attempts, new Set(seen).size];
    seen = [];
    e = await catching(new PaySG({ apiKey: env.KEY, paymentServiceId: env.SERVICE, baseUrl: env.SIM_URL, maxRetries: 1, fetch: faulty("drop", seen) }).createPayment(payment("W-drop")));
    out.errors.dropped = [describe(e), e.attempts, new Set(seen).size];
    out.keyLeaked = all.some((x) => (x.message + x.stack + JSON.stringify(x)).includes(env.KEY));
    const ok = [e instanceof PaySGConnectionError, all[0] instanceof PaySGApiError, all[1] instanceof PaySGValidationError, all[2] instanceof PaySGTimeoutError];
    if (ok.includes(false)) throw new Error("instanceof failed: " + ok);
    return Response.json(out);
  },
};
`;
