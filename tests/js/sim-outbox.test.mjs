// `npx paysg-sim --data`: webhook deliveries pending at a stop are state (issue 23 item 2). Each
// delivery is in the journal line of the payment that made its event; at start the simulator
// resumes each where its schedule left off. As sim/tests/durability.rs does for the native one.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, test } from "node:test";
import { startSim, testProject } from "./helpers.mjs";

let cli;
before(() => {
  cli = [process.execPath, join(testProject(), "node_modules", "paysg-sim", "dist", "cli.mjs")];
});

/** A free port on 127.0.0.1 (nothing listens there until `receiveOn`). */
async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

/** An endpoint at `127.0.0.1:<port>` answering 200: `{ ids, close }`. */
async function receiveOn(port) {
  const ids = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      ids.push(JSON.parse(body).id);
      res.end();
    });
  });
  await new Promise((r) => server.listen(port, "127.0.0.1", r));
  return { ids, close: () => new Promise((r) => server.close(r)) };
}

const create = (url, ref) => fetch(`${url}/v1/payment-services/payment_service_outbox/payments`, {
  method: "POST",
  headers: { "x-api-key": "paysg_stag_outbox", "content-type": "application/json" },
  body: JSON.stringify({ reference_id: ref, payer_name: "Tan", description: "Outbox", amount_in_cents: 500 }),
});
const attempts = async (url) => (await (await fetch(`${url}/sim/webhooks.json`)).json()).attempts;
const until = async (ok, ms) => {
  for (const end = Date.now() + ms; !(await ok()) && Date.now() < end; ) await new Promise((r) => setTimeout(r, 50));
};

