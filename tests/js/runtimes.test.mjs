// Every runtime `engines` admits and the ones users pick: one user script — validate a body,
// verify a webhook, create a payment without an idempotency key (against paysg-sim over HTTP),
// read it back — as ESM in Node 20 (this machine's), 22, 24 and 26, Deno 2 and Bun 1, and as
// CommonJS where the runtime has it (Node, Bun). The runtimes come from npm, cached.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { root, startSim, testProject, tool } from "./helpers.mjs";

const BODY = (lib) => `
const body = JSON.stringify({ id: "evt_1", type: "payment.succeeded", object: "event", payment_service_id: "payment_service_rt", data: { object: { id: "p1", payment_status: "paid", amount_in_cents: 1100 } } });
async function main() {
  const checked = ${lib}.validateCreatePayment({ reference_id: "RT-1", payer_name: "Tan Ah Kow", description: "Parking", amount_in_cents: 1100, due_date: "2024-12-31" });
  const event = ${lib}.verifyWebhook(body, ${lib}.signWebhook(body, "whsec_rt"), "whsec_rt");
  const client = new ${lib}.PaySG({ apiKey: "paysg_stag_runtimes", paymentServiceId: "payment_service_rt", baseUrl: process.env.PAYSG_BASE_URL });
  const created = await client.createPayment(checked.value); // no idempotency key: a random one
  const again = await client.getPayment(created.id);
  console.log(JSON.stringify({ due: checked.value.due_date, event: event.type, created: again.id === created.id, status: again.payment_status }));
}
`;
const EXPECTED = { due: "31-DEC-2024", event: "payment.succeeded", created: true, status: "unpaid" };
let project, sim;

before(async () => {
  project = testProject();
  writeFileSync(join(project, "user.mjs"), `import * as paysg from "paysg";\n${BODY("paysg")}\nawait main();\n`);
  writeFileSync(join(project, "user.cjs"), `const paysg = require("paysg");\n${BODY("paysg")}\nmain().catch((e) => { console.error(e); process.exit(1); });\n`);
  sim = await startSim();
});
after(() => sim?.stop());

const RUNTIMES = {
  "node 20": { exe: () => process.execPath, esm: ["user.mjs"], cjs: ["user.cjs"] },
  "node 22": { exe: () => tool("node22"), esm: ["user.mjs"], cjs: ["user.cjs"] },
  "node 24": { exe: () => tool("node24"), esm: ["user.mjs"], cjs: ["user.cjs"] },
  "node 26": { exe: () => tool("node26"), esm: ["user.mjs"], cjs: ["user.cjs"] },
  "deno 2": { exe: () => tool("deno"), esm: ["run", "-A", "user.mjs"] },
  "bun 1": { exe: () => tool("bun"), esm: ["user.mjs"], cjs: ["user.cjs"] },
};

for (const [name, r] of Object.entries(RUNTIMES)) {
  for (const kind of ["esm", "cjs"].filter((k) => r[k])) {
    test(`${name} (${kind === "esm" ? "ESM" : "CommonJS"}): validate, verify a webhook, create a payment with no idempotency key`, () => {
      const out = execFileSync(r.exe(), r[kind], {
        cwd: project,
        env: { ...process.env, PAYSG_BASE_URL: sim.url, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
      }).toString().trim().split("\n").at(-1);
      assert.deepEqual(JSON.parse(out), EXPECTED);
    });
  }
}

test("engines admits exactly the Node majors tested here", () => {
  const engines = JSON.parse(readFileSync(join(root, "pkg", "package.json"), "utf8")).engines.node;
  assert.equal(engines, ">=20");
  const tested = Object.keys(RUNTIMES).filter((n) => n.startsWith("node")).map((n) => Number(n.split(" ")[1]));
  assert.equal(Math.min(...tested), 20);
});
