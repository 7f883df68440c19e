// `npm run bench`: for now, cold start of the Node entry (import + first call) and the cost of
// one call across the JS↔wasm boundary. The benchmarks issue extends this to the peers.
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
const { version } = await import(join(root, "pkg", "dist", "node.mjs"));
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
console.log(`Worker bundle (wasm + glue), gzip: ${sizes.workerBundleGzip} B`);