test("kill -9 with deliveries pending and the receiver down: after restart every event arrives once, each attempt number once", async () => {
  const dir = mkdtempSync(join(tmpdir(), "paysg-sim-outbox-"));
  const port = await freePort();
  const args = ["--data", join(dir, "sim.journal"), "--webhook-url", `http://127.0.0.1:${port}/hooks`, "--webhook-secret", "s3cret", "--webhook-backoff-ms", "200", "--webhook-max-attempts", "8"];
  const events = 5;
  const first = await startSim(args, { command: cli });
  let before;
  try {
    for (let i = 0; i < events; i++) {
      const res = await create(first.url, `outbox-${i}`);
      assert.equal(res.status, 201, await res.clone().text());
      await first.pay((await res.json()).id);
    }
    await new Promise((r) => setTimeout(r, 500));
    before = await attempts(first.url);
    assert.ok(before.length >= events && before.every((a) => !a.delivered), JSON.stringify(before));
    assert.equal((await first.state()).webhooks_pending, events);
  } finally {
    await first.kill();
  }
  const receiver = await receiveOn(port);
  const sim = await startSim(args, { command: cli });
  try {
    await until(() => receiver.ids.length >= events, 15_000);
    assert.equal(new Set(receiver.ids).size, events, JSON.stringify(receiver.ids));
    assert.equal(receiver.ids.length, events, "an event arrived twice");
    const after = await attempts(sim.url);
    for (const id of new Set(receiver.ids)) {
      const numbers = after.filter((a) => a.event_id === id).map((a) => a.attempt);
      assert.deepEqual(numbers, numbers.map((_, i) => i + 1), `${id}: ${JSON.stringify(after)}`);
      assert.ok(after.some((a) => a.event_id === id && a.delivered), `${id} delivered`);
    }
    await until(async () => (await sim.state()).webhooks_pending === 0, 5_000);
    assert.equal((await sim.state()).webhooks_pending, 0);
    console.log(`outbox (npm): ${events} events, ${before.length} attempts before the kill, ${after.length} in all`);
  } finally {
    await sim.kill();
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the Durable Object: restarted with deliveries pending and the receiver down, it resumes them when it loads", async () => {
  const { bin, root } = await import("./helpers.mjs");
  const { execFileSync } = await import("node:child_process");
  const { mkdirSync, writeFileSync } = await import("node:fs");
  const dir = join(testProject(), "worker-sim-outbox");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "worker.js"), 'export { PaySGSimulator, default } from "paysg-sim/durable";\n');
  writeFileSync(join(dir, "wrangler.toml"), `name = "paysg-sim"\nmain = "worker.js"\ncompatibility_date = "2026-04-01"\n\n[[durable_objects.bindings]]\nname = "PAYSG_SIM"\nclass_name = "PaySGSimulator"\n\n[[migrations]]\ntag = "v1"\nnew_sqlite_classes = ["PaySGSimulator"]\n`);
  execFileSync(bin("wrangler"), ["deploy", "--dry-run", "--outdir", "out"], { cwd: dir, stdio: "pipe", env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" } });
  const out = join(dir, "out");
  const persist = mkdtempSync(join(tmpdir(), "paysg-sim-do-outbox-"));
  const port = await freePort();
  const options = { apiKey: ["paysg_stag_outbox"], webhookUrl: `http://127.0.0.1:${port}/hooks`, webhookSecret: "s3cret", webhookBackoffMs: 200, webhookMaxAttempts: 8 };
  const workerd = async () => {
    const { Miniflare } = await import(join(root, "node_modules", "miniflare", "dist", "src", "index.js"));
    const mf = new Miniflare({
      modules: true,
      scriptPath: join(out, "worker.js"),
      modulesRoot: out,
      modulesRules: [{ type: "ESModule", include: ["**/*.js", "**/*.mjs"] }, { type: "CompiledWasm", include: ["**/*.wasm"] }],
      compatibilityDate: "2026-04-01",
      durableObjects: { PAYSG_SIM: { className: "PaySGSimulator", useSQLite: true } },
      durableObjectsPersist: persist,
      bindings: { PAYSG_SIM_OPTIONS: JSON.stringify(options) },
      cf: false,
    });
    await mf.ready;
    return mf;
  };
  const base = "http://sim.team";
  const json = async (mf, path) => (await mf.dispatchFetch(`${base}${path}`)).json();
  const events = 3;
  let mf = await workerd();
  let before;
  try {
    for (let i = 0; i < events; i++) {
      const res = await mf.dispatchFetch(`${base}/v1/payment-services/payment_service_outbox/payments`, {
        method: "POST",
        headers: { "x-api-key": "paysg_stag_outbox", "content-type": "application/json" },
        body: JSON.stringify({ reference_id: `do-outbox-${i}`, payer_name: "Tan", description: "Outbox", amount_in_cents: 500 }),
      });
      assert.equal(res.status, 201, await res.clone().text());
      const paid = await mf.dispatchFetch(`${base}/sim/payments/${(await res.json()).id}/pay`, { method: "POST" });
      assert.equal(paid.status, 200);
    }
    await new Promise((r) => setTimeout(r, 500));
    before = (await json(mf, "/sim/webhooks.json")).attempts;
    assert.ok(before.length >= events && before.every((a) => !a.delivered), JSON.stringify(before));
  } finally {
    await mf.dispose();
  }
  const receiver = await receiveOn(port);
  mf = await workerd();
  try {
    await json(mf, "/sim/state"); // the object loads on its first request (or its alarm)
    await until(() => receiver.ids.length >= events, 15_000);
    assert.equal(new Set(receiver.ids).size, events, JSON.stringify(receiver.ids));
    assert.equal(receiver.ids.length, events, "an event arrived twice");
    const after = (await json(mf, "/sim/webhooks.json")).attempts;
    for (const id of new Set(receiver.ids)) {
      const numbers = after.filter((a) => a.event_id === id).map((a) => a.attempt);
      assert.deepEqual(numbers, numbers.map((_, i) => i + 1), `${id}: ${JSON.stringify(after)}`);
    }
    console.log(`outbox (Durable Object): ${events} events, ${before.length} attempts before the restart, ${after.length} in all`);
  } finally {
    await mf.dispose();
    await receiver.close();
    rmSync(persist, { recursive: true, force: true });
  }
});
