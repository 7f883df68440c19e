// Builds the npm package in pkg/ from the wasm boundary crate crates/wasm (`paysg-wasm`):
//   cargo (wasm32, profile "wasm") → wasm-bindgen --target web → wasm-opt → esbuild, one bundle per runtime.
// Prints (and writes to pkg/dist/sizes.json) the raw and gzip sizes of the .wasm and of each glue.
//
//   node scripts/build.mjs            # release build
//   PAYSG_WASM_OPT=-Oz node scripts/build.mjs   # another wasm-opt level (default -O3)
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = join(root, "pkg");
const gen = join(pkg, "gen");
const dist = join(pkg, "dist");
const bin = (name) => join(root, "node_modules", ".bin", name);

function fail(msg) {
  console.error(`build: error: ${msg}`);
  process.exit(1);
}
function run(cmd, args, opts = {}) {
  try {
    execFileSync(cmd, args, { stdio: ["ignore", "inherit", "inherit"], cwd: root, ...opts });
  } catch (e) {
    if (e.code === "ENOENT") fail(`${cmd} not found: run 'bash scripts/setup.sh' first`);
    fail(`${cmd} ${args.join(" ")} exited with ${e.status}`);
  }
}
for (const tool of ["wasm-opt", "esbuild"]) {
  if (!existsSync(bin(tool))) fail(`node_modules/.bin/${tool} not found: run 'npm ci' (or 'bash scripts/setup.sh')`);
}

// 1. Rust → wasm
run("cargo", ["build", "--quiet", "--profile", "wasm", "--target", "wasm32-unknown-unknown", "-p", "paysg-wasm", "--lib"]);
const rawWasm = join(root, "target", "wasm32-unknown-unknown", "wasm", "paysg_wasm.wasm");

// 2. wasm-bindgen glue (target web: the only glue that loads in workerd, Node and browsers alike)
rmSync(gen, { recursive: true, force: true });
rmSync(dist, { recursive: true, force: true });
run("wasm-bindgen", [rawWasm, "--target", "web", "--out-dir", gen, "--out-name", "paysg",
  "--remove-name-section", "--remove-producers-section", "--omit-default-module-path"]);

// 2b. The contract generated from the Rust definitions: JS constants and TypeScript types
run("cargo", ["run", "--quiet", "-p", "paysg-contract", "--", gen]);

// 3. wasm-opt from npm binaryen (never Debian's binaryen 108: its output does not instantiate)
mkdirSync(dist, { recursive: true });
const level = process.env.PAYSG_WASM_OPT || "-O3";
run(bin("wasm-opt"), [join(gen, "paysg_bg.wasm"), level, "--strip-debug", "--strip-producers",
  "--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext",
  "--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue",
  "-o", join(dist, "paysg_bg.wasm")]);

// 3b. The validation-only module of `paysg/validate` (crates/validate-wasm/), built for size.
run("cargo", ["build", "--quiet", "--profile", "wasm-small", "--target", "wasm32-unknown-unknown", "-p", "paysg-validate-wasm", "--lib"]);
const genValidate = join(gen, "validate");
run("wasm-bindgen", [join(root, "target", "wasm32-unknown-unknown", "wasm-small", "paysg_validate_wasm.wasm"), "--target", "web",
  "--out-dir", genValidate, "--out-name", "paysg_validate", "--remove-name-section", "--remove-producers-section", "--omit-default-module-path"]);
run(bin("wasm-opt"), [join(genValidate, "paysg_validate_bg.wasm"), "-Oz", "--strip-debug", "--strip-producers",
  "--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext",
  "--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue",
  "-o", join(dist, "paysg_validate_bg.wasm")]);
// The browser entries inline each module's bytes (see pkg/src/base64.js).
writeFileSync(join(gen, "inline.js"), `export default "${readFileSync(join(dist, "paysg_bg.wasm")).toString("base64")}";\n`);
writeFileSync(join(genValidate, "inline.js"), `export default "${readFileSync(join(dist, "paysg_validate_bg.wasm")).toString("base64")}";\n`);

