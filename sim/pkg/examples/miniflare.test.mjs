// The Worker's tests (eservice-worker.js): it runs in workerd through Miniflare and calls
// paysg-sim over HTTP; the simulator delivers its webhooks to the Worker's own fetch handler.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { createSimulator } from "paysg-sim";

const here = (f) => fileURLToPath(new URL(f, import.meta.url));

test("an order is paid on PaySG, and the Worker hears of it", async () => {
  // Bundled as `wrangler deploy` would (paysg's workerd build and its .wasm module).
  execFileSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", here("./.worker"), "--name", "eservice", "--compatibility-date", "2026-04-01", here("./eservice-worker.js")], { stdio: "pipe" });
  let worker;
  const sim = await createSimulator({
    port: 0,
    webhookSecret: "whsec_test",
    // Each delivery goes to the Worker's fetch handler (Miniflare takes its own Request class).
    onWebhook: async (request) => worker.dispatchFetch(request.url, { method: "POST", headers: request.headers, body: await request.text() }),
  });
  worker = new Miniflare({
    modules: true,
    scriptPath: here("./.worker/eservice-worker.js"),
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: "2026-04-01",
    bindings: { PAYSG_BASE_URL: sim.baseUrl, PAYSG_API_KEY: "paysg_stag_test", PAYSG_PAYMENT_SERVICE_ID: "payment_service_test", PAYSG_WEBHOOK_SECRET: "whsec_test" },
  });
  try {
    const order = await (await worker.dispatchFetch("http://shop/orders", { method: "POST" })).json();
    await sim.pay(order.paymentId);
    let status;
    for (let i = 0; i < 100 && !status?.paid; i++) {
      await new Promise((r) => setTimeout(r, 20));
      status = await (await worker.dispatchFetch(`http://shop/orders/${order.paymentId}`)).json();
    }
    assert.equal(status.paid, true);
  } finally {
    await worker.dispose();
    await sim.close();
  }
});
