// The current wrangler 4.x (4.164.0, the registry's latest when this was written, pinned), on the
// Node it requires (it asks for >= 22.12; run on 24), builds a Worker that uses paysg — the
// e-service of docs/paysg-sim.md — and runs it with `wrangler dev`: the Worker creates a payment
// on paysg-sim, the payer pays, and paysg-sim's signed webhook reaches the Worker, which verifies
// it. The Node 20 path (this machine's wrangler 4.86) is tested by the other Worker tests.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { cpSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { root, startSim, testProject, tool } from "./helpers.mjs";

let project, sim, port, wranglerDir;
const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, "127.0.0.1", () => {
    const { port: p } = s.address();
    s.close(() => resolve(p));
  });
});

before(async () => {
  project = testProject();
  cpSync(join(root, "sim", "pkg", "examples", "eservice-worker.js"), join(project, "eservice-worker.js"));
  wranglerDir = dirname(dirname(dirname(tool("wrangler")))); // <cache>/node_modules/.bin/wrangler → <cache>
  port = await freePort();
  sim = await startSim(["--webhook-url", `http://127.0.0.1:${port}/webhooks`, "--webhook-secret", "whsec_current", "--webhook-backoff-ms", "100"]);
});
after(() => sim?.stop());

test("wrangler 4.164 on Node 24 builds and runs (wrangler dev) a Worker that creates a payment and verifies paysg-sim's webhook", async () => {
  const node = tool("node24");
  const wrangler = join(wranglerDir, "node_modules", "wrangler", "bin", "wrangler.js");
  const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1", NO_COLOR: "1" };
  execFileSync(node, [wrangler, "deploy", "--dry-run", "--outdir", "w-current", "--name", "eservice", "--compatibility-date", "2026-04-01", "eservice-worker.js"], { cwd: project, stdio: "pipe", env });
  const vars = { PAYSG_BASE_URL: sim.url, PAYSG_API_KEY: "paysg_stag_current", PAYSG_PAYMENT_SERVICE_ID: "payment_service_current", PAYSG_WEBHOOK_SECRET: "whsec_current" };
  const dev = spawn(node, [wrangler, "dev", "eservice-worker.js", "--name", "eservice", "--compatibility-date", "2026-04-01", "--ip", "127.0.0.1", "--port", String(port),
    ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`])], { cwd: project, env, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  dev.stdout.on("data", (d) => (log += d));
  dev.stderr.on("data", (d) => (log += d));
  try {
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`wrangler dev did not start:\n${log}`)), 60_000);
      const poll = setInterval(() => {
        const m = /Ready on (http:\/\/\S+)/.exec(log);
        if (m) {
          clearInterval(poll);
          clearTimeout(timer);
          resolve(m[1]);
        }
      }, 50);
      dev.on("exit", (code) => reject(new Error(`wrangler dev exited (${code}):\n${log}`)));
    });
    const order = await (await fetch(new URL("/orders", url), { method: "POST" })).json();
    assert.equal(typeof order.paymentId, "string", JSON.stringify(order));
    await fetch(`${sim.url}/sim/payments/${order.paymentId}/pay`, { method: "POST" });
    let paid = false;
    for (let i = 0; i < 100 && !paid; i++) {
      await new Promise((r) => setTimeout(r, 50));
      paid = (await (await fetch(new URL(`/orders/${order.paymentId}`, url))).json()).paid;
    }
    assert.equal(paid, true, "the Worker verified paysg-sim's webhook");
  } finally {
    dev.kill("SIGTERM");
  }
});
