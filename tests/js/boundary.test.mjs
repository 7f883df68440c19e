// The wasm boundary of the client. How often one createPayment attempt crosses into the wasm
// module, counted on the running module: WebAssembly.Instance is wrapped before the packed package loads, so every export the
// module has (whatever it is named) and every import it calls (wasm-bindgen's glue) is counted.
// The package's own exports are the ones wasm-bindgen did not name (`__wbindgen_*`,
// `__externref_*`: its allocator and tables). And the request a call sends (it crosses in a typed Plan,
// crates/wasm/src/step.rs) equals the one buildCreatePaymentRequest returns, on
// generated bodies.
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, test } from "node:test";
import { fullPayment, testProject } from "./helpers.mjs";

const counts = { own: new Map(), glue: new Map(), imports: 0 };
const bump = (m, k) => m.set(k, (m.get(k) ?? 0) + 1);
// `__wbg_<class>_free` frees one of the package's own handles: counted as the package's.
const isGlue = (name) => /^__(wbindgen|externref)_/.test(name) || (name.startsWith("__wbg_") && !name.endsWith("_free"));

const Real = WebAssembly.Instance;
WebAssembly.Instance = new Proxy(Real, {
  construct(target, [module, imports]) {
    const counted = {};
    for (const [ns, fns] of Object.entries(imports ?? {})) {
      counted[ns] = {};
      for (const [name, f] of Object.entries(fns)) {
        counted[ns][name] = typeof f === "function" ? (...a) => (counts.imports++, f(...a)) : f;
      }
    }
    const instance = new target(module, counted);
    const exports = {};
    for (const [name, v] of Object.entries(instance.exports)) {
      exports[name] = typeof v === "function" ? (...a) => (bump(isGlue(name) ? counts.glue : counts.own, name), v(...a)) : v;
    }
    return { exports };
  },
});

let paysg;
before(async () => {
  paysg = await import(join(testProject(), "node_modules", "paysg", "dist", "node.mjs"));
});

const PAYMENT = fullPayment({ id: "p_1", reference_id: "R-1", payment_url: "https://pay.example/p_1", amount_in_cents: 1100 });
const body = (i) => ({ reference_id: `R-${i}`, payer_name: "Tan Ah Kow", description: "Season parking", amount_in_cents: 1100 });

/** Runs `calls` createPayments against `answers` (statuses, in turn); crossings per attempt. */
async function measure(calls, answers) {
  let n = 0;
  const fetch = async () => {
    const status = answers[n++ % answers.length];
    return new Response(status === 201 ? JSON.stringify(PAYMENT) : "{}", { status, headers: { "retry-after": "0" } });
  };
  const client = new paysg.PaySG({ apiKey: "paysg_stag_crossings", paymentServiceId: "payment_service_x", baseUrl: "http://sim.invalid", fetch });
  await client.createPayment(body(0)); // warm: the scratch buffer, the pools
  counts.own.clear();
  counts.glue.clear();
  counts.imports = 0;
  n = 0;
  for (let i = 0; i < calls; i++) await client.createPayment(body(i));
  const sum = (m) => [...m.values()].reduce((a, b) => a + b, 0);
  const per = (x) => Math.round((x / n) * 100) / 100;
  return { attempts: n, own: per(sum(counts.own)), glue: per(sum(counts.glue)), imports: per(counts.imports), names: Object.fromEntries(counts.own) };
}

test("a createPayment attempt calls the module's own exports at most 4 times", async (t) => {
  assert.ok(paysg.version() && counts.own.size > 0, "the count sees the module");
  for (const [what, calls, answers] of [["a 201", 100, [201]], ["a 503 retried, then a 201", 50, [503, 201]]]) {
    const m = await measure(calls, answers);
    assert.equal(m.attempts, calls * answers.length);
    t.diagnostic(`${what}: per attempt ${m.own} calls into the package's exports ${JSON.stringify(m.names)}, ` +
      `${m.glue} into wasm-bindgen's (allocator, tables), ${m.imports} out to JS glue`);
    assert.ok(m.own <= 4, `${what}: ${m.own} per attempt: ${JSON.stringify(m.names)}`);
  }
});

/** A small seeded PRNG (mulberry32), so that a failure can be replayed. */
function prng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const PIECES = ["a", "Z", " ", "\n", "\r\n", "\t", '"', "\\", "/", "é", "漢", "😀", "\ud800", "\u2028", "-", "0", "B", "\u0000"];

test("a call's request equals buildCreatePaymentRequest's, on 300 generated bodies (normaliseText on half)", async () => {
  const rand = prng(14);
  const text = (max, pieces = PIECES) => Array.from({ length: 1 + Math.floor(rand() * max) }, () => pieces[Math.floor(rand() * pieces.length)]).join("");
  // Payer text must be ASCII, or map to it with normaliseText (PaySG refuses the rest).
  const PAYER = [...PIECES.filter((p) => /^[\x00-\x7f]*$/.test(p)), "’", "Ａ", "…"];
  const sent = [];
  const fetch = async (url, init) => {
    sent.push({ url, init });
    return new Response(JSON.stringify(PAYMENT), { status: 201 });
  };
  const options = { apiKey: "paysg_stag_boundary", paymentServiceId: "payment_service_x", baseUrl: "http://sim.invalid" };
  const client = new paysg.PaySG({ ...options, fetch });
  let compared = 0;
  for (let i = 0; i < 300; i++) {
    const input = { reference_id: `R-${i}`, payer_name: text(20, PAYER), description: text(40), amount_in_cents: 1 + Math.floor(rand() * 1e6) };
    if (rand() < 0.5) input.payer_address = text(30, rand() < 0.8 ? PAYER : PIECES);
    const normaliseText = rand() < 0.5;
    if (rand() < 0.3) input.metadata = { [text(5)]: text(10) };
    if (rand() < 0.3) input.line_items = [{ name: text(10), amount_in_cents: 5 }];
    const idempotencyKey = `key-${i}`;
    let built;
    try {
      built = paysg.buildCreatePaymentRequest(input, { ...options, idempotencyKey, normaliseText });
    } catch (e) {
      assert.ok(e instanceof paysg.PaySGValidationError, String(e));
      await assert.rejects(client.createPayment(input, { idempotencyKey, normaliseText }), paysg.PaySGValidationError);
      continue;
    }
    sent.length = 0;
    await client.createPayment(input, { idempotencyKey, normaliseText });
    assert.equal(sent.length, 1);
    const { url, init } = sent[0];
    assert.deepEqual({ method: init.method, url, headers: init.headers, body: init.body }, { method: built.method, url: built.url, headers: built.headers, body: built.body }, JSON.stringify(input));
    compared++;
  }
  assert.ok(compared > 100, `only ${compared} bodies were valid`);
});
