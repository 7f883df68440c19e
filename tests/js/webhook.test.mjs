// Webhooks from the packed package: vectors signed independently with node:crypto (the
// documented fixture, rotation, seconds and milliseconds, both casings, text and bytes bodies,
// every failure reason) must give the same answers in Node, workerd and Chromium; random input
// never throws anything but PaySGSignatureError; the README's handlers receive paysg-sim's
// real deliveries.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { bundleWorker, launchChromium, root, serveStatic, startMiniflare, startSim, testProject } from "./helpers.mjs";

let paysg, project;
before(async () => {
  project = testProject();
  paysg = await import(join(project, "node_modules", "paysg", "dist", "node.mjs"));
});

const hmac = (secret, t, body) => createHmac("sha256", secret).update(`${t}.`).update(body).digest("hex");
const FIXTURE = `{"id":"evt_752ced1f-00ce-4905-8c46-367371dd78e6","type":"payment.succeeded","object":"event","created_at":"2023-10-02T16:17:08.210+08:00","payment_service_id":"payment_service_fd724c82-786b-43ba-b7d7-1eecab0388e1","data":{"object":{"id":"wLAnFWQLYyYNKBimc2ZkA","payment_status":"paid","amount_in_cents":1234}}}`;
const NOW = 1_700_000_000_000;
const event = (object) => JSON.stringify({ id: "evt_0f4c", type: "payment.succeeded", object: "event", created_at: "2023-11-15T06:13:20.000+08:00", payment_service_id: "payment_service_1", data: { object } });
const SNAKE = event({ id: "p1", reference_id: "INV-1", amount_in_cents: 1100, due_date: "31-DEC-2023", metadata: { productCode: "1" }, payer_name: "Tan Ah Kow 陈" });
const CAMEL = event({ id: "p1", referenceId: "INV-1", amountInCents: 1100, dueDate: "31-DEC-2023", metadata: { productCode: "1" }, payerName: "Tan Ah Kow 陈" });

