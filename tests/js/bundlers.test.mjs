// Browser bundles with no extra step: Vite, webpack, esbuild (`--bundle --format=esm
// --platform=browser`) and `bun build --target=browser` each bundle two pages — one that imports
// only validation (`paysg/validate`), one that uses `paysg` itself (validation and webhook
// signing) — with no configuration, and each page runs in Chromium. The validation page's
// download (every file the bundler emitted, gzip -9) is held to bench/size-budget.json.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { after, before, test } from "node:test";
import { bin, launchChromium, root, serveStatic, testProject, tool } from "./helpers.mjs";

const PAGES = {
  validate: `import { validateCreatePayment } from "paysg/validate";
const r = validateCreatePayment({ reference_id: "WEB-1", payer_name: "Tan Ah Kow", description: "Form", amount_in_cents: 1100, due_date: "2024-12-31" });
window.__result = { ok: r.ok, due: r.ok && r.value.due_date };
`,
  full: `import { validateCreatePayment, signWebhook, verifyWebhook } from "paysg";
const r = validateCreatePayment({ reference_id: "WEB-1", payer_name: "Tan Ah Kow", description: "Form", amount_in_cents: 1100, due_date: "2024-12-31" });
const body = JSON.stringify({ id: "evt_1", type: "payment.succeeded", object: "event", payment_service_id: "payment_service_x", data: { object: { id: "p1", payment_status: "paid", amount_in_cents: 1100 } } });
const event = verifyWebhook(body, signWebhook(body, "whsec_web"), "whsec_web");
window.__result = { ok: r.ok, due: r.ok && r.value.due_date, event: event.type };
`,
};
const EXPECTED = { validate: { ok: true, due: "31-DEC-2024" }, full: { ok: true, due: "31-DEC-2024", event: "payment.succeeded" } };

/** Each bundler: builds `main.js` in `dir` into `dir/out` (with an index.html that loads it). */
const BUNDLERS = {
  esbuild: (dir) => {
    execFileSync(bin("esbuild"), ["main.js", "--bundle", "--format=esm", "--platform=browser", "--outdir=out"], { cwd: dir, stdio: "pipe" });
    writeFileSync(join(dir, "out", "index.html"), '<!doctype html><script type="module" src="main.js"></script>');
  },
  bun: (dir) => {
    execFileSync(tool("bun"), ["build", "main.js", "--target=browser", "--outdir=out"], { cwd: dir, stdio: "pipe" });
    writeFileSync(join(dir, "out", "index.html"), '<!doctype html><script type="module" src="main.js"></script>');
  },
  vite: (dir) => {
    writeFileSync(join(dir, "index.html"), '<!doctype html><script type="module" src="./main.js"></script>');
    execFileSync(tool("vite"), ["build", "--outDir", "out", "--logLevel", "error"], { cwd: dir, stdio: "pipe" });
  },
  webpack: (dir) => {
    execFileSync(tool("webpack"), ["--mode", "production", "--entry", "./main.js", "--output-path", "out"], { cwd: dir, stdio: "pipe" });
    writeFileSync(join(dir, "out", "index.html"), '<!doctype html><script src="main.js"></script>');
  },
};

let project, browser;
const budget = JSON.parse(readFileSync(join(root, "bench", "size-budget.json"), "utf8"));
before(async () => {
  project = testProject();
  browser = await launchChromium();
});
after(() => browser?.close());

/** Every file under `dir`, gzip -9, summed (what a browser downloads, HTML aside). */
function downloadGzip(dir) {
  let total = 0;
  for (const f of readdirSync(dir, { recursive: true })) {
    const p = join(dir, f);
    if (statSync(p).isFile() && !p.endsWith(".html")) total += gzipSync(readFileSync(p), { level: 9 }).length;
  }
  return total;
}

for (const [bundler, build] of Object.entries(BUNDLERS)) {
  for (const [page, source] of Object.entries(PAGES)) {
    test(`${bundler}: a page using ${page === "validate" ? "paysg/validate" : "paysg"} bundles with no configuration and runs in Chromium`, async (t) => {
      const dir = join(project, `bundle-${bundler}-${page}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "main.js"), source);
      build(dir);
      const out = join(dir, "out");
      const server = await serveStatic(out);
      const tab = await browser.newPage();
      const failed = [];
      tab.on("response", (r) => r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`));
      tab.on("pageerror", (e) => failed.push(String(e)));
      try {
        await tab.goto(`${server.url}/index.html`);
        const result = await (await tab.waitForFunction(() => window.__result, null, { timeout: 15_000 }).catch(() => null))?.jsonValue();
        assert.deepEqual(failed, []);
        assert.deepEqual(result, EXPECTED[page]);
      } finally {
        await tab.close();
        await server.close();
      }
      const size = downloadGzip(out);
      t.diagnostic(`${bundler} ${page}: ${size} B gzip downloaded`);
      if (page === "validate") assert.ok(size <= budget.validatePageGzipMax, `${size} B gzip > ${budget.validatePageGzipMax}`);
    });
  }
}
