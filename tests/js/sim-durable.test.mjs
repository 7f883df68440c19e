// paysg-sim as a Worker with its state in a Durable Object (`paysg-sim/durable`): two clients
// share one simulator, and what it answered survives a restart of workerd (Miniflare with
// persisted Durable Objects), idempotency records included.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, test } from "node:test";
import { bin, root, testProject } from "./helpers.mjs";

let out;
before(() => {
  const dir = join(testProject(), "worker-sim-durable");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "worker.js"), 'export { PaySGSimulator, default } from "paysg-sim/durable";\n');
  writeFileSync(join(dir, "wrangler.toml"), `name = "paysg-sim"\nmain = "worker.js"\ncompatibility_date = "2026-04-01"\n\n[[durable_objects.bindings]]\nname = "PAYSG_SIM"\nclass_name = "PaySGSimulator"\n\n[[migrations]]\ntag = "v1"\nnew_sqlite_classes = ["PaySGSimulator"]\n`);
  execFileSync(bin("wrangler"), ["deploy", "--dry-run", "--outdir", "out"], { cwd: dir, stdio: "pipe", env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" } });
  out = join(dir, "out");
});

async function workerd(persist) {
  const { Miniflare } = await import(join(root, "node_modules", "miniflare", "dist", "src", "index.js"));
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(out, "worker.js"),
    modulesRoot: out,
    modulesRules: [{ type: "ESModule", include: ["**/*.js", "**/*.mjs"] }, { type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: "2026-04-01",
    durableObjects: { PAYSG_SIM: { className: "PaySGSimulator", useSQLite: true } },
    durableObjectsPersist: persist,
    bindings: { PAYSG_SIM_OPTIONS: JSON.stringify({ apiKey: ["paysg_stag_team_a", "paysg_stag_team_b"] }) },
    cf: false,
  });
  await mf.ready;
  return mf;
}

const create = (mf, key, ref, idem) => mf.dispatchFetch("http://sim.team/v1/payment-services/payment_service_team/payments", {
  method: "POST",
  headers: { "x-api-key": key, "content-type": "application/json", "idempotency-key": idem },
  body: JSON.stringify({ reference_id: ref, payer_name: "Tan", description: "Shared", amount_in_cents: 700 }),
});

test("a team shares one simulator, and it keeps what it answered across a restart", async () => {
  const persist = mkdtempSync(join(tmpdir(), "paysg-sim-do-"));
  let mf = await workerd(persist);
  let id;
  try {
    const res = await create(mf, "paysg_stag_team_a", "DO-1", "do-key-1");
    assert.equal(res.status, 201);
    ({ id } = await res.json());
    const seen = await mf.dispatchFetch(`http://sim.team/v1/payment-services/payment_service_team/payments/${id}`, { headers: { "x-api-key": "paysg_stag_team_b" } });
    assert.equal(seen.status, 200, "the other client sees it");
    assert.equal((await seen.json()).payment_url, `http://sim.team/payments/${id}`);
    const paid = await mf.dispatchFetch(`http://sim.team/sim/payments/${id}/pay`, { method: "POST" });
    assert.equal(paid.status, 200);
  } finally {
    await mf.dispose();
  }
  mf = await workerd(persist);
  try {
    const after = await mf.dispatchFetch(`http://sim.team/v1/payment-services/payment_service_team/payments/${id}`, { headers: { "x-api-key": "paysg_stag_team_a" } });
    assert.equal((await after.json()).payment_status, "paid", "kept across the restart");
    const replay = await create(mf, "paysg_stag_team_a", "DO-1", "do-key-1");
    assert.equal(replay.headers.get("idempotent-replayed"), "true");
    assert.equal((await replay.json()).id, id);
    const state = await (await mf.dispatchFetch("http://sim.team/sim/state")).json();
    assert.deepEqual(state.payments_by_reference, { "DO-1": 1 });
  } finally {
    await mf.dispose();
    rmSync(persist, { recursive: true, force: true });
  }
});

