// `npm run bench`: paysg against what users would otherwise use, on this machine, in one run.
//   - validation (3 payloads) vs zod 4, valibot 1, ajv 8 (compiled), hand-written JS   [Node]
//   - webhook verification (1 KB, 10 KB) vs node:crypto, WebCrypto, pure-JS HMAC       [Node]
//   - per-call overhead of createPayment vs hand-written fetch + JSON, in-process and over
//     HTTP to a fixed-response server, concurrency 1 and 16                             [Node, workerd]
//   - cold start (import + first call) vs the stripe package                            [Node, workerd]
//   - package size vs stripe bundled for Workers
// Each runtime runs in one process with interleaved rounds; medians, p10–p90 and ratios are
// reported. Writes bench/results.json, BENCHMARKS.md and bench/chart.svg.
import { execFileSync, spawn } from "node:child_process";
import { cpus, totalmem, release } from "node:os";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const analysis = () => readFileSync(join(root, "bench", "analysis.md"), "utf8");
if (process.argv.includes("--report-only")) {
  // Rewrites BENCHMARKS.md and the chart from bench/results.json, without measuring.
  const results = JSON.parse(readFileSync(join(root, "bench", "results.json"), "utf8"));
  const { report, chart } = await import(join(root, "bench", "report.mjs"));
  writeFileSync(join(root, "bench", "chart.svg"), chart(results));
  writeFileSync(join(root, "BENCHMARKS.md"), report(results, analysis()));
  process.exit(0);
}
const quick = process.env.PAYSG_BENCH_QUICK === "1";
const ROUNDS = quick ? 2 : 9;
execFileSync(process.execPath, [join(root, "scripts", "build.mjs")], { stdio: "inherit" });
const dist = join(root, "pkg", "dist");
const log = (s) => process.stderr.write(`${s}\n`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const pct = (xs, q) => [...xs].sort((a, b) => a - b)[Math.round((xs.length - 1) * q)];
const version = (name) => JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")).version;

function startProcess(cmd, args, pattern) {
  const p = spawn(cmd, args, { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    p.on("exit", (c) => reject(new Error(`${cmd} exited ${c}`)));
    p.stdout.on("data", (d) => {
      out += d;
      const m = pattern.exec(out);
      if (m) { p.removeAllListeners("exit"); resolve({ url: m[1], kill: () => p.kill() }); }
    });
  });
}
const server = await startProcess(process.execPath, [join(root, "bench", "fixed-server.mjs")], /listening on (\S+)/);

// ---- Node: validation, webhooks, per call (one process) ----
log(`node: ${ROUNDS} interleaved rounds of validation, webhooks and per-call…`);
const nodeSeries = JSON.parse(execFileSync(process.execPath, [join(root, "bench", "node.mjs"), dist, server.url, String(ROUNDS)], { maxBuffer: 1 << 26 }).toString());

// ---- a scratch project with the packed package, for workerd and cold starts ----
const scratch = join(root, "target", "bench-project");
rmSync(scratch, { recursive: true, force: true });
mkdirSync(scratch, { recursive: true });
execFileSync("npm", ["pack", join(root, "pkg"), "--pack-destination", scratch, "--silent"], { stdio: "pipe" });
const tgz = `paysg-${JSON.parse(readFileSync(join(root, "pkg", "package.json"), "utf8")).version}.tgz`;
writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "bench", private: true, type: "module" }));
execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--silent", `./${tgz}`, join(root, "node_modules", "stripe")], { cwd: scratch, stdio: "pipe" });

function bundle(name, source) {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "worker.js"), source);
  writeFileSync(join(dir, "wrangler.toml"), `name = "${name}"\nmain = "worker.js"\ncompatibility_date = "2026-04-01"\ncompatibility_flags = ["nodejs_compat"]\n`);
  execFileSync(join(root, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", "--outdir", "out"], { cwd: dir, stdio: "pipe", env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" } });
  return join(dir, "out");
}
const { Miniflare } = await import(join(root, "node_modules", "miniflare", "dist", "src", "index.js"));
const miniflare = (out, bindings = {}) => new Miniflare({
  modules: true, scriptPath: join(out, "worker.js"), modulesRoot: out,
  modulesRules: [{ type: "ESModule", include: ["**/*.js", "**/*.mjs"] }, { type: "CompiledWasm", include: ["**/*.wasm"] }],
  compatibilityDate: "2026-04-01", compatibilityFlags: ["nodejs_compat"], bindings, cf: false,
});

