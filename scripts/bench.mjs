// `npm run bench`: cold start of the Node entry (import + first call), the cost of one call
// across the JS↔wasm boundary, and validateCreatePayment on three payloads against the peers a
// user would otherwise pick (zod 4, valibot 1, ajv 8 compiled, hand-written JS; bench/peers.mjs),
// interleaved in one process. The benchmarks issue extends this further.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
execFileSync(process.execPath, [join(root, "scripts", "build.mjs")], { stdio: "inherit" });
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const cold = [];
for (let i = 0; i < 15; i++) {
  const out = execFileSync(process.execPath, ["--input-type=module", "-e",
    `const t0 = performance.now(); const m = await import(${JSON.stringify(join(root, "pkg", "dist", "node.mjs"))}); m.version(); console.log(performance.now() - t0);`]);
  cold.push(Number(out.toString()));
}
const { version, validateCreatePayment } = await import(join(root, "pkg", "dist", "node.mjs"));
const { peers, payloads } = await import(join(root, "bench", "peers.mjs"));
// Each validator as `payload => valid?`; paysg also through its JSON path (an unknown key that is
// undefined takes it without changing the answer) to show what the fast path saves.
const validators = {
  paysg: (p) => validateCreatePayment(p).ok,
  "paysg (JSON path)": (p) => validateCreatePayment({ ...p, __force_json_path: undefined }).ok,
  ...peers,
};
for (const [name, f] of Object.entries(validators)) {
  const got = [f(payloads.typical), f(payloads.invalid3), f(payloads.metadata10)].join();
  if (got !== "true,false,true") throw new Error(`${name} answers ${got} on typical, invalid3, metadata10`);
}
if (validateCreatePayment(payloads.invalid3).errors.length !== 3) throw new Error("invalid3 must have 3 problems");
const rate = (f, p) => {
  const n = 20_000, t0 = performance.now();
  for (let i = 0; i < n; i++) f(p);
  return n / ((performance.now() - t0) / 1000);
};
// Interleaved: each round measures every (payload, validator) once, in turn.
const series = {};
for (let round = 0; round < 15; round++) {
  for (const [pn, p] of Object.entries(payloads)) {
    for (const [vn, f] of Object.entries(validators)) (series[`${pn}|${vn}`] ??= []).push(rate(f, p));
  }
}
const rates = [];
for (let r = 0; r < 7; r++) {
  const n = 200_000, t0 = performance.now();
  for (let i = 0; i < n; i++) version();
  rates.push(n / ((performance.now() - t0) / 1000));
}
const sizes = JSON.parse(readFileSync(join(root, "pkg", "dist", "sizes.json"), "utf8"));
console.log(`Node ${process.version}`);
console.log(`cold start (import + version()), median of 15: ${median(cold).toFixed(2)} ms (min ${Math.min(...cold).toFixed(2)}, max ${Math.max(...cold).toFixed(2)})`);
console.log(`version() calls, median of 7 runs: ${(median(rates) / 1e6).toFixed(2)} M ops/s`);
const pct = (xs, q) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * q)];
for (const pn of Object.keys(payloads)) {
  console.log(`\nvalidate ${pn}: median ops/s (p10–p90), ratio paysg ÷ peer`);
  const ours = median(series[`${pn}|paysg`]);
  for (const vn of Object.keys(validators)) {
    const xs = series[`${pn}|${vn}`];
    const m = median(xs);
    const ratio = vn === "paysg" ? "" : `  paysg is ${(ours / m).toFixed(2)}×`;
    console.log(`  ${vn.padEnd(20)} ${(m / 1e6).toFixed(3)} M ops/s (${(pct(xs, 0.1) / 1e6).toFixed(3)}–${(pct(xs, 0.9) / 1e6).toFixed(3)}) ${(1e6 / m).toFixed(2)} µs/call${ratio}`);
  }
}
console.log(`Worker bundle (wasm + glue), gzip: ${sizes.workerBundleGzip} B`);