// 4. One bundle per runtime. The .wasm stays a separate file next to each bundle (inlined in
// the browser's).
const require = createRequire(import.meta.url);
const esbuild = require(join(root, "node_modules", "esbuild"));
const wasmExternal = {
  name: "wasm-external",
  setup(b) {
    b.onResolve({ filter: /\.wasm$/ }, (a) => ({ path: `./${a.path.split("/").at(-1)}`, external: true }));
  },
};
// Whitespace and syntax minified, identifiers kept (class and function names stay as written, so
// stack traces still name them): a Worker uploads and a browser downloads this text on every
// deploy / page, and it had grown past its size before issue 22 (workerd.mjs 25,438 → ≈ 19,800 B gzip).
const common = {
  bundle: true, legalComments: "none", logLevel: "warning", target: "es2022", plugins: [wasmExternal],
  minifyWhitespace: true, minifySyntax: true,
};
await esbuild.build({ ...common, entryPoints: [join(pkg, "src", "entry-workerd.js")], outfile: join(dist, "workerd.mjs"), format: "esm", platform: "neutral" });
await esbuild.build({ ...common, entryPoints: [join(pkg, "src", "entry-browser.js")], outfile: join(dist, "browser.mjs"), format: "esm", platform: "browser" });
await esbuild.build({
  ...common, entryPoints: [join(pkg, "src", "entry-node.js")], outfile: join(dist, "node.cjs"), format: "cjs", platform: "node",
  // The web glue's default init() reads import.meta.url; the Node entry never calls it.
  define: { "import.meta.url": "undefined" },
});
await esbuild.build({ ...common, entryPoints: [join(pkg, "src", "entry-validate-workerd.js")], outfile: join(dist, "validate-workerd.mjs"), format: "esm", platform: "neutral" });
await esbuild.build({ ...common, entryPoints: [join(pkg, "src", "entry-validate-browser.js")], outfile: join(dist, "validate-browser.mjs"), format: "esm", platform: "browser" });
await esbuild.build({
  ...common, entryPoints: [join(pkg, "src", "entry-validate-node.js")], outfile: join(dist, "validate.cjs"), format: "cjs", platform: "node",
  define: { "import.meta.url": "undefined" },
});
// `npx paysg` (pkg/bin/paysg.mjs): the command line, on the package's public API; its
// `import … from "paysg"` is the package itself, the Node ESM entry next to it.
const selfPackage = {
  name: "paysg-self",
  setup(b) {
    b.onResolve({ filter: /^paysg$/ }, () => ({ path: "./node.mjs", external: true }));
  },
};
await esbuild.build({
  ...common, entryPoints: [join(pkg, "bin", "paysg.mjs")], outfile: join(dist, "cli.mjs"), format: "esm", platform: "node",
  plugins: [selfPackage], banner: { js: "#!/usr/bin/env node" },
});
chmodSync(join(dist, "cli.mjs"), 0o755);
// Node ESM re-exports the CommonJS build, so `import` and `require` share one wasm instance
// and one set of error classes (no dual-package hazard).
// Loaded with require, not `import … from "./node.cjs"`: Node's ESM loader would first scan the
// whole CommonJS bundle for export names (≈ 20 ms of a cold start); require shares the same
// instance either way.
for (const [cjs, mjs] of [["node.cjs", "node.mjs"], ["validate.cjs", "validate.mjs"]]) {
  const names = Object.keys(require(join(dist, cjs))).sort();
  writeFileSync(join(dist, mjs),
    `import { createRequire } from "node:module";\nconst m = createRequire(import.meta.url)("./${cjs}");\nexport const { ${names.join(", ")} } = m;\n`);
}

// 5. Types, for import and for require: the data types generated from Rust, then the
// declarations of the functions and classes.
const dts = `${readFileSync(join(gen, "types.d.ts"), "utf8")}\n${readFileSync(join(pkg, "src", "index.d.ts"), "utf8")}`;
writeFileSync(join(dist, "index.d.ts"), dts);
writeFileSync(join(dist, "index.d.cts"), dts);
// paysg/validate: the same declarations of the two functions and the version.
const validateDts = `// paysg/validate: validation only (a smaller module). The same functions as paysg's.\nexport { validateCreatePayment, validateRefund, version } from "./index.js";\nexport type { CreatePaymentBody, CreatePaymentInput, FieldError, Limits, RefundInput, ValidateOptions, ValidationResult } from "./index.js";\n`;
writeFileSync(join(dist, "validate.d.ts"), validateDts);
writeFileSync(join(dist, "validate.d.cts"), validateDts.replaceAll("./index.js", "./index.cjs"));
for (const f of ["README.md", "LICENSE"]) if (existsSync(join(root, f))) copyFileSync(join(root, f), join(pkg, f));

// 6. Sizes
const size = (f) => {
  const b = readFileSync(join(dist, f));
  return { raw: b.length, gzip: gzipSync(b, { level: 9 }).length };
};
const sizes = { wasmOpt: level, wasm: size("paysg_bg.wasm") };
for (const f of ["workerd.mjs", "browser.mjs", "node.cjs", "node.mjs", "paysg_validate_bg.wasm", "validate-browser.mjs"]) sizes[f] = size(f);
sizes.workerBundleGzip = sizes.wasm.gzip + sizes["workerd.mjs"].gzip;
writeFileSync(join(dist, "sizes.json"), JSON.stringify(sizes, null, 2) + "\n");
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`build: pkg/dist (wasm-opt ${level})`);
for (const [f, s] of Object.entries(sizes)) {
  if (typeof s === "object") console.log(`  ${f.padEnd(14)} ${String(s.raw).padStart(8)} B raw  ${String(s.gzip).padStart(7)} B gzip  (${kb(s.gzip)})`);
}
console.log(`  Worker total (wasm + workerd glue), gzip: ${sizes.workerBundleGzip} B (${kb(sizes.workerBundleGzip)})`);

// 7. The simulator's npm package (sim/pkg), from the same workspace.
run(process.execPath, [join(root, "scripts", "build-sim.mjs")]);