/** `{ name, body, bytes?, header, secret, now, tolerance?, expect: "ok" | reason }`, all signed with node:crypto. */
function vectors() {
  const v = [];
  const s = "whsec_test_0123";
  const ts = NOW / 1000;
  v.push({ name: "documented fixture", body: FIXTURE, header: "t=1696234628210, v1=551f01f810fd70585a74b914b49402a7a6c5967db87fff361bd70eccbaf7c44d", secret: "test_webhook_secret", now: 1696234628210, expect: "ok" });
  v.push({ name: "milliseconds", body: SNAKE, header: `t=${NOW}, v1=${hmac(s, NOW, SNAKE)}`, secret: s, now: NOW, expect: "ok" });
  v.push({ name: "seconds", body: SNAKE, header: `t=${ts}, v1=${hmac(s, ts, SNAKE)}`, secret: s, now: NOW, expect: "ok" });
  v.push({ name: "no spaces, reversed, unknown schemes", body: SNAKE, header: `v0=x,v1=${hmac(s, ts, SNAKE)},t=${ts},v9=y`, secret: s, now: NOW, expect: "ok" });
  v.push({ name: "rotation: second v1", body: SNAKE, header: `t=${ts}, v1=${hmac("old", ts, SNAKE)}, v1=${hmac(s, ts, SNAKE)}`, secret: s, now: NOW, expect: "ok" });
  v.push({ name: "camelCase payment", body: CAMEL, header: `t=${ts}, v1=${hmac(s, ts, CAMEL)}`, secret: s, now: NOW, expect: "ok" });
  v.push({ name: "bytes body", body: SNAKE, bytes: true, header: `t=${ts}, v1=${hmac(s, ts, SNAKE)}`, secret: s, now: NOW, expect: "ok" });
  v.push({ name: "uppercase hex", body: SNAKE, header: `t=${ts}, v1=${hmac(s, ts, SNAKE).toUpperCase()}`, secret: s, now: NOW, expect: "ok" });
  v.push({ name: "tolerance edge, old", body: SNAKE, header: `t=${ts - 300}, v1=${hmac(s, ts - 300, SNAKE)}`, secret: s, now: NOW, expect: "ok" });
  v.push({ name: "too old", body: SNAKE, header: `t=${ts - 301}, v1=${hmac(s, ts - 301, SNAKE)}`, secret: s, now: NOW, expect: "timestamp_too_old" });
  v.push({ name: "in the future", body: SNAKE, header: `t=${NOW + 301_000}, v1=${hmac(s, NOW + 301_000, SNAKE)}`, secret: s, now: NOW, expect: "timestamp_in_future" });
  v.push({ name: "custom tolerance", body: SNAKE, header: `t=${ts - 3000}, v1=${hmac(s, ts - 3000, SNAKE)}`, secret: s, now: NOW, tolerance: 3600, expect: "ok" });
  v.push({ name: "missing header", body: SNAKE, header: "", secret: s, now: NOW, expect: "missing_header" });
  v.push({ name: "malformed header", body: SNAKE, header: "sha256=abc", secret: s, now: NOW, expect: "malformed_header" });
  v.push({ name: "wrong secret", body: SNAKE, header: `t=${ts}, v1=${hmac(s, ts, SNAKE)}`, secret: "other", now: NOW, expect: "no_matching_signature" });
  v.push({ name: "changed body", body: SNAKE.replace("1100", "1"), header: `t=${ts}, v1=${hmac(s, ts, SNAKE)}`, secret: s, now: NOW, expect: "no_matching_signature" });
  v.push({ name: "header of another request", body: SNAKE, header: `t=${ts}, v1=${hmac(s, ts, CAMEL)}`, secret: s, now: NOW, expect: "no_matching_signature" });
  v.push({ name: "signed non-event", body: "[]", header: `t=${ts}, v1=${hmac(s, ts, "[]")}`, secret: s, now: NOW, expect: "invalid_payload" });
  const LONE = SNAKE.replace("Tan Ah Kow", "Tan \ud800 Kow");
  v.push({ name: "lone surrogate in a text body (hashed as U+FFFD)", body: LONE, header: `t=${ts}, v1=${hmac(s, ts, LONE)}`, secret: s, now: NOW, expect: "ok" });
  v.push({ name: "ArrayBuffer body", body: SNAKE, arraybuffer: true, header: `t=${ts}, v1=${hmac(s, ts, SNAKE)}`, secret: s, now: NOW, expect: "ok" });
  v.push({ name: "spaces around = and ,", body: SNAKE, header: ` t = ${ts} ,  v1 = ${hmac(s, ts, SNAKE)} `, secret: s, now: NOW, expect: "ok" });
  v.push({ name: "base64 v1", body: SNAKE, header: `t=${ts}, v1=${createHmac("sha256", s).update(`${ts}.${SNAKE}`).digest("base64")}`, secret: s, now: NOW, expect: "ok" });
  v.push({ name: "leading zero in t (signed as sent)", body: SNAKE, header: `t=0${ts}, v1=${hmac(s, `0${ts}`, SNAKE)}`, secret: s, now: NOW, expect: "ok" });
  v.push({ name: "signed with t without its leading zero", body: SNAKE, header: `t=0${ts}, v1=${hmac(s, ts, SNAKE)}`, secret: s, now: NOW, expect: "no_matching_signature" });
  v.push({ name: "two timestamps", body: SNAKE, header: `t=${ts}, t=${ts}, v1=${hmac(s, ts, SNAKE)}`, secret: s, now: NOW, expect: "malformed_header" });
  const DUP = SNAKE.replace('{"id":"evt_0f4c"', '{"id":7,"id":"evt_0f4c"');
  v.push({ name: "duplicate id key (the last is read, as JSON.parse does)", body: DUP, header: `t=${ts}, v1=${hmac(s, ts, DUP)}`, secret: s, now: NOW, expect: "ok" });
  const BIG = event({ id: "p1", payer_name: "big", metadata: { note: "x".repeat(400_000) } });
  v.push({ name: "400 KB body (beyond the shared buffer as text)", body: BIG, header: `t=${ts}, v1=${hmac(s, ts, BIG)}`, secret: s, now: NOW, expect: "ok" });
  return v;
}

