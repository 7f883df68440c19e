// `node bench/sim-load.mjs <N> [--memory] [--npm]`: paysg-sim with --data or in memory, seeded
// with N payments by 8 clients; then the latency of sequential keyed creates, of gets while 8
// clients create, of list pages of 100, and the resident memory. Prints one JSON line. The native
// release build (--data: SQLite), or with --npm the npm package's server (`npx paysg-sim`, built
// in sim/pkg/dist; --data: its journal). `npm run bench` runs it at 1,000 and 10,000 payments
// (50,000 takes ≈ 30 s to seed).
import { spawn, execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
const N = Number(process.argv[2] || 1000);
const memory = process.argv.includes("--memory");
const npm = process.argv.includes("--npm");
const data = join(tmpdir(), `paysg-sim-load-${process.pid}-${N}.${npm ? "journal" : "db"}`);
for (const f of [data, data + "-wal", data + "-shm", data + ".lock"]) rmSync(f, { force: true });
const args = ["--port", "0", "--quiet", ...(memory ? [] : ["--data", data])];
const sim = npm
  ? spawn(process.execPath, [new URL("../sim/pkg/dist/cli.mjs", import.meta.url).pathname, ...args], { stdio: ["ignore", "pipe", "inherit"] })
  : spawn(process.env.PAYSG_SIM_BIN ?? new URL("../target/release/paysg-sim", import.meta.url).pathname, args, { stdio: ["ignore", "pipe", "inherit"] });
const url = await new Promise((r) => sim.stdout.on("data", (d) => { const m = /listening on (\S+)/.exec(String(d)); if (m) r(m[1]); }));
const base = `${url}/v1/payment-services/payment_service_load/payments`;
const H = { "x-api-key": "paysg_stag_load", "content-type": "application/json" };
const body = (i) => JSON.stringify({ reference_id: `R-${i}`, payer_name: "Tan", description: "Load", amount_in_cents: 100 + (i % 1000) });
let seq = 0;
const create = async () => { const i = seq++; const t = performance.now(); const r = await fetch(base, { method: "POST", headers: { ...H, "idempotency-key": `k-${i}-${Math.random()}` }, body: body(i) }); const j = await r.json(); if (r.status !== 201) throw new Error(`${r.status} ${JSON.stringify(j)}`); return [performance.now() - t, j.id]; };
const ids = [];
const t0 = performance.now();
await Promise.all(Array.from({ length: 8 }, async () => { while (seq < N) { const [, id] = await create(); if (ids.length < 1000) ids.push(id); } }));
const seedS = (performance.now() - t0) / 1000;
const pct = (xs, q) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * q)];
const seqLat = []; for (let i = 0; i < 200; i++) seqLat.push((await create())[0]);
// gets while 8 clients create
let stop = false; const getLat = [];
const writers = Array.from({ length: 8 }, async () => { while (!stop) await create(); });
for (let i = 0; i < 400; i++) { const id = ids[i % ids.length]; const t = performance.now(); const r = await fetch(`${base}/${id}`, { headers: H }); await r.text(); getLat.push(performance.now() - t); }
stop = true; await Promise.all(writers);
const listT = []; let after = ""; for (let i = 0; i < 50; i++) { const t = performance.now(); const r = await fetch(`${base}?limit=100${after}`, { headers: H }); const j = await r.json(); listT.push(performance.now() - t); after = j.page_info.end_cursor ? `&after=${j.page_info.end_cursor}` : ""; }
const rss = Number(execFileSync("ps", ["-o", "rss=", "-p", String(sim.pid)]).toString().trim()) / 1024;
console.log(JSON.stringify({ N, shell: npm ? "npm" : "native", store: memory ? "memory" : npm ? "journal" : "sqlite", seed_s: +seedS.toFixed(1), create_p50_ms: +pct(seqLat, 0.5).toFixed(2), create_p99_ms: +pct(seqLat, 0.99).toFixed(2), get_p50_while_8_create_ms: +pct(getLat, 0.5).toFixed(2), get_p99_while_8_create_ms: +pct(getLat, 0.99).toFixed(2), list_page100_p50_ms: +pct(listT, 0.5).toFixed(2), rss_mb: +rss.toFixed(1) }));
sim.kill();
for (const f of [data, data + "-wal", data + "-shm", data + ".lock"]) rmSync(f, { force: true });
