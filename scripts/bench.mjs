// `npm run bench`: cold start of the Node entry (import + first call), the cost of one call
// across the JS↔wasm boundary, and validateCreatePayment on both of its paths. The benchmarks
// issue extends this to the peers (zod, valibot, ajv, hand-written JS) in the same run.
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
const typical = {
  reference_id: "INV-2024-000123", payer_name: "Tan Ah Kow", payer_email: "ahkow.tan@example.com",
  description: "Renewal of licence ABC-123 for 2024", amount_in_cents: 12550, due_date: "31-DEC-2024",
  return_url: "https://agency.gov.sg/payments/return", metadata: { branch_code: "B01", case_id: "C-99812" },
};
const invalid3 = { ...typical, amount_in_cents: 0, payer_email: "x@", payer_identifier: "S1234567DAB" };
const jsonPath = { ...typical, __force_json_path: undefined };
const rate = (f) => {
  const out = [];
  for (let r = 0; r < 7; r++) {
    const n = 50_000, t0 = performance.now();
    for (let i = 0; i < n; i++) f();
    out.push(n / ((performance.now() - t0) / 1000));
  }
  return out;
};
if (!validateCreatePayment(typical).ok || validateCreatePayment(invalid3).errors.length !== 3) throw new Error("bench inputs are wrong");
// interleaved: one round of each in turn, repeated
const series = { "validate typical (fast path)": [], "validate typical (JSON path)": [], "validate invalid, 3 errors": [], "JSON.stringify typical (reference)": [] };
for (let round = 0; round < 3; round++) {
  series["validate typical (fast path)"].push(...rate(() => validateCreatePayment(typical)));
  series["validate typical (JSON path)"].push(...rate(() => validateCreatePayment(jsonPath)));
  series["validate invalid, 3 errors"].push(...rate(() => validateCreatePayment(invalid3)));
  series["JSON.stringify typical (reference)"].push(...rate(() => JSON.stringify(typical)));
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
for (const [name, xs] of Object.entries(series)) {
  const sorted = [...xs].sort((a, b) => a - b);
  console.log(`${name}: median ${(median(xs) / 1e6).toFixed(3)} M ops/s (${(1e6 / median(xs)).toFixed(2)} µs/call; p10–p90 ${(sorted[Math.floor(xs.length * 0.1)] / 1e6).toFixed(3)}–${(sorted[Math.floor(xs.length * 0.9)] / 1e6).toFixed(3)})`);
}
console.log(`Worker bundle (wasm + glue), gzip: ${sizes.workerBundleGzip} B`);
