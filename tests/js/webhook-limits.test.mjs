// The webhook handler's edges: bodies at and past the 1 MiB limit (streamed past it: refused
// while read, the stream cancelled, a bounded number of bytes pulled), stores that fail or break
// their contract, options checked at creation, and the Node example surviving what would have
// killed it (a missing secret, a body past the limit, a client that hangs up).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { root, testProject } from "./helpers.mjs";

const SECRET = "whsec_limits";
const LIMIT = 1024 * 1024;
let paysg, project;
before(async () => {
  project = testProject();
  paysg = await import(join(project, "node_modules", "paysg", "dist", "node.mjs"));
});

const EVENT = (pad = "") => JSON.stringify({ id: "evt_limits", type: "payment.succeeded", object: "event", payment_service_id: "payment_service_1", data: { object: { id: "p1", payment_status: "paid", amount_in_cents: 100, metadata: { pad } } } });
/** An event of exactly `size` bytes. */
const eventOf = (size) => EVENT("x".repeat(size - EVENT().length));

/** A body stream of up to `total` bytes in 64 KiB chunks that counts what was pulled from it. */
function counting(total) {
  const stats = { pulled: 0, cancelled: false };
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  const stream = new ReadableStream({
    pull(c) {
      if (stats.pulled >= total) return c.close();
      stats.pulled += chunk.byteLength;
      c.enqueue(chunk.slice());
    },
    cancel() {
      stats.cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { stream, stats };
}
const post = (body, header = "t=1, v1=00", headers = {}) =>
  new Request("https://x.sg/webhooks", { method: "POST", body, duplex: "half", headers: { "paysg-signature": header, ...headers } });

describe("the body limit (1 MiB), enforced while the body streams in", () => {
  test("exactly 1 MiB is processed; one byte more is 413", async () => {
    let calls = 0;
    const h = paysg.createWebhookHandler({ secret: SECRET, store: paysg.memoryStore(), onEvent: () => void calls++ });
    const at = eventOf(LIMIT);
    assert.equal(new TextEncoder().encode(at).byteLength, LIMIT);
    assert.equal((await h(post(at, paysg.signWebhook(at, SECRET)))).status, 200);
    const over = eventOf(LIMIT + 1);
    const res = await h(post(over, paysg.signWebhook(over, SECRET)));
    assert.equal(res.status, 413);
    assert.equal((await res.json()).outcome, "invalid_payload");
    assert.equal(calls, 1);
  });

  test("a 200 MiB body streamed in is cancelled just past the limit (handler and verifyWebhookRequest)", async () => {
    const before = process.memoryUsage().arrayBuffers;
    const a = counting(200 * LIMIT);
    const res = await paysg.createWebhookHandler({ secret: SECRET, store: paysg.memoryStore(), onEvent: () => assert.fail("not called") })(post(a.stream));
    assert.equal(res.status, 413);
    assert.match((await res.json()).detail, /bytes or more; .* at most 1048576 bytes/);
    assert.ok(a.stats.cancelled, "the stream is cancelled");
    assert.ok(a.stats.pulled <= LIMIT + 2 * 64 * 1024, `pulled ${a.stats.pulled} bytes`);
    const b = counting(200 * LIMIT);
    await assert.rejects(paysg.verifyWebhookRequest(post(b.stream), SECRET), (e) => e instanceof paysg.PaySGSignatureError && e.reason === "invalid_payload");
    assert.ok(b.stats.cancelled);
    assert.ok(b.stats.pulled <= LIMIT + 2 * 64 * 1024, `pulled ${b.stats.pulled} bytes`);
    assert.ok(process.memoryUsage().arrayBuffers - before < 50 * LIMIT, "nowhere near 200 MiB held");
  });

  test("a Content-Length over the limit is refused before anything is read", async () => {
    const a = counting(200 * LIMIT);
    const req = post(a.stream, "t=1, v1=00", { "content-length": String(200 * LIMIT) });
    const res = await paysg.createWebhookHandler({ secret: SECRET, store: paysg.memoryStore(), onEvent: () => {} })(req);
    assert.equal(res.status, 413);
    assert.equal(a.stats.pulled, 0);
  });
});

describe("stores that fail, options checked at creation", () => {
  const body = EVENT();
  const sign = () => paysg.signWebhook(body, SECRET);
  test("a store that fails: 503 and onEvent not run (claim), or run once and the event kept busy until its lease ends (complete)", async () => {
    let calls = 0;
    const down = { claim: async () => { throw new Error("down"); }, complete: async () => {}, release: async () => {} };
    const res = await paysg.createWebhookHandler({ secret: SECRET, store: down, onEvent: () => void calls++ })(post(body, sign()));
    assert.deepEqual([res.status, (await res.json()).outcome], [503, "store_unavailable"]);
    assert.equal(calls, 0);
    const mem = paysg.memoryStore();
    const flaky = { claim: mem.claim, release: mem.release, complete: async () => { throw new Error("down"); } };
    const h = paysg.createWebhookHandler({ secret: SECRET, store: flaky, onEvent: () => void calls++ });
    assert.equal((await h(post(body, sign()))).status, 503);
    assert.equal((await h(post(body, sign()))).status, 409, "within the lease, a retry does not run onEvent again");
    assert.equal(calls, 1);
    const odd = { claim: async () => "yes", complete: async () => {}, release: async () => {} };
    const r = await paysg.createWebhookHandler({ secret: SECRET, store: odd, onEvent: () => void calls++ })(post(body, sign()));
    assert.equal(r.status, 500);
    assert.match((await r.json()).detail, /store\.claim must resolve to "claimed", "done", "busy"; it resolved to "yes"/);
    assert.equal(calls, 1);
  });

  test("the handler never rejects: not a request, headers that throw, a body stream that fails", async () => {
    const h = paysg.createWebhookHandler({ secret: SECRET, store: paysg.memoryStore(), onEvent: () => assert.fail("not called") });
    const got = async (req) => {
      const res = await h(req);
      return [res.status, (await res.json()).outcome];
    };
    assert.deepEqual(await got(null), [500, "not_a_request"]);
    assert.deepEqual(await got({ headers: { get() { throw new Error("trap"); } }, text: async () => "" }), [400, "unreadable_body"]);
    const failing = new ReadableStream({ pull(c) { c.error(new Error("connection reset")); } });
    assert.deepEqual(await got(post(failing)), [400, "unreadable_body"]);
    const body = EVENT();
    assert.deepEqual(await got(post(body, paysg.signWebhook(body, SECRET).replace("v1=", "v1=0"))), [400, "malformed_header"]);
  });

  test("memoryStore: claims are exclusive, leases end, release frees, done stays done", async () => {
    const s = paysg.memoryStore();
    const results = await Promise.all(Array.from({ length: 50 }, () => s.claim("e1", 50)));
    assert.deepEqual([results.filter((r) => r === "claimed").length, results.filter((r) => r === "busy").length], [1, 49]);
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(await s.claim("e1", 1000), "claimed", "a lease that ended is taken over");
    await s.release("e1");
    assert.equal(await s.claim("e1", 1000), "claimed");
    await s.complete("e1");
    await s.release("e1");
    assert.equal(await s.claim("e1", 1000), "done");
    // Done events are forgotten after keepDoneMs (4 days by default; PaySG retries for 3).
    const short = paysg.memoryStore({ keepDoneMs: 50 });
    await short.claim("old", 1000);
    await short.complete("old");
    assert.equal(await short.claim("old", 1000), "done");
    await short.complete("old");
    await short.claim("abandoned", 10);
    assert.equal(short.size, 2);
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(await short.claim("new", 1000), "claimed");
    assert.equal(short.size, 1, "the old done event and the ended claim are swept");
    assert.equal(await short.claim("old", 1000), "claimed");
    for (const keepDoneMs of [0, -1, NaN, "4d"]) assert.throws(() => paysg.memoryStore({ keepDoneMs }), paysg.PaySGValidationError);
  });

  test("bad options are one PaySGValidationError at creation, naming each; inherited properties are not read", () => {
    const store = paysg.memoryStore();
    const fields = (o) => {
      try {
        paysg.createWebhookHandler(o);
      } catch (e) {
        assert.ok(e instanceof paysg.PaySGValidationError, String(e));
        assert.doesNotMatch(e.message, /whsec_/);
        return e.errors.map((x) => `${x.field}:${x.code}`);
      }
      return "created";
    };
    assert.deepEqual(fields({ store, onEvent() {} }), ["secret:required"]);
    assert.deepEqual(fields({ secret: "", store, onEvent() {} }), ["secret:required"]);
    assert.deepEqual(fields({ secret: SECRET, store: {}, onEvent: "x" }), ["store.claim:required", "store.complete:required", "store.release:required", "onEvent:invalid_type"]);
    assert.deepEqual(fields({ secret: SECRET, store, onEvent() {}, client: {}, leaseMs: 999, toleranceSeconds: -1 }), ["client:invalid_type", "toleranceSeconds:out_of_range", "leaseMs:out_of_range"]);
    assert.deepEqual(fields({ secret: SECRET, store, onEvent() {}, leaseMs: 1000, toleranceSeconds: 3 * 86400 + 300 }), "created");
    assert.deepEqual(fields({ secret: SECRET, store, onEvent() {}, leaseMs: 3_600_001 }), ["leaseMs:out_of_range"]);
    assert.deepEqual(fields(Object.create({ secret: SECRET, store, onEvent() {} })), ["secret:required", "store.claim:required", "store.complete:required", "store.release:required", "onEvent:required"]);
    assert.deepEqual(fields(null), ["options:invalid_type"]);
    assert.throws(() => paysg.durableObjectStore({}), (e) => e instanceof paysg.PaySGValidationError && e.errors[0].field === "namespace" && /given object without them/.test(e.message));
    assert.throws(() => paysg.durableObjectStore(undefined), /given undefined/);
    assert.throws(() => paysg.createWebhookHandler({ secret: SECRET, onEvent() {} }), (e) => e.errors.every((x) => /the store is undefined$/.test(x.message)));
    assert.throws(() => paysg.createWebhookHandler({ secret: SECRET, store: { claim() {} }, onEvent() {} }), (e) => /its complete is undefined$/.test(e.errors[0].message));
  });
});

describe("examples/webhook-node.mjs survives what used to kill it", () => {
  test("without a secret it stops at start-up with one clear line", async () => {
    copyFileSync(join(root, "examples", "webhook-node.mjs"), join(project, "webhook-node.mjs"));
    const env = { ...process.env };
    delete env.PAYSG_WEBHOOK_SECRET;
    const r = await new Promise((resolve) => {
      const p = spawn(process.execPath, ["webhook-node.mjs"], { cwd: project, env, stdio: ["ignore", "pipe", "pipe"] });
      let out = "", err = "";
      p.stdout.on("data", (d) => (out += d));
      p.stderr.on("data", (d) => (err += d));
      p.on("close", (code) => resolve({ code, out, err }));
    });
    assert.equal(r.code, 1);
    assert.equal(r.out, "");
    assert.equal(r.err, "PAYSG_WEBHOOK_SECRET is not set: it is the secret PaySG gave for this endpoint\n");
  });

  test("a body streamed past the limit is cut off, a client that hangs up is shrugged off, and the server keeps serving", async () => {
    copyFileSync(join(root, "examples", "webhook-node.mjs"), join(project, "webhook-node.mjs"));
    const server = spawn(process.execPath, ["webhook-node.mjs"], { cwd: project, env: { ...process.env, PAYSG_WEBHOOK_SECRET: SECRET, PORT: "0" }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "", err = "";
    server.stdout.on("data", (d) => (out += d));
    server.stderr.on("data", (d) => (err += d));
    try {
      for (let i = 0; i < 100 && !/listening on/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
      const url = new URL(/listening on (\S+)/.exec(out)[1]);
      // 200 MiB offered, chunk by chunk, as fast as the server takes them.
      const sent = await new Promise((resolve) => {
        let written = 0, status = null;
        const req = httpRequest(url, { method: "POST", headers: { "paysg-signature": "t=1, v1=00" } }, (res) => {
          status = res.statusCode;
          res.resume();
          req.destroy(); // refused: stop sending
        });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const finish = () => resolve({ written, status });
        req.on("error", finish);
        req.on("close", finish);
        const pump = () => {
          while (written < 200 * LIMIT) {
            if (status !== null || req.destroyed) return req.destroy();
            written += chunk.length;
            if (!req.write(chunk)) return req.once("drain", pump);
          }
          req.end();
        };
        pump();
      });
      assert.ok(sent.written < 20 * LIMIT, `the server stopped reading after ${sent.written} bytes`);
      assert.ok(sent.status === 413 || sent.status === null, `answered ${sent.status}`);
      // A client that hangs up mid-body.
      await new Promise((resolve) => {
        const req = httpRequest(url, { method: "POST", headers: { "content-length": "1000" } });
        req.on("error", resolve);
        req.write("{\"id\":");
        setTimeout(() => (req.destroy(), resolve()), 50);
      });
      const body = EVENT();
      const ok = await fetch(url, { method: "POST", body, headers: { "paysg-signature": paysg.signWebhook(body, SECRET) } });
      assert.equal(ok.status, 200);
      assert.equal((await fetch(url, { method: "PUT", body })).status, 405);
      assert.equal(server.exitCode, null, `the server is alive (stderr: ${err})`);
      assert.match(out, /paid: p1 \(undefined\)/);
    } finally {
      server.kill();
    }
  });
});