/** Runs the vectors with a given paysg module; returns [name, outcome, event id or payer_name]. Shared verbatim with workerd and Chromium. */
const RUN = `(paysg, vectors) => vectors.map((v) => {
  try {
    const body = v.bytes ? new TextEncoder().encode(v.body) : v.arraybuffer ? new TextEncoder().encode(v.body).buffer : v.body;
    const e = paysg.verifyWebhook(body, v.header, v.secret, { now: v.now, toleranceSeconds: v.tolerance ?? 300 });
    return [v.name, "ok", e.data.object.payer_name ?? e.data.object.id, Object.keys(e.data.object).join(",")];
  } catch (e) {
    return [v.name, e instanceof paysg.PaySGSignatureError ? e.reason : "threw " + e];
  }
})`;
const run = eval(RUN);

function expected() {
  return vectors().map((v) => [v.name, v.expect]);
}

describe("verifyWebhook in Node", () => {
  test("the vectors give the expected answers", () => {
    const got = run(paysg, vectors());
    assert.deepEqual(got.map((r) => r.slice(0, 2)), expected());
    const camel = got.find((r) => r[0] === "camelCase payment");
    assert.equal(camel[2], "Tan Ah Kow 陈");
    assert.equal(camel[3], "id,reference_id,amount_in_cents,due_date,metadata,payer_name", "snake_case, metadata keys kept");
  });

  test("the event is returned parsed, with metadata keys as sent", () => {
    const s = "sec";
    const t = Math.floor(Date.now() / 1000);
    const e = paysg.verifyWebhook(CAMEL, `t=${t}, v1=${hmac(s, t, CAMEL)}`, s);
    assert.deepEqual(e.data.object.metadata, { productCode: "1" });
    assert.equal(e.data.object.amount_in_cents, 1100);
    assert.equal(e.payment_service_id, "payment_service_1");
    // unknown event types pass through
    const other = JSON.stringify({ id: "evt_2", type: "payment.unknown_future", data: { object: {} } });
    assert.equal(paysg.verifyWebhook(other, paysg.signWebhook(other, s), s).type, "payment.unknown_future");
    // now as a Date; the header from a Headers object or a plain headers object
    assert.ok(paysg.verifyWebhook(SNAKE, new Headers({ "PaySG-Signature": `t=${t}, v1=${hmac(s, t, SNAKE)}` }), s, { now: new Date() }));
    assert.ok(paysg.verifyWebhook(SNAKE, { "paysg-signature": `t=${t}, v1=${hmac(s, t, SNAKE)}` }, s));
    assert.ok(paysg.verifyWebhook(new TextEncoder().encode(SNAKE).buffer, `t=${t}, v1=${hmac(s, t, SNAKE)}`, s), "an ArrayBuffer");
  });

  test("mistakes get messages that name them, and never the secret", () => {
    const s = "whsec_live_secret_value";
    const t = Date.now();
    const h = `t=${t}, v1=${hmac(s, t, SNAKE)}`;
    const fails = (body, header, secret, opts) => {
      try {
        paysg.verifyWebhook(body, header, secret, opts);
      } catch (e) {
        assert.ok(e instanceof paysg.PaySGSignatureError || e instanceof paysg.PaySGValidationError, String(e));
        assert.ok(!e.message.includes(s), "the secret leaked");
        return e;
      }
      assert.fail("verified");
    };
    let e = fails(JSON.parse(SNAKE), h, s);
    assert.equal(e.reason, "invalid_payload");
    assert.match(e.message, /parsed/);
    assert.match(fails(String(JSON.parse(SNAKE)), h, s).message, /\[object Object\]/);
    assert.match(fails(SNAKE, h, `${s}\n`).message, /whitespace/);
    assert.match(fails(SNAKE, h, "paysg_stag_not_the_secret").message, /API key/);
    assert.match(fails(JSON.stringify(JSON.parse(SNAKE), null, 2), h, s).message, /re-serialised/);
    assert.match(fails(SNAKE, `t=${t - 86_400_000 * 2}, v1=${hmac(s, t - 86_400_000 * 2, SNAKE)}`, s).message, /2 days old.*clock/);
    assert.equal(fails(SNAKE, undefined, s).reason, "missing_header");
    assert.equal(fails(SNAKE, null, s).reason, "missing_header");
    e = fails(SNAKE, h, "");
    assert.ok(e instanceof paysg.PaySGValidationError);
    assert.ok(fails(SNAKE, h, s, { toleranceSeconds: -1 }) instanceof paysg.PaySGValidationError);
    assert.ok(fails(SNAKE, h, s, { now: "yesterday" }) instanceof paysg.PaySGValidationError);
    assert.ok(fails(SNAKE, 42, s) instanceof paysg.PaySGValidationError);
  });

  test("hostile headers, huge bodies and stale timestamps: a PaySGSignatureError, and cheaply", () => {
    const s = "whsec_hostile";
    const t = Date.now();
    const h = `t=${t}, v1=${hmac(s, t, SNAKE)}`;
    const reason = (body, header, secret = s) => {
      try {
        paysg.verifyWebhook(body, header, secret);
      } catch (e) {
        assert.ok(e instanceof paysg.PaySGSignatureError, String(e));
        return e.reason;
      }
      return "verified";
    };
    let deep = [h];
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    for (const header of [
      { "paysg-signature": Object.create(null) }, { "paysg-signature": Symbol("s") }, { "PaySG-Signature": deep },
      { "paysg-signature": 42n }, new Proxy({}, { ownKeys() { throw new Error("trap"); } }), revoked.proxy,
      { get "paysg-signature"() { throw new Error("getter"); } }, { get: () => { throw new Error("get"); } },
    ]) {
      assert.equal(reason(SNAKE, header), "malformed_header");
    }
    assert.equal(reason(SNAKE, { "paysg-signature": [h] }), "verified", "repeated headers as an array still work");
    // Past the documented maximum (1 MiB), before anything is copied or hashed.
    const big = "x".repeat(1024 * 1024 + 1);
    assert.equal(reason(big, h), "invalid_payload");
    assert.equal(reason(new Uint8Array(1024 * 1024 + 1), h), "invalid_payload");
    // The timestamp is checked before the signature: a stale header is refused as stale.
    const old = t - 3_600_000;
    assert.equal(reason(SNAKE, `t=${old}, v1=${"0".repeat(64)}`), "timestamp_too_old");
  });

  test("signWebhook makes headers that verify; verifyWebhookRequest reads the body once", async () => {
    const h = paysg.signWebhook(SNAKE, "sec");
    assert.match(h, /^t=\d{13}, v1=[0-9a-f]{64}$/, "milliseconds by default, as paysg-sim signs");
    assert.equal(paysg.signWebhook(SNAKE, "sec", { timestamp: 1700000000 }), `t=1700000000, v1=${hmac("sec", 1700000000, SNAKE)}`);
    assert.equal(paysg.signWebhook(new TextEncoder().encode(SNAKE), "sec", { timestamp: "42" }), `t=42, v1=${hmac("sec", 42, SNAKE)}`);
    assert.throws(() => paysg.signWebhook(SNAKE, "sec", { timestamp: "soon" }), paysg.PaySGValidationError);
    const req = new Request("https://x.sg/webhooks", { method: "POST", body: SNAKE, headers: { "paysg-signature": h } });
    const { event, rawBody } = await paysg.verifyWebhookRequest(req, "sec");
    assert.equal(rawBody, SNAKE);
    assert.equal(event.data.object.id, "p1");
    assert.ok(req.bodyUsed);
    await assert.rejects(paysg.verifyWebhookRequest(new Request("https://x.sg", { method: "POST", body: SNAKE }), "sec"), (e) => e.reason === "missing_header");
    await assert.rejects(paysg.verifyWebhookRequest({}, "sec"), paysg.PaySGValidationError);
  });

  test("parseReturnUrl reads both ids or says what is missing", () => {
    assert.deepEqual(paysg.parseReturnUrl("https://a.sg/back?x=1&paysg_payment_id=Zb-z&paysg_payment_service_id=payment_service_1#f"), { paymentId: "Zb-z", paymentServiceId: "payment_service_1" });
    assert.deepEqual(paysg.parseReturnUrl(new URL("https://a.sg/?paysg_payment_id=a%2Bb&paysg_payment_service_id=payment_service_1")).paymentId, "a+b");
    assert.throws(() => paysg.parseReturnUrl("https://a.sg/back"), (e) => e instanceof paysg.PaySGValidationError && e.errors.map((x) => x.code).join() === "required,required");
    assert.throws(() => paysg.parseReturnUrl("https://a.sg/?paysg_payment_id=a&paysg_payment_service_id=svc"), (e) => e.errors[0].field === "paysg_payment_service_id" && e.errors[0].code === "invalid_format");
    assert.throws(() => paysg.parseReturnUrl(undefined), paysg.PaySGValidationError);
  });

  test("5,000 random headers and bodies: only PaySGSignatureError, and the module still works", () => {
    let seed = 42;
    const r = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pieces = ["t=", "v1=", "v0=", ",", " ", "=", "1700000000", "1700000000000", "-", "ff", "0".repeat(64), "😀", "\u0000", "t", "v1", ";", "\n"];
    const bodies = [SNAKE, CAMEL, "", "{", "[]", "null", "\u0000\uffff", "x".repeat(2000)];
    for (let i = 0; i < 5000; i++) {
      const header = Array.from({ length: Math.floor(r() * 8) }, () => pieces[Math.floor(r() * pieces.length)]).join("");
      let body = bodies[Math.floor(r() * bodies.length)];
      if (r() < 0.3) body = new Uint8Array(Array.from({ length: Math.floor(r() * 64) }, () => Math.floor(r() * 256)));
      try {
        paysg.verifyWebhook(body, header, "sec", { now: NOW, toleranceSeconds: r() < 0.5 ? 300 : Infinity });
      } catch (e) {
        assert.ok(e instanceof paysg.PaySGSignatureError, `${JSON.stringify(header)}: ${e}`);
      }
    }
    assert.deepEqual(run(paysg, vectors()).map((x) => x.slice(0, 2)), expected());
  });
});

