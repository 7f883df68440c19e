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
