// The README's reconciliation recipes, run as users run them against paysg-sim with no webhook:
// examples/reconcile-node.mjs in Node (twice: the second run finds nothing), and
// examples/reconcile-worker.js's Cron Trigger in workerd (Miniflare, with D1), working through 30
// orders in batches that stay within a Worker's subrequests, oldest first, across runs — also
// with 429s on 30 % of requests.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { before, test } from "node:test";
import { bundleWorker, root, startMiniflare, testProject } from "./helpers.mjs";

const KEY = "paysg_stag_recipes";
const SERVICE = "payment_service_recipes";
let project, paysg, simPkg;

before(async () => {
  project = testProject();
  paysg = await import(join(project, "node_modules", "paysg", "dist", "node.mjs"));
  simPkg = await import(join(project, "node_modules", "paysg-sim", "dist", "node.mjs"));
});

/** Creates `n` payments on `sim` (never faulted); their ids, in creation order. */
async function create(sim, n) {
  const fetch = (url, init) => sim.fetch(url, { ...init, headers: { ...init.headers, "x-paysg-sim-fault": "none" } });
  const c = new paysg.PaySG({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: sim.baseUrl, fetch });
  const out = [];
  for (let i = 0; i < n; i++) out.push(await c.createPayment({ reference_id: `ORDER-${i}`, payer_name: "Tan", description: "Parking", amount_in_cents: 500 }));
  return { payments: out, client: c };
}