test("its storage is a snapshot in chunks and the changes since, across restarts, not every change ever made", async () => {
  const persist = mkdtempSync(join(tmpdir(), "paysg-sim-do-compact-"));
  const storage = async (mf) => (await mf.dispatchFetch("http://sim.team/sim/storage")).json();
  // Each payment carries ≈ 1.6 KB of metadata: 120 of them are a state larger than one stored
  // value (128 KiB), so the snapshot needs several chunks.
  const bulky = (i) => ({ reference_id: `BULK-${i}`, payer_name: "Tan", description: "Bulk", amount_in_cents: 100 + i, metadata: Object.fromEntries(Array.from({ length: 8 }, (_, k) => [`k${k}`, `${i}-${k}-`.padEnd(200, "x")])) });
  const make = (mf, i) => mf.dispatchFetch("http://sim.team/v1/payment-services/payment_service_team/payments", {
    method: "POST",
    headers: { "x-api-key": "paysg_stag_team_a", "content-type": "application/json" },
    body: JSON.stringify(bulky(i)),
  });
  const count = async (mf) => (await (await mf.dispatchFetch("http://sim.team/sim/state")).json()).payments;
  let mf = await workerd(persist);
  try {
    for (let i = 0; i < 120; i++) assert.equal((await make(mf, i)).status, 201);
    const before = await storage(mf);
    assert.equal(before.snapshot, null, "no snapshot yet: one change per payment");
    assert.equal(before.changes, 120);
  } finally {
    await mf.dispose();
  }
  for (let restart = 1; restart <= 2; restart++) {
    mf = await workerd(persist);
    try {
      // Loading wrote a snapshot of everything and deleted the changes it holds.
      const after = await storage(mf);
      assert.equal(after.changes, 0, `restart ${restart}: the changes are in the snapshot`);
      assert.ok(after.snapshot.chunks > 1, `restart ${restart}: a state larger than one value is chunked (${after.snapshot.chunks})`);
      assert.equal(await count(mf), 120 + 5 * (restart - 1), `restart ${restart}: every payment kept`);
      const one = await mf.dispatchFetch("http://sim.team/v1/payment-services/payment_service_team/payments?limit=1", { headers: { "x-api-key": "paysg_stag_team_b" } });
      assert.equal((await one.json()).data[0].metadata.k7, `${restart === 1 ? 119 : 1000 * (restart - 1) + 4}-7-`.padEnd(200, "x"), "the newest payment, whole");
      for (let i = 0; i < 5; i++) assert.equal((await make(mf, 1000 * restart + i)).status, 201);
      assert.equal((await storage(mf)).changes, 5, "new changes are stored one by one after the snapshot");
    } finally {
      await mf.dispose();
    }
  }
  // While it runs: a snapshot every 1,000 changes, so storage stays bounded without a restart.
  mf = await workerd(persist);
  try {
    const at = (await storage(mf)).snapshot.seq;
    const small = (i) => mf.dispatchFetch("http://sim.team/v1/payment-services/payment_service_team/payments", {
      method: "POST",
      headers: { "x-api-key": "paysg_stag_team_a", "content-type": "application/json" },
      body: JSON.stringify({ reference_id: `SMALL-${i}`, payer_name: "Tan", description: "Small", amount_in_cents: 100 }),
    });
    for (let i = 0; i < 1010; i++) assert.equal((await small(i)).status, 201);
    const running = await storage(mf);
    assert.ok(running.snapshot.seq >= at + 1000, `a snapshot taken while running (${running.snapshot.seq} after ${at})`);
    assert.ok(running.changes < 1000, `the changes it holds deleted (${running.changes} left)`);
    assert.equal(await count(mf), 130 + 1010);
  } finally {
    await mf.dispose();
  }
  rmSync(persist, { recursive: true, force: true });
});
