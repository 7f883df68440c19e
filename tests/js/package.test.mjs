// The packed package loads and answers a call in every runtime it promises: Node ESM, Node
// CommonJS, workerd (through wrangler's bundling and Miniflare) and headless Chromium (its types:
// types.test.mjs).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { after, before, describe, test } from "node:test";
import { bundleWorker, launchChromium, root, runNode, serveStatic, startMiniflare, testProject } from "./helpers.mjs";

const expectedVersion = JSON.parse(readFileSync(join(root, "pkg", "package.json"), "utf8")).version;
let project;
before(() => {
  project = testProject();
});

describe("packed package", () => {
  test("has no runtime dependencies and ships only the built files", () => {
    const meta = JSON.parse(readFileSync(join(project, "node_modules", "paysg", "package.json"), "utf8"));
    assert.equal(meta.dependencies, undefined);
    const files = execFileSync("find", [".", "-type", "f"], { cwd: join(project, "node_modules", "paysg") })
      .toString().trim().split("\n").map((f) => f.slice(2)).sort();
    // What `exports` points to, the .wasm files those bundles load, and the package's own files:
    // nothing else ships.
    const targets = new Set();
    const walk = (v) => (typeof v === "string" ? targets.add(v.replace(/^\.\//, "")) : Object.values(v).forEach(walk));
    walk(meta.exports);
    walk(meta.bin); // `npx paysg` (it loads ./node.mjs, which exports points to)
    for (const f of [...targets].filter((f) => /\.(c|m)?js$/.test(f))) {
      const text = readFileSync(join(project, "node_modules", "paysg", f), "utf8");
      for (const m of text.matchAll(/"\.\/([\w.-]+\.(?:wasm|cjs))"/g)) targets.add(`dist/${m[1]}`);
    }
    for (const f of ["LICENSE", "README.md", "package.json"]) targets.add(f);
    assert.deepEqual(files, [...targets].sort());
  });

  test("loads in Node as ESM", async () => {
    writeFileSync(join(project, "esm.mjs"), 'import { version } from "paysg";\nconsole.log(version());\n');
    const r = await runNode(["esm.mjs"], project);
    assert.equal(r.stderr, "");
    assert.equal(r.stdout.trim(), expectedVersion);
  });

  test("loads in Node as CommonJS", async () => {
    writeFileSync(join(project, "cjs.cjs"), 'const { version } = require("paysg");\nconsole.log(version());\n');
    const r = await runNode(["cjs.cjs"], project);
    assert.equal(r.stderr, "");
    assert.equal(r.stdout.trim(), expectedVersion);
  });

  test("ESM and CommonJS share one instance in Node", async () => {
    writeFileSync(join(project, "dual.mjs"), [
      'import { createRequire } from "node:module";',
      'import * as esm from "paysg";',
      "const cjs = createRequire(import.meta.url)(\"paysg\");",
      "console.log(esm.version === cjs.version);",
    ].join("\n"));
    const r = await runNode(["dual.mjs"], project);
    assert.equal(r.stderr, "");
    assert.equal(r.stdout.trim(), "true");
  });

  test("loads in workerd (wrangler bundle, Miniflare)", async () => {
    const out = bundleWorker(project, "load", [
      'import { version } from "paysg";',
      "export default { async fetch() { return new Response(version()); } };",
    ].join("\n"));
    const mf = await startMiniflare(out);
    try {
      const res = await mf.dispatchFetch("http://localhost/");
      assert.equal(res.status, 200);
      assert.equal(await res.text(), expectedVersion);
    } finally {
      await mf.dispose();
    }
  });

  test("loads in headless Chromium through the `browser` export", async () => {
    const meta = JSON.parse(readFileSync(join(project, "node_modules", "paysg", "package.json"), "utf8"));
    const entry = meta.exports["."].browser.replace(/^\.\//, "/node_modules/paysg/");
    mkdirSync(join(project, "web"), { recursive: true });
    writeFileSync(join(project, "index.html"), `<!doctype html><meta charset="utf-8">
<script type="importmap">{ "imports": { "paysg": "${entry}" } }</script>
<script type="module">
  import { version, PaySG, PaySGError, validateCreatePayment } from "paysg";
  let guard = "constructed";
  try { new PaySG({ apiKey: "paysg_stag_x", paymentServiceId: "payment_service_x" }); } catch (e) { guard = e instanceof PaySGError ? e.code : String(e); }
  const allowed = new PaySG({ apiKey: "paysg_stag_x", paymentServiceId: "payment_service_x", dangerouslyAllowBrowser: true }).baseUrl;
  const valid = validateCreatePayment({ reference_id: "r", payer_name: "p", description: "d", amount_in_cents: 1 }).ok;
  window.__result = [version(), guard, allowed, valid].join(" ");
</script>`);
    const server = await serveStatic(project);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(`${server.url}/index.html`);
      const got = await page.waitForFunction(() => window.__result, null, { timeout: 15_000 });
      assert.equal(await got.jsonValue(), `${expectedVersion} browser_not_allowed https://api-staging.pay.gov.sg true`,
        "a client refuses a browser page unless dangerouslyAllowBrowser; validation works");
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await server.close();
    }
  });

});

test("the wasm module stays within its size budget (bench/size-budget.json)", () => {
  const { wasmGzipMax } = JSON.parse(readFileSync(join(root, "bench", "size-budget.json"), "utf8"));
  const wasm = readFileSync(join(project, "node_modules", "paysg", "dist", "paysg_bg.wasm"));
  const gzip = gzipSync(wasm, { level: 9 }).length;
  assert.ok(gzip <= wasmGzipMax, `paysg_bg.wasm is ${gzip} B gzip, over the budget of ${wasmGzipMax} B: find what grew (twiggy top) or raise the budget on purpose`);
});
