// The Workers stores in workerd (bundled by wrangler, run in Miniflare): the Durable Object store
// (`durableObjectStore` + `PaySGWebhookEvents`) and the README's D1 example store
// (examples/webhook-store-d1.js) keep the store contract under concurrency, and behind
// createWebhookHandler process paysg-sim's deliveries exactly once when onEvent throws once and
// when two deliveries of one event arrive together.
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { bundleWorker, root, startMiniflare, testProject } from "./helpers.mjs";

const SECRET = "whsec_stores";
const KEY = "paysg_stag_stores";
const SERVICE = "payment_service_stores";

const WORKER = `import { createWebhookHandler, durableObjectStore } from "paysg";
import { d1Store, SCHEMA } from "./webhook-store-d1.js";
export { PaySGWebhookEvents } from "paysg";

let failNext = 0; // one isolate in the test: onEvent throws this many times
const store = (env, name) => (name === "d1" ? d1Store(env.DB) : durableObjectStore(env.EVENTS));

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const name = url.searchParams.get("store");
    const id = url.searchParams.get("id");
    switch (url.pathname) {
      case "/setup":
        await env.DB.prepare(SCHEMA).run();
        await env.DB.prepare("CREATE TABLE IF NOT EXISTS effects (event_id TEXT, store TEXT)").run();
        return new Response("ok");
      case "/claim":
        return Response.json(await store(env, name).claim(id, Number(url.searchParams.get("lease"))));
      case "/complete":
        return Response.json(await store(env, name).complete(id) ?? null);
      case "/release":
        return Response.json(await store(env, name).release(id) ?? null);
      case "/fail-next":
        failNext = 1;
        return new Response("ok");
      case "/effects":
        return Response.json((await env.DB.prepare("SELECT event_id, store FROM effects ORDER BY rowid").all()).results);
      case "/webhooks":
        return createWebhookHandler({
          secret: env.SECRET,
          store: store(env, name),
          async onEvent(event) {
            await new Promise((r) => setTimeout(r, Number(url.searchParams.get("slow") ?? 0)));
            if (failNext > 0) {
              failNext--;
              throw new Error("the database is down");
            }
            await env.DB.prepare("INSERT INTO effects (event_id, store) VALUES (?1, ?2)").bind(event.id, name).run();
          },
        })(request);
    }
    return new Response("not found", { status: 404 });
  },
};
`;

let paysg, simPkg, mf;
before(async () => {
  const project = testProject();
  paysg = await import(join(project, "node_modules", "paysg", "dist", "node.mjs"));
  simPkg = await import(join(project, "node_modules", "paysg-sim", "dist", "node.mjs"));
  mkdirSync(join(project, "worker-webhook-stores"), { recursive: true });
  copyFileSync(join(root, "examples", "webhook-store-d1.js"), join(project, "worker-webhook-stores", "webhook-store-d1.js"));
  const out = bundleWorker(project, "webhook-stores", WORKER);
  mf = await startMiniflare(out, { SECRET }, {
    d1Databases: ["DB"],
    durableObjects: { EVENTS: { className: "PaySGWebhookEvents", useSQLite: true } },
  });
  assert.equal(await (await mf.dispatchFetch("http://localhost/setup")).text(), "ok");
});
after(() => mf?.dispose());

const call = async (path) => (await mf.dispatchFetch(`http://localhost${path}`)).json();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

for (const name of ["do", "d1"]) {
  describe(`${name === "do" ? "durableObjectStore" : "the D1 example store"} in workerd`, () => {
    test("the contract: one claim of 20 concurrent wins, a lease ends, release frees, done stays done", async () => {
      const id = `evt_contract_${name}`;
      const all = await Promise.all(Array.from({ length: 20 }, () => call(`/claim?store=${name}&id=${id}&lease=60000`)));
      assert.deepEqual([all.filter((r) => r === "claimed").length, all.filter((r) => r === "busy").length], [1, 19]);
      // A short lease: busy while it runs, taken over once it ended.
      assert.equal(await call(`/claim?store=${name}&id=short_${id}&lease=300`), "claimed");
      assert.equal(await call(`/claim?store=${name}&id=short_${id}&lease=60000`), "busy");
      await sleep(350);
      assert.equal(await call(`/claim?store=${name}&id=short_${id}&lease=60000`), "claimed", "a lease that ended is taken over");
      await call(`/release?store=${name}&id=${id}`);
      assert.equal(await call(`/claim?store=${name}&id=${id}&lease=60000`), "claimed");
      await call(`/complete?store=${name}&id=${id}`);
      await call(`/release?store=${name}&id=${id}`);
      assert.equal(await call(`/claim?store=${name}&id=${id}&lease=60000`), "done");
      assert.equal(await call(`/claim?store=${name}&id=other_${id}&lease=60000`), "claimed", "ids are independent");
    });

    test("paysg-sim's delivery: onEvent throws once, the retry is processed exactly once; concurrent redeliveries run nothing", async () => {
      let path = `/webhooks?store=${name}`;
      const sim = await simPkg.createSimulator({
        webhookSecret: SECRET, webhookBackoffMs: 20, apiKey: KEY,
        onWebhook: async (request) => mf.dispatchFetch(`http://localhost${path}`, { method: "POST", headers: request.headers, body: await request.text() }),
      });
      try {
        const client = new paysg.PaySG({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: sim.baseUrl, fetch: sim.fetch });
        const p = await client.createPayment({ reference_id: `STORE-${name}`, payer_name: "A", description: "D", amount_in_cents: 100 });
        await mf.dispatchFetch("http://localhost/fail-next");
        await sim.pay(p.id);
        let attempts = [];
        for (let i = 0; i < 250 && !attempts.some((a) => a.delivered); i++) {
          await sleep(20);
          attempts = (await sim.webhooks()).attempts;
        }
        assert.deepEqual(attempts.map((a) => a.status), [500, 200]);
        const id = attempts[0].event_id;
        assert.deepEqual((await call("/effects")).filter((e) => e.event_id === id), [{ event_id: id, store: name }]);
        // The same event again, twice at once: both duplicates, nothing runs.
        const body = JSON.stringify({ id, type: "payment.succeeded", object: "event", payment_service_id: SERVICE, data: { object: { id: p.id } } });
        const send = (ev, q = "") => mf.dispatchFetch(`http://localhost/webhooks?store=${name}${q}`, { method: "POST", body: ev, headers: { "paysg-signature": paysg.signWebhook(ev, SECRET) } });
        const dups = await Promise.all([send(body), send(body)]);
        assert.deepEqual(dups.map((r) => r.status), [200, 200]);
        // A new event, two deliveries at once while onEvent is slow: one runs, the other is 409.
        const fresh = body.replace(id, `${id}_again`);
        const both = await Promise.all([send(fresh, "&slow=200"), sleep(50).then(() => send(fresh, "&slow=200"))]);
        assert.deepEqual(both.map((r) => r.status).sort(), [200, 409]);
        assert.equal((await call("/effects")).filter((e) => e.event_id === `${id}_again`).length, 1);
        const tampered = await mf.dispatchFetch(`http://localhost/webhooks?store=${name}`, { method: "POST", body: fresh.replace("payment.succeeded", "payment.failed"), headers: { "paysg-signature": paysg.signWebhook(fresh, SECRET) } });
        assert.equal(tampered.status, 400);
        path = "/unused";
      } finally {
        await sim.close();
      }
    });
  });
}