// ---- workerd: per call ----
log("workerd: per-call…");
const callsOut = bundle("calls", readFileSync(join(root, "bench", "worker-calls.js"), "utf8"));
const mf = miniflare(callsOut, { SERVER: server.url });
await mf.ready;
const workerdSeries = {};
const timeRequest = async (q) => { const t0 = performance.now(); const r = await mf.dispatchFetch(`http://x/?${q}`); await r.text(); if (r.status !== 200) throw new Error(`workerd bench ${r.status}`); return performance.now() - t0; };
for (let round = 0; round <= ROUNDS; round++) {
  for (const mode of ["inprocess", "http"]) {
    for (const c of [1, 16]) {
      const n = mode === "http" ? 200 : 400;
      for (const [impl, name] of [["paysg", "paysg"], ["careful", "careful fetch (deadline + key)"], ["fetch", "hand-written fetch"]]) {
        const empty = await timeRequest(`impl=${impl}&mode=${mode}&n=0&c=${c}`);
        const full = await timeRequest(`impl=${impl}&mode=${mode}&n=${n}&c=${c}`);
        if (round > 0) (workerdSeries[`call|workerd ${mode === "http" ? "http" : "in-process"} c${c}|${name}`] ??= []).push(n / (Math.max(full - empty, 0.001) / 1000));
      }
    }
  }
}
await mf.dispose();

// ---- cold start ----
log("cold starts…");
const payload = JSON.stringify({ reference_id: "INV-1", payer_name: "Tan", description: "Parking", amount_in_cents: 1100 });
const coldNode = {
  paysg: `const t0 = performance.now(); const m = await import("paysg"); if (!m.validateCreatePayment(${payload}).ok) throw 1; console.log(performance.now() - t0);`,
  stripe: `const t0 = performance.now(); const { default: Stripe } = await import("stripe"); new Stripe("sk_test_bench"); console.log(performance.now() - t0);`,
};
const coldSeries = {};
for (let round = 0; round < (quick ? 3 : 15); round++) {
  for (const [name, code] of Object.entries(coldNode)) {
    const ms = Number(execFileSync(process.execPath, ["--input-type=module", "-e", code], { cwd: scratch }).toString());
    (coldSeries[`cold|node|${name}`] ??= []).push(ms);
  }
}
const coldWorkers = {
  paysg: bundle("cold-paysg", `import { validateCreatePayment } from "paysg";\nexport default { fetch() { return new Response(String(validateCreatePayment(${payload}).ok)); } };`),
  stripe: bundle("cold-stripe", `import Stripe from "stripe";\nexport default { fetch() { const s = new Stripe("sk_test_bench", { httpClient: Stripe.createFetchHttpClient() }); return new Response(String(!!s)); } };`),
};
for (let round = 0; round < (quick ? 2 : 7); round++) {
  for (const [name, out] of Object.entries(coldWorkers)) {
    const t0 = performance.now();
    const m = miniflare(out);
    const r = await m.dispatchFetch("http://x/");
    await r.text();
    (coldSeries[`cold|workerd|${name}`] ??= []).push(performance.now() - t0);
    await m.dispose();
  }
}
server.kill();

// ---- paysg-sim under load (its own process; SQLite with --data, and memory) ----
log("paysg-sim under load…");
execFileSync("cargo", ["build", "--quiet", "--release", "-p", "paysg-sim"], { cwd: root, stdio: "inherit" });
const simLoad = [];
for (const args of quick ? [["1000"], ["1000", "--npm"]] : [["1000"], ["10000"], ["10000", "--memory"], ["1000", "--npm"], ["10000", "--npm"], ["10000", "--memory", "--npm"]]) {
  simLoad.push(JSON.parse(execFileSync(process.execPath, [join(root, "bench", "sim-load.mjs"), ...args], { stdio: ["ignore", "pipe", "ignore"] }).toString()));
}

