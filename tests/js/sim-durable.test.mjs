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
