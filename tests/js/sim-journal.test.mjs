// `npx paysg-sim --data` and `createSimulator({ data })`: who may write a journal, and what a
// journal that cannot be read does at start. One writer at a time whatever the pids (a stale
// `.lock` naming a dead process, this process, or pid 1 as in a container after kill -9); a bad
// line or a non-UTF-8 byte refuses with the file and the line and leaves nothing behind; a torn
// last line is cut at its byte offset.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, test } from "node:test";
import { startSim, testProject } from "./helpers.mjs";

let cli, simPkg;
before(async () => {
  cli = [process.execPath, join(testProject(), "node_modules", "paysg-sim", "dist", "cli.mjs")];
  simPkg = await import(join(testProject(), "node_modules", "paysg-sim", "dist", "node.mjs"));
});
const folder = () => mkdtempSync(join(tmpdir(), "paysg-sim-journal-"));
const create = (url, ref, f = fetch) => f(`${url}/v1/payment-services/payment_service_j/payments`, {
  method: "POST",
  headers: { "x-api-key": "paysg_stag_j", "content-type": "application/json", "idempotency-key": ref },
  body: JSON.stringify({ reference_id: ref, payer_name: "Tan", description: "Journal", amount_in_cents: 500 }),
});
/** A journal holding `refs`, one payment each, written by a simulator that then stopped. */
async function journalWith(data, refs) {
  const sim = await simPkg.createSimulator({ data });
  for (const ref of refs) assert.equal((await create(sim.baseUrl, ref, sim.fetch)).status, 201);
  await sim.close();
}
/** A port nothing listens on (now). */
const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, "127.0.0.1", () => {
    const { port } = s.address();
    s.close(() => resolve(port));
  });
});

test("3 simulators started together on a stale-locked journal: exactly one runs, the others name the file; nothing acknowledged is lost", async () => {
  const dir = folder();
  const data = join(dir, "sim.journal");
  const dead = spawnSync(process.execPath, ["-e", ""]).pid;
  const acknowledged = [];
  try {
    for (let round = 0; round < 8; round++) {
      writeFileSync(`${data}.lock`, String(dead)); // left by a simulator killed -9
      const started = await Promise.allSettled([0, 1, 2].map(() => startSim(["--data", data], { command: cli })));
      const running = started.filter((s) => s.status === "fulfilled").map((s) => s.value);
      const refused = started.filter((s) => s.status === "rejected").map((s) => s.reason.message);
      try {
        assert.equal(running.length, 1, `round ${round}: ${running.length} simulators hold ${data}; refusals: ${refused.join(" | ")}`);
        for (const message of refused) assert.ok(message.includes(data) && /in use by another paysg-sim/.test(message), message);
        const ref = `R-${round}`;
        assert.equal((await create(running[0].url, ref)).status, 201);
        acknowledged.push(ref);
      } finally {
        await Promise.all(running.map((s) => s.kill()));
      }
    }
    const sim = await startSim(["--data", data], { command: cli });
    try {
      const state = await sim.state();
      assert.deepEqual(Object.keys(state.payments_by_reference).sort(), acknowledged.sort());
    } finally {
      await sim.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a restart after kill -9 starts whatever the pids: a lock naming this process or pid 1 with no holder alive", async () => {
  const dir = folder();
  const data = join(dir, "sim.journal");
  try {
    let sim = await startSim(["--data", data], { command: cli });
    assert.equal((await create(sim.url, "K-1")).status, 201);
    await sim.kill();
    for (const pid of [process.pid, 1]) {
      writeFileSync(`${data}.lock`, String(pid)); // a container: the dead holder was pid 1, as is the new one
      sim = await startSim(["--data", data], { command: cli });
      try {
        assert.equal((await sim.state()).payments, 1);
      } finally {
        await sim.kill();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a bad journal line: createSimulator({ data, port }) rejects naming the file and the line, and leaves no server and no lock", async () => {
  const dir = folder();
  const data = join(dir, "sim.journal");
  try {
    await journalWith(data, ["B-1"]); // header and one line (the second start compacts to one)
    await journalWith(data, ["B-2"]);
    const good = readFileSync(data);
    appendFileSync(data, '{"payments":[{"not":"a change"\n');
    const line = good.toString("latin1").split("\n").length; // the line appended
    const port = await freePort();
    await assert.rejects(simPkg.createSimulator({ data, port }), (e) => {
      assert.ok(e.message.includes(data), e.message);
      assert.match(e.message, new RegExp(`line ${line}\\b`));
      return true;
    });
    await assert.rejects(fetch(`http://127.0.0.1:${port}/sim/state`, { signal: AbortSignal.timeout(2000) }), (e) => e.cause?.code === "ECONNREFUSED", "nothing listens");
    writeFileSync(data, good);
    const sim = await simPkg.createSimulator({ data, port });
    try {
      assert.equal((await (await fetch(`${sim.baseUrl}/sim/state`)).json()).payments, 2, "the lock was released");
    } finally {
      await sim.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a non-UTF-8 byte in a whole line refuses with the file and the line, like any bad line", async () => {
  const dir = folder();
  const data = join(dir, "sim.journal");
  try {
    await journalWith(data, ["U-1"]);
    const text = readFileSync(data);
    const at = text.indexOf("U-1");
    writeFileSync(data, Buffer.concat([text.subarray(0, at), Buffer.from([0xff]), text.subarray(at + 1), Buffer.from('{"torn":"\xe9')]));
    const line = text.subarray(0, at).toString("latin1").split("\n").length;
    const bad = new RegExp(`line ${line}\\b.*UTF-8`);
    await assert.rejects(simPkg.createSimulator({ data }), (e) => {
      assert.ok(e.message.includes(data), e.message);
      assert.match(e.message, bad);
      return true;
    });
    await assert.rejects(startSim(["--data", data], { command: cli }), bad);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a torn last line with non-UTF-8 bytes is cut at its byte offset: the next write is its own line and loads after a restart", async () => {
  const dir = folder();
  const data = join(dir, "sim.journal");
  try {
    await journalWith(data, ["T-1", "T-2"]);
    appendFileSync(data, Buffer.concat([Buffer.from('{"payments":[{"payment":{"id":"'), Buffer.from([0xff, 0xfe, 0xc3, 0xe2, 0x82]), Buffer.from("torn")]));
    let sim = await startSim(["--data", data], { command: cli });
    try {
      assert.equal((await sim.state()).payments, 2);
      const after = readFileSync(data);
      assert.equal(after.at(-1), 0x0a, "cut back to the end of the last whole line");
      assert.equal(after.indexOf("torn"), -1);
      assert.equal((await create(sim.url, "T-3")).status, 201);
    } finally {
      await sim.kill();
    }
    const lines = readFileSync(data).toString("utf8").split("\n");
    assert.equal(lines.at(-1), "", "ends with a newline");
    assert.ok(lines.slice(1, -1).every((l) => JSON.parse(l)), "every line is whole JSON");
    sim = await startSim(["--data", data], { command: cli });
    try {
      assert.equal((await sim.state()).payments, 3);
    } finally {
      await sim.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