describe("the same vectors in other runtimes", () => {
  test("workerd (bundled by wrangler, run in Miniflare)", async () => {
    const out = bundleWorker(project, "webhook-vectors", `import * as paysg from "paysg";
const run = ${RUN};
export default { async fetch(request) { return Response.json(run(paysg, await request.json())); } };`);
    const mf = await startMiniflare(out);
    try {
      const res = await mf.dispatchFetch("http://localhost/", { method: "POST", body: JSON.stringify(vectors()) });
      assert.deepEqual(await res.json(), run(paysg, vectors()));
    } finally {
      await mf.dispose();
    }
  });

  test("headless Chromium (the browser export)", async () => {
    const meta = JSON.parse(readFileSync(join(project, "node_modules", "paysg", "package.json"), "utf8"));
    const entry = meta.exports["."].browser.replace(/^\.\//, "/node_modules/paysg/");
    writeFileSync(join(project, "webhooks.html"), `<!doctype html><meta charset="utf-8">
<script type="importmap">{ "imports": { "paysg": "${entry}" } }</script>
<script type="module">
  import * as paysg from "paysg";
  window.__result = (${RUN})(paysg, ${JSON.stringify(vectors())});
</script>`);
    const server = await serveStatic(project);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${server.url}/webhooks.html`);
      const got = await page.waitForFunction(() => window.__result, null, { timeout: 15_000 });
      assert.deepEqual(await got.jsonValue(), run(paysg, vectors()));
    } finally {
      await browser.close();
      await server.close();
    }
  });
});

describe("the README's handlers receive paysg-sim's deliveries", () => {
  const SECRET = "whsec_readme_example";
  const KEY = "paysg_stag_webhook_examples";
  const SERVICE = "payment_service_webhooks";

  test("examples/webhook-node.mjs (node:http)", async () => {
    copyFileSync(join(root, "examples", "webhook-node.mjs"), join(project, "webhook-node.mjs"));
    const server = spawn(process.execPath, ["webhook-node.mjs"], { cwd: project, env: { ...process.env, PAYSG_WEBHOOK_SECRET: SECRET, PORT: "0" }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    server.stdout.on("data", (d) => (out += d));
    const waitFor = async (re) => {
      for (let i = 0; i < 100 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 50));
      assert.match(out, re);
    };
    await waitFor(/listening on (\S+)/);
    const hook = /listening on (\S+)/.exec(out)[1];
    const sim = await startSim(["--webhook-url", hook, "--webhook-secret", SECRET, "--webhook-backoff-ms", "100"]);
    try {
      const c = new paysg.PaySG({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: sim.url });
      const p = await c.createPayment({ reference_id: "WH-1", payer_name: "A", description: "D", amount_in_cents: 100 });
      await sim.pay(p.id);
      await waitFor(new RegExp(`paid: ${p.id} \\(WH-1\\)`));
      const forged = await fetch(hook, { method: "POST", body: "{}", headers: { "paysg-signature": `t=${Date.now()}, v1=${"0".repeat(64)}` } });
      assert.equal(forged.status, 400);
      await waitFor(/answered 400: no_matching_signature/);
      assert.equal(out.match(/paid: /g).length, 1);
    } finally {
      server.kill();
      await sim.stop();
    }
  });

  test("examples/webhook-worker.js (workerd): once per event, on its Durable Object store; late retries confirmed with PaySG", async () => {
    const out = bundleWorker(project, "webhook-example", readFileSync(join(root, "examples", "webhook-worker.js"), "utf8"));
    const sim = await startSim(["--webhook-secret", SECRET, "--webhook-backoff-ms", "100"]);
    const mf = await startMiniflare(out, { PAYSG_WEBHOOK_SECRET: SECRET, PAYSG_API_KEY: KEY, PAYSG_PAYMENT_SERVICE_ID: SERVICE, PAYSG_BASE_URL: sim.url }, {
      kvNamespaces: ["ORDERS"],
      durableObjects: { PAYSG_WEBHOOK_EVENTS: { className: "PaySGWebhookEvents", useSQLite: true } },
    });
    const url = await mf.ready;
    const hooked = await startSim(["--webhook-url", new URL("/webhooks/paysg", url).href, "--webhook-secret", SECRET, "--webhook-backoff-ms", "100"]);
    try {
      const c = new paysg.PaySG({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: hooked.url });
      const p = await c.createPayment({ reference_id: "WH-2", payer_name: "A", description: "D", amount_in_cents: 100 });
      await hooked.pay(p.id);
      let attempts = [];
      for (let i = 0; i < 100 && !attempts.length; i++) {
        await new Promise((r) => setTimeout(r, 50));
        attempts = (await fetch(`${hooked.url}/sim/webhooks.json`).then((r) => r.json())).attempts;
      }
      assert.equal(attempts[0].status, 200, JSON.stringify(attempts));
      const orders = await mf.getKVNamespace("ORDERS");
      assert.deepEqual(JSON.parse(await orders.get("WH-2")), { paid: true, payment_id: p.id });
      // A duplicate of the delivered event: acknowledged, nothing done again; a forgery: refused.
      const body = JSON.stringify({ id: attempts[0].event_id, type: "payment.succeeded", object: "event", payment_service_id: SERVICE, data: { object: { id: "other", reference_id: "OTHER" } } });
      const post = (b, header) => mf.dispatchFetch("http://localhost/webhooks/paysg", { method: "POST", body: b, headers: { "paysg-signature": header } });
      const dup = await post(body, paysg.signWebhook(body, SECRET));
      assert.deepEqual([dup.status, (await dup.json()).outcome], [200, "duplicate"]);
      assert.equal(await orders.get("OTHER"), null);
      const forged = await post(body, paysg.signWebhook(body, "wrong"));
      assert.deepEqual([forged.status, (await forged.json()).outcome], [400, "no_matching_signature"]);
      // A late retry (signed 2 hours ago) of a payment on the Worker's PaySG: confirmed, then acted on.
      const q = await new paysg.PaySG({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: sim.url }).createPayment({ reference_id: "WH-3", payer_name: "A", description: "D", amount_in_cents: 100 });
      const late = JSON.stringify({ id: "evt_late_wh3", type: "payment.succeeded", object: "event", payment_service_id: SERVICE, data: { object: { ...q, payment_status: "paid" } } });
      const twoHoursAgo = paysg.signWebhook(late, SECRET, { timestamp: Date.now() - 7_200_000 });
      const unpaid = await post(late, twoHoursAgo);
      assert.deepEqual([unpaid.status, (await unpaid.json()).outcome], [409, "not_confirmed"], "PaySG says it is not paid");
      assert.equal(await orders.get("WH-3"), null);
      await sim.pay(q.id);
      const ok = await post(late, twoHoursAgo);
      assert.deepEqual([ok.status, (await ok.json()).outcome], [200, "processed"]);
      assert.deepEqual(JSON.parse(await orders.get("WH-3")), { paid: true, payment_id: q.id });
    } finally {
      await mf.dispose();
      await sim.stop();
      await hooked.stop();
    }
  });
});
