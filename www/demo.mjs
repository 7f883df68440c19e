// Starts the demo: paysg-sim and the e-service Worker (www/worker.js) in workerd, wired to each
// other. Used by `npm start` (scripts/start.mjs) and by the end-to-end test.
import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, statSync, symlinkSync } from "node:fs";
import { createServer } from "node:net";
import { randomBytes } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const www = join(root, "www");
/** The https return_url the e-service registers; paysg-sim sends payers to the local server instead. */
export const PUBLIC_URL = "https://eservice.example.gov.sg";

const newest = (dir) => readdirSync(dir, { withFileTypes: true, recursive: true })
  .filter((e) => e.isFile()).reduce((t, e) => Math.max(t, statSync(join(e.parentPath, e.name)).mtimeMs), 0);

/** Builds what is missing or stale: the package (pkg/dist) and the simulator (debug build). */
export function buildIfNeeded(log = console.log) {
  const wasm = join(root, "pkg", "dist", "paysg_bg.wasm");
  if (!existsSync(wasm) || statSync(wasm).mtimeMs < Math.max(newest(join(root, "src")), newest(join(root, "pkg", "src")))) {
    log("building the paysg package…");
    execFileSync(process.execPath, [join(root, "scripts", "build.mjs")], { stdio: "inherit" });
  }
  log("building paysg-sim (cargo; quick when up to date)…");
  execFileSync("cargo", ["build", "--quiet", "-p", "paysg-sim"], { cwd: root, stdio: "inherit" });
}

/** A free TCP port on 127.0.0.1 (or `preferred` when it is free). */
export function freePort(preferred = 0) {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(freePort(0)));
    s.listen(preferred, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function startSim(args) {
  const p = spawn(join(root, "target", "debug", "paysg-sim"), args, { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "", err = "";
    p.stderr.on("data", (d) => (err += d));
    p.on("exit", (code) => reject(new Error(`paysg-sim exited (${code}): ${err}`)));
    p.stdout.on("data", (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ url: m[1], process: p, stderr: () => err });
    });
  });
}

/**
 * Starts paysg-sim and the demo Worker. Resolves to `{ url, simUrl, stop() }`.
 * @param {{ port?: number, log?: (line: string) => void, quietSim?: boolean }} [options]
 */
export async function startDemo({ port = 0, log = () => {}, quietSim = true } = {}) {
  // The Worker imports "paysg" exactly as a user's would: link the built package in.
  mkdirSync(join(www, "node_modules"), { recursive: true });
  const link = join(www, "node_modules", "paysg");
  if (!existsSync(link) && !(() => { try { return lstatSync(link).isSymbolicLink(); } catch { return false; } })()) {
    symlinkSync(join("..", "..", "pkg"), link, "dir");
  }
  // paysg's browser build, served to the page for live validation.
  mkdirSync(join(www, "static"), { recursive: true });
  copyFileSync(join(root, "pkg", "dist", "browser.mjs"), join(www, "static", "paysg-browser.mjs.txt"));
  copyFileSync(join(root, "pkg", "dist", "paysg_bg.wasm"), join(www, "static", "paysg_bg.wasm.bin"));
  execFileSync(join(root, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", "--outdir", ".out"], {
    cwd: www, stdio: "pipe", env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" },
  });

  const demoPort = await freePort(port);
  const demoUrl = `http://127.0.0.1:${demoPort}`;
  const secret = `whsec_demo_${randomBytes(12).toString("hex")}`;
  const sim = await startSim(["--port", "0", ...(quietSim ? ["--quiet"] : []),
    "--webhook-url", `${demoUrl}/webhooks/paysg`, "--webhook-secret", secret, "--webhook-backoff-ms", "250",
    "--return-url-map", `${PUBLIC_URL}=${demoUrl}`]);
  log(`paysg-sim on ${sim.url}`);
  const killSim = () => sim.process.kill("SIGTERM");
  process.once("exit", killSim); // never leave the simulator behind

  const { Miniflare } = await import(join(root, "node_modules", "miniflare", "dist", "src", "index.js"));
  const out = join(www, ".out");
  const apiKey = `paysg_stag_demo_${randomBytes(8).toString("hex")}`;
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(out, "worker.js"),
    modulesRoot: out,
    modulesRules: [
      { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
      { type: "Text", include: ["**/*.mjs.txt"] },
      { type: "Data", include: ["**/*.wasm.bin"] },
    ],
    compatibilityDate: "2026-04-01",
    host: "127.0.0.1",
    port: demoPort,
    kvNamespaces: ["DEMO"],
    bindings: {
      PAYSG_API_KEY: apiKey,
      PAYSG_PAYMENT_SERVICE_ID: "payment_service_0d3m0000-demo-4e5e-9ace-5e450a1a1c01",
      PAYSG_BASE_URL: sim.url,
      PAYSG_WEBHOOK_SECRET: secret,
      PUBLIC_URL,
    },
    cf: false,
  });
  let url;
  try {
    url = String(await mf.ready).replace(/\/$/, "");
  } catch (e) {
    sim.process.kill("SIGTERM");
    await mf.dispose().catch(() => {});
    throw e;
  }
  return {
    url,
    simUrl: sim.url,
    simStderr: sim.stderr,
    /** For tests: what must never reach a browser. */
    secrets: [apiKey, secret],
    stop: async () => {
      process.removeListener("exit", killSim);
      sim.process.removeAllListeners("exit");
      sim.process.kill("SIGTERM");
      await mf.dispose();
    },
  };
}
