// The README's examples are exactly the files in examples/, and those files run against the
// packed package: the Node ones in Node, the Worker ones in workerd (the webhook handlers in
// webhook.test.mjs, receiving paysg-sim's deliveries).
import assert from "node:assert/strict";
import { copyFileSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { bundleWorker, root, startMiniflare, startSim, testProject } from "./helpers.mjs";
import { spawn } from "node:child_process";

const readme = readFileSync(join(root, "README.md"), "utf8");
const version = JSON.parse(readFileSync(join(root, "pkg", "package.json"), "utf8")).version;
let project, sim;
before(async () => {
  project = testProject();
  sim = await startSim();
});
after(() => sim?.stop());

const KEY = "paysg_stag_examples";
const SERVICE = "payment_service_examples";

/** Runs node with extra environment variables; resolves to { code, stdout, stderr }. */
function runNodeEnv(args, cwd, env) {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The fenced code block that follows `<!-- example: path -->` in the README. */
function readmeExample(path) {
  const m = readme.match(new RegExp(`<!-- example: ${path.replace(/[.]/g, "\\.")} -->\\n\`\`\`(?:js|rust)\\n([\\s\\S]*?)\`\`\``));
  assert.ok(m, `README has no example block for ${path}`);
  return m[1];
}

// Every example the README marks; the Rust one is compiled and run by crates/gloo/tests/sim.
const marked = [...readme.matchAll(/<!-- example: (\S+) -->/g)].map((m) => m[1]);
test("the README shows every example (examples/ and the Rust client's)", () => {
  const all = [...readdirSync(join(root, "examples")).filter((f) => /\.m?js$/.test(f)).map((f) => `examples/${f}`), "crates/gloo/tests/sim/example.rs"];
  assert.deepEqual(all.filter((p) => !marked.includes(p)), []);
});
for (const path of marked) {
  test(`README shows ${path} verbatim`, () => {
    assert.equal(readmeExample(path), readFileSync(join(root, path), "utf8"));
  });
}

test("examples/node.mjs runs against paysg-sim", async () => {
  copyFileSync(join(root, "examples", "node.mjs"), join(project, "example-node.mjs"));
  const r = await runNodeEnv(["example-node.mjs"], project, { PAYSG_API_KEY: KEY, PAYSG_PAYMENT_SERVICE_ID: SERVICE, PAYSG_BASE_URL: sim.url });
  assert.equal(r.stderr, "");
  assert.equal(r.code, 0);
  assert.match(r.stdout, new RegExp(`^created [A-Za-z0-9_-]{21} \\(due 31-MAR-2024\\): pay at ${sim.url}/payments/`));
  assert.match(r.stdout, /refund refused: 402 payment_not_paid\n$/);
});

test("examples/worker.js runs in workerd: create, pay on the simulator, come back, only that order fulfilled", async () => {
  const out = bundleWorker(project, "example", readFileSync(join(root, "examples", "worker.js"), "utf8"));
  const mf = await startMiniflare(out, { PAYSG_API_KEY: KEY, PAYSG_PAYMENT_SERVICE_ID: SERVICE, PAYSG_BASE_URL: sim.url, PUBLIC_URL: "https://eservice.example.gov.sg" }, { kvNamespaces: ["ORDERS"] });
  const local = (u) => u.replace("https://eservice.example.gov.sg", "http://localhost");
  const json = async (res) => ({ status: res.status, ...(await res.json()) });
  try {
    const orders = await mf.getKVNamespace("ORDERS");
    /** POST /pay: the new order's id and its payment's id (from where the Worker stored it). */
    const newOrder = async () => {
      const res = await mf.dispatchFetch("http://localhost/pay", { method: "POST", redirect: "manual" });
      assert.equal(res.status, 303);
      const location = res.headers.get("location");
      assert.ok(location.startsWith(`${sim.url}/payments/`), location);
      const paymentId = location.split("/").pop();
      for (const { name } of (await orders.list()).keys) {
        if ((await orders.get(name, "json")).paymentId === paymentId) return { orderId: name, paymentId };
      }
      assert.fail("the order was not stored");
    };
    const a = await newOrder();
    const unpaidUrl = `http://localhost/paid?order=${a.orderId}&paysg_payment_id=${a.paymentId}&paysg_payment_service_id=${SERVICE}`;
    assert.equal(await (await mf.dispatchFetch(unpaidUrl)).text(), "Not paid yet.", "a redirect before paying proves nothing");
    const { redirect_url } = await sim.pay(a.paymentId);
    assert.ok(redirect_url.startsWith(`https://eservice.example.gov.sg/paid?order=${a.orderId}&`), redirect_url);
    const back = await mf.dispatchFetch(local(redirect_url));
    assert.equal(await back.text(), "Paid, thank you.");
    assert.equal((await orders.get(a.orderId, "json")).paid, true);
    assert.equal(await (await mf.dispatchFetch(local(redirect_url))).text(), "Paid, thank you.", "a replay of the same order");

    // A's paid return URL, replayed for order B, fulfils nothing.
    const b = await newOrder();
    const replayed = await json(await mf.dispatchFetch(local(redirect_url).replace(`order=${a.orderId}`, `order=${b.orderId}`)));
    assert.deepEqual([replayed.status, replayed.error], [400, "payment_mismatch"]);
    assert.equal((await orders.get(b.orderId, "json")).paid, false);
    const forged = await json(await mf.dispatchFetch(local(redirect_url).replace(SERVICE, "payment_service_evil")));
    assert.deepEqual([forged.status, forged.error], [400, "payment_service_mismatch"]);
    assert.equal((await mf.dispatchFetch(local(redirect_url).replace(`order=${a.orderId}`, "order=nope"))).status, 404);
    assert.equal((await mf.dispatchFetch(local(redirect_url).replace(`order=${a.orderId}&`, ""))).status, 404, "no order named");

    // Once the money is given back, the return URL confirms nothing.
    const refund = await fetch(`${sim.url}/sim/payments/${a.paymentId}/refund`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ refund_amount_in_cents: 1100 }) });
    assert.equal(refund.status, 200);
    const refunded = await json(await mf.dispatchFetch(local(redirect_url)));
    assert.deepEqual([refunded.status, refunded.error], [400, "payment_refunded"]);
  } finally {
    await mf.dispose();
  }
});

