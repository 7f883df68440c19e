// `npx paysg-sim --data`: the npm package keeps every write it acknowledges (an fsync'd
// journal), as the native one does (sim/tests/durability.rs): kill -9 under keyed concurrent
// load, a full store, a file another simulator holds or the native one wrote, a torn last line.
import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, test } from "node:test";
import { startSim, testProject } from "./helpers.mjs";

let cli;
before(() => {
  cli = [process.execPath, join(testProject(), "node_modules", "paysg-sim", "dist", "cli.mjs")];
});
const folder = () => mkdtempSync(join(tmpdir(), "paysg-sim-data-"));
const create = (url, ref, key) => fetch(`${url}/v1/payment-services/payment_service_data/payments`, {
  method: "POST",
  headers: { "x-api-key": "paysg_stag_data", "content-type": "application/json", "idempotency-key": key },
  body: JSON.stringify({ reference_id: ref, payer_name: "Tan", description: "Data", amount_in_cents: 500 }),
});

test("kill -9 under 8 keyed clients: every acknowledged create replays after restart, every key made one payment", async () => {
  const dir = folder();
  const data = join(dir, "sim.journal");
  const sent = new Map(); // key → id acknowledged, or null
  for (let round = 0; round < 3; round++) {
    const sim = await startSim(["--data", data], { command: cli });
    let stop = false;
    const clients = Array.from({ length: 8 }, async (_, c) => {
      for (let i = 0; !stop; i++) {
        const key = `r${round}-c${c}-${i}`;
        sent.set(key, null);
        try {
          const res = await create(sim.url, key, key);
          assert.equal(res.status, 201, await res.clone().text());
          sent.set(key, (await res.json()).id);
        } catch (e) {
          if (e instanceof assert.AssertionError) throw e;
          return; // killed under it
        }
      }
    });
    await new Promise((r) => setTimeout(r, 300 + round * 100));
    await sim.kill();
    stop = true;
    await Promise.all(clients);
  }
  const acknowledged = [...sent.values()].filter(Boolean).length;
  assert.ok(acknowledged > 30, `only ${acknowledged} acknowledged`);
  const sim = await startSim(["--data", data], { command: cli });
  try {
    for (const [key, id] of sent) {
      const res = await create(sim.url, key, key);
      assert.equal(res.status, 201, `${key}: ${await res.clone().text()}`);
      if (id) {
        assert.equal((await res.json()).id, id, key);
        assert.equal(res.headers.get("idempotent-replayed"), "true");
      }
    }
    const state = await sim.state();
    assert.equal(Object.keys(state.payments_by_reference).length, sent.size);
    assert.ok(Object.values(state.payments_by_reference).every((n) => n === 1), "a key made two payments");
  } finally {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a full store answers 503 and applies nothing; reads go on; the key runs once with room again", async () => {
  const dir = folder();
  const data = join(dir, "sim.journal");
  const sim = await startSim(["--data", data, "--data-max-bytes", "20000"], { command: cli });
  let created = 0, failed;
  try {
    for (let i = 0; i < 500 && !failed; i++) {
      const res = await create(sim.url, `full-${i}`, `full-${i}`);
      if (res.status === 201) created++;
      else {
        assert.equal(res.status, 503);
        assert.equal((await res.json()).error.code, "storage_unavailable");
        failed = `full-${i}`;
      }
    }
    assert.ok(failed && created > 3, `${created} created`);
    assert.match(sim.stderr(), /cannot store a change/);
    assert.equal((await sim.state()).payments, created, "reads keep working; nothing half-applied");
    assert.equal((await create(sim.url, failed, failed)).status, 503, "the failed key is not stored");
  } finally {
    await sim.stop();
  }
  const again = await startSim(["--data", data], { command: cli });
  try {
    const res = await create(again.url, failed, failed);
    assert.equal(res.status, 201);
    assert.equal(res.headers.get("idempotent-replayed"), null);
    assert.equal((await again.state()).payments, created + 1);
  } finally {
    await again.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("refused at start with one line: another simulator's file, the native one's SQLite file, an unwritable path", async () => {
  const dir = folder();
  const data = join(dir, "sim.journal");
  const sim = await startSim(["--data", data], { command: cli });
  try {
    await assert.rejects(startSim(["--data", data], { command: cli }), /in use by another paysg-sim/);
  } finally {
    await sim.stop();
  }
  const again = await startSim(["--data", data], { command: cli }); // the lock is released on stop
  await again.stop();
  const native = await startSim(["--data", join(dir, "native.db")]);
  await native.stop();
  await assert.rejects(startSim(["--data", join(dir, "native.db")], { command: cli }), /native paysg-sim \(SQLite\)/);
  await assert.rejects(startSim(["--data", "/proc/paysg-sim.journal"], { command: cli }), /cannot write \/proc\/paysg-sim\.journal/);
  rmSync(dir, { recursive: true, force: true });
});

test("a torn last line (a crash mid-write) is dropped: it was never answered", async () => {
  const dir = folder();
  const data = join(dir, "sim.journal");
  let sim = await startSim(["--data", data], { command: cli });
  assert.equal((await create(sim.url, "T-1", "t-1")).status, 201);
  await sim.kill();
  appendFileSync(data, '{"payments":[{"payment":{"id":"torn');
  sim = await startSim(["--data", data], { command: cli });
  try {
    assert.equal((await sim.state()).payments, 1);
    assert.equal((await create(sim.url, "T-2", "t-2")).status, 201);
    assert.ok(readFileSync(data, "utf8").endsWith("\n"), "the journal was cut back to its last whole line");
  } finally {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
