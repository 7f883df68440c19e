// paysg-sim in-process, with no port, in every runtime the issue names: the paysg client calls
// the simulator through `sim.fetch`, the payer pays, `onWebhook` verifies the event. The same
// script runs in Node, Deno and Bun (installed from npm into a cache), and as a Worker in
// workerd (bundled by wrangler, run by Miniflare).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { bundleWorker, runtime, startMiniflare, testProject } from "./helpers.mjs";

/** The user's code: one payment, paid, its webhook verified. Returns what it saw. */
const SCRIPT = `
import { createSimulator } from "paysg-sim";
import { PaySG, verifyWebhook } from "paysg";

export async function run() {
  const events = [];
  const sim = await createSimulator({
    webhookSecret: "whsec_runtime",
    onWebhook: async (request) => {
      events.push(verifyWebhook(await request.text(), request.headers.get("paysg-signature"), "whsec_runtime"));
      return new Response(null, { status: 204 });
    },
  });
  try {
    const paysg = new PaySG({ apiKey: "paysg_stag_runtime", paymentServiceId: "payment_service_runtime", baseUrl: sim.baseUrl, fetch: sim.fetch });
    const created = await paysg.createPayment({ reference_id: "RT-1", payer_name: "Tan Ah Kow", description: "Runtime", amount_in_cents: 1100 });
    await sim.pay(created.id);
    for (let i = 0; i < 200 && events.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const paid = await paysg.getPayment(created.id);
    return { status: paid.payment_status, event: events[0]?.type, same: events[0]?.data.object.id === created.id };
  } finally {
    await sim.close();
  }
}
`;
const EXPECTED = { status: "paid", event: "payment.succeeded", same: true };
let project;

before(() => {
  project = testProject();
  writeFileSync(join(project, "runtime-lib.mjs"), SCRIPT);
  writeFileSync(join(project, "runtime-main.mjs"), `import { run } from "./runtime-lib.mjs";\nconsole.log(JSON.stringify(await run()));\n`);
});

const runs = {
  node: () => execFileSync(process.execPath, ["runtime-main.mjs"], { cwd: project }),
  deno: () => execFileSync(runtime("deno"), ["run", "-A", "runtime-main.mjs"], { cwd: project, env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" } }),
  bun: () => execFileSync(runtime("bun"), ["runtime-main.mjs"], { cwd: project }),
};
for (const [name, run] of Object.entries(runs)) {
  test(`${name}: createSimulator in-process with the paysg client, no port`, () => {
    const out = run().toString().trim().split("\n").at(-1);
    assert.deepEqual(JSON.parse(out), EXPECTED);
  });
}

test("workerd: createSimulator in-process inside a Worker (wrangler bundle, Miniflare)", async () => {
  const out = bundleWorker(project, "sim-inproc", `${SCRIPT}\nexport default { async fetch() { return Response.json(await run()); } };\n`);
  const mf = await startMiniflare(out);
  try {
    const res = await mf.dispatchFetch("http://worker/");
    assert.deepEqual(await res.json(), EXPECTED);
  } finally {
    await mf.dispose();
  }
});