function runNode(args, env) {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, args, { cwd: project, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

test("examples/reconcile-node.mjs: one run stores what changed, the next finds nothing", async () => {
  const sim = await simPkg.createSimulator({ port: 0, quiet: true });
  try {
    const { payments } = await create(sim, 6);
    const orders = Object.fromEntries(payments.map((p) => [p.id, { id: p.id, payment_status: p.payment_status, latest_status: p.latest_status, refund_status: p.refund_status, reference_id: p.reference_id }]));
    const file = join(project, "orders-recipe.json");
    writeFileSync(file, JSON.stringify(orders));
    await sim.pay(payments[0].id);
    await sim.pay(payments[1].id);
    await sim.refund(payments[1].id, 500);
    await sim.cancel(payments[2].id);
    copyFileSync(join(root, "examples", "reconcile-node.mjs"), join(project, "reconcile-node.mjs"));
    const env = { PAYSG_API_KEY: KEY, PAYSG_PAYMENT_SERVICE_ID: SERVICE, PAYSG_BASE_URL: sim.baseUrl, ORDERS_FILE: file };
    let r = await runNode(["reconcile-node.mjs", "--once"], env);
    assert.equal(r.stderr, "");
    assert.equal(r.code, 0);
    assert.equal(r.stdout, "6 open, 3 changed, 0 not read\n");
    const after = JSON.parse(readFileSync(file, "utf8"));
    assert.deepEqual([0, 1, 2, 3].map((i) => { const o = after[payments[i].id]; return [o.payment_status, o.latest_status, o.refund_status, Boolean(o.released_at)]; }), [
      ["paid", "paid", "not_refunded", true],
      ["paid", "paid", "fully_refunded", true],
      ["unpaid", "cancelled", "not_refunded", false],
      ["unpaid", "unpaid", "not_refunded", false],
    ]);
    assert.equal(after[payments[0].id].reference_id, "ORDER-0", "the order's own fields are kept");
    r = await runNode(["reconcile-node.mjs", "--once"], env);
    assert.equal(r.stdout, "4 open, 0 changed, 0 not read\n", "the cancelled and the refunded are no longer open");
    // PaySG unreachable: each read fails after the client's retries; the run says so and goes on.
    r = await runNode(["reconcile-node.mjs", "--once"], { ...env, PAYSG_BASE_URL: "http://127.0.0.1:9" });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, "4 open, 0 changed, 4 not read\n");
    assert.equal(r.stderr.split("\n").filter((l) => l.endsWith(": connection_error")).length, 4);
  } finally {
    await sim.close();
  }
});

/** A node:http server in front of `sim.fetch` that counts the requests of each run. */
async function countingProxy(sim) {
  const counts = { requests: 0, limited: 0 };
  const server = createServer(async (req, res) => {
    counts.requests++;
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([, v]) => typeof v === "string"));
    const r = await sim.fetch(`${sim.baseUrl}${req.url}`, { method: req.method, headers });
    if (r.status === 429) counts.limited++;
    res.writeHead(r.status, Object.fromEntries(r.headers)).end(await r.text());
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${server.address().port}`, counts, close: () => new Promise((r) => server.close(r)) };
}

/** The Worker recipe over 30 orders in D1, on a simulator with `simOptions`; runs until D1 agrees with PaySG. */
async function workerRecipe(simOptions, maxRuns) {
  const sim = await simPkg.createSimulator({ quiet: true, ...simOptions });
  const proxy = await countingProxy(sim);
  const out = bundleWorker(project, "reconcile", readFileSync(join(root, "examples", "reconcile-worker.js"), "utf8"));
  // 38 subrequests: batches of (38 - 2) / 3 = 12 reads.
  const mf = await startMiniflare(out, { PAYSG_API_KEY: KEY, PAYSG_PAYMENT_SERVICE_ID: SERVICE, PAYSG_BASE_URL: proxy.url, SUBREQUESTS: "38" }, { d1Databases: ["DB"] });
  try {
    const db = await mf.getD1Database("DB");
    const schema = readFileSync(join(root, "examples", "reconcile-worker.js"), "utf8").match(/^\/\/ {3}(CREATE TABLE[\s\S]*?;)\n\/\/ {3}(CREATE INDEX.*;)$/m);
    await db.prepare(schema[1].replace(/\n\/\/ {3}/g, " ")).run();
    await db.prepare(schema[2]).run();
    const { payments, client } = await create(sim, 30);
    for (const p of payments) await db.prepare("INSERT INTO orders (payment_id, payment_status, latest_status, refund_status) VALUES (?, ?, ?, ?)").bind(p.id, p.payment_status, p.latest_status, p.refund_status).run();
    for (const p of payments.slice(0, 8)) await sim.pay(p.id);
    for (const p of payments.slice(10, 13)) await sim.cancel(p.id);
    for (const p of payments.slice(2, 4)) await sim.refund(p.id, 500);
    const truth = new Map();
    for (const p of payments) {
      const now = await client.getPayment(p.id);
      truth.set(p.id, [now.payment_status, now.latest_status, now.refund_status].join());
    }
    const rows = async () => (await db.prepare("SELECT payment_id, payment_status, latest_status, refund_status, checked_at FROM orders ORDER BY payment_id").all()).results;
    const worker = await mf.getWorker();
    const runs = [];
    for (let run = 1; run <= maxRuns; run++) {
      const before = await rows();
      proxy.counts.requests = 0;
      proxy.counts.limited = 0;
      const result = await worker.scheduled({ cron: "*/30 * * * *" });
      assert.equal(result.outcome, "ok");
      const now = await rows();
      const checked = now.filter((r, i) => r.checked_at !== before[i].checked_at).map((r) => r.payment_id);
      // Oldest first: the 12 open orders looked at longest ago (never, first), ties by id.
      const open = before.filter((r) => r.latest_status !== "cancelled" && r.refund_status !== "fully_refunded");
      const expected = [...open].sort((a, b) => a.checked_at - b.checked_at || (a.payment_id < b.payment_id ? -1 : 1)).slice(0, 12).map((r) => r.payment_id).sort();
      assert.deepEqual(checked.sort(), expected, `run ${run}`);
      assert.ok(proxy.counts.requests <= 36, `run ${run}: ${proxy.counts.requests} fetches, within the 38 subrequests less 2 for D1`);
      runs.push({ ...proxy.counts });
      // Done when every order was looked at and D1 agrees with PaySG.
      if (now.every((r) => r.checked_at > 0 && [r.payment_status, r.latest_status, r.refund_status].join() === truth.get(r.payment_id))) return { runs, rows: now };
    }
    assert.fail(`D1 still disagrees with PaySG after ${maxRuns} runs`);
  } finally {
    await mf.dispose();
    await proxy.close();
    await sim.close();
  }
}

test("examples/reconcile-worker.js: the Cron Trigger works through 30 orders in D1 in batches, oldest first", async () => {
  const { runs, rows } = await workerRecipe({}, 3);
  assert.equal(runs.length, 3, "30 orders, 12 a run: the third run reaches the last ones");
  assert.deepEqual(runs.map((r) => r.requests), [12, 12, 12]);
  assert.ok(rows.every((r) => r.checked_at > 0));
});

test("examples/reconcile-worker.js under --fault 429 --fault-rate 0.3: reads that fail are redone in later runs", async () => {
  const { runs } = await workerRecipe({ fault: "429", faultRate: 0.3 }, 12);
  assert.ok(runs.reduce((n, r) => n + r.limited, 0) > 0, "some requests were refused");
});