// ---- sizes ----
const sizes = JSON.parse(readFileSync(join(dist, "sizes.json"), "utf8"));
const gz = (p) => gzipSync(readFileSync(p), { level: 9 }).length;
const stripeBundle = join(coldWorkers.stripe, "worker.js");
const paysgBundle = [join(coldWorkers.paysg, "worker.js"), ...execFileSync("find", [coldWorkers.paysg, "-name", "*.wasm"]).toString().trim().split("\n")];
const size = {
  "paysg wasm": { raw: sizes.wasm.raw, gzip: sizes.wasm.gzip },
  "paysg workerd glue": sizes["workerd.mjs"],
  "paysg Worker bundle (wasm + glue)": { raw: paysgBundle.reduce((s, p) => s + readFileSync(p).length, 0), gzip: paysgBundle.reduce((s, p) => s + gz(p), 0) },
  "stripe Worker bundle": { raw: readFileSync(stripeBundle).length, gzip: gz(stripeBundle) },
};
// The same bundles minified by esbuild (as a user's build would), gzip -9.
const esbuild = (await import("node:module")).createRequire(import.meta.url)(join(root, "node_modules", "esbuild"));
const minified = (p) => Buffer.from(esbuild.transformSync(readFileSync(p, "utf8"), { minify: true, format: "esm", legalComments: "none" }).code);
const minSize = (js, wasm = []) => ({
  raw: minified(js).length + wasm.reduce((s, p) => s + readFileSync(p).length, 0),
  gzip: gzipSync(minified(js), { level: 9 }).length + wasm.reduce((s, p) => s + gz(p), 0),
});
size["paysg Worker bundle (wasm + glue, minified)"] = minSize(paysgBundle[0], paysgBundle.slice(1));
size["stripe Worker bundle (minified)"] = minSize(stripeBundle);

// ---- report ----
const all = { ...nodeSeries, ...workerdSeries, ...coldSeries };
const stat = (xs) => ({ median: median(xs), p10: pct(xs, 0.1), p90: pct(xs, 0.9), n: xs.length });
const results = {
  date: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model, cores: cpus().length, memoryGB: Math.round(totalmem() / 2 ** 30), kernel: release(), node: process.version },
  versions: { paysg: JSON.parse(readFileSync(join(root, "pkg", "package.json"), "utf8")).version, zod: version("zod"), valibot: version("valibot"), ajv: version("ajv"), "@noble/hashes": version("@noble/hashes"), stripe: version("stripe"), miniflare: version("miniflare"), wrangler: version("wrangler") },
  rounds: ROUNDS,
  series: Object.fromEntries(Object.entries(all).map(([k, xs]) => [k, { ...stat(xs), samples: xs }])),
  sizes: size,
  simLoad,
};
// ratios: paysg ÷ each peer in the same group (throughput; for cold starts, peer time ÷ paysg time)
const groups = {};
for (const k of Object.keys(all)) {
  const [kind, group, impl] = k.split("|");
  ((groups[`${kind}|${group}`] ??= {})[impl ?? group] = median(all[k]));
}
results.ratios = [];
for (const [g, impls] of Object.entries(groups)) {
  const [kind, group] = g.split("|");
  if (kind === "cold") continue;
  for (const [impl, v] of Object.entries(impls)) if (impl !== "paysg") results.ratios.push({ kind, group, peer: impl, ratio: impls.paysg / v });
}
for (const rt of ["node", "workerd"]) {
  results.ratios.push({ kind: "cold", group: rt, peer: "stripe", ratio: median(all[`cold|${rt}|stripe`]) / median(all[`cold|${rt}|paysg`]) });
}
results.ratios.push({ kind: "size", group: "Worker bundle gzip", peer: "stripe", ratio: size["stripe Worker bundle"].gzip / size["paysg Worker bundle (wasm + glue)"].gzip });
results.ratios.push({ kind: "size", group: "Worker bundle gzip, minified", peer: "stripe", ratio: size["stripe Worker bundle (minified)"].gzip / size["paysg Worker bundle (wasm + glue, minified)"].gzip });
writeFileSync(join(root, "bench", "results.json"), `${JSON.stringify(results, null, 1)}\n`);
const { report, chart } = await import(join(root, "bench", "report.mjs"));
writeFileSync(join(root, "bench", "chart.svg"), chart(results));
writeFileSync(join(root, "BENCHMARKS.md"), report(results, analysis()));
console.log(report(results, analysis()));
