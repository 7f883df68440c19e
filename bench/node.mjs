// The Node benchmarks, in one process with interleaved rounds: validation, webhook verification
// and per-call overhead (in-process and over HTTP, concurrency 1 and 16). Prints JSON results.
import { createHmac, timingSafeEqual, webcrypto } from "node:crypto";
import { hmac as nobleHmac } from "@noble/hashes/hmac.js";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { peers, payloads } from "./peers.mjs";
import { payment as CANNED } from "./fixed-server.mjs";

const [distDir, serverUrl, roundsArg] = process.argv.slice(2);
const paysg = await import(`${distDir}/node.mjs`);
const ROUNDS = Number(roundsArg || 9);
const series = {};
const add = (k, v) => (series[k] ??= []).push(v);

/** ops/s of `f` run `n` times (synchronous). */
function rate(f, arg, n) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) f(arg);
  return n / ((performance.now() - t0) / 1000);
}
/** ops/s of async `f` run `n` times with `c` concurrent loops. */
async function rateAsync(f, n, c = 1) {
  let left = n;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: c }, async () => { while (left-- > 0) await f(); }));
  return n / ((performance.now() - t0) / 1000);
}

// ---- validation ----
const validators = { paysg: (p) => paysg.validateCreatePayment(p).ok, ...peers };

// ---- webhooks ----
const SECRET = "whsec_bench_0123456789";
function webhookBody(size) {
  const base = { id: "evt_752ced1f-00ce-4905-8c46-367371dd78e6", type: "payment.succeeded", object: "event", created_at: "2023-10-02T16:17:08.210+08:00", payment_service_id: "payment_service_bench", data: { object: JSON.parse(CANNED) } };
  const pad = size - JSON.stringify(base).length - 20;
  base.data.object.metadata = { ...base.data.object.metadata, note: "x".repeat(Math.max(0, pad)) };
  return JSON.stringify(base);
}
const hexToBytes = (h) => Uint8Array.from(h.match(/../g), (b) => parseInt(b, 16));
const keyBytes = new TextEncoder().encode(SECRET);
const subtleKey = await webcrypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
function parseHeader(h) {
  let t, v1;
  for (const part of h.split(",")) {
    const [k, v] = part.trim().split("=");
    if (k === "t") t = v;
    else if (k === "v1") v1 = v;
  }
  return { t, v1 };
}
const webhookImpls = {
  paysg: (w) => paysg.verifyWebhook(w.body, w.header, SECRET, { now: w.now }),
  "node:crypto": (w) => {
    const { t, v1 } = parseHeader(w.header);
    const mac = createHmac("sha256", SECRET).update(`${t}.`).update(w.body).digest();
    if (!timingSafeEqual(mac, Buffer.from(v1, "hex"))) throw new Error("bad");
    return JSON.parse(w.body);
  },
  "pure-JS HMAC (@noble/hashes)": (w) => {
    const { t, v1 } = parseHeader(w.header);
    const mac = nobleHmac(nobleSha256, keyBytes, new TextEncoder().encode(`${t}.${w.body}`));
    const want = hexToBytes(v1);
    let diff = mac.length ^ want.length;
    for (let i = 0; i < mac.length; i++) diff |= mac[i] ^ want[i];
    if (diff) throw new Error("bad");
    return JSON.parse(w.body);
  },
};
const webcryptoVerify = async (w) => {
  const { t, v1 } = parseHeader(w.header);
  if (!(await webcrypto.subtle.verify("HMAC", subtleKey, hexToBytes(v1), new TextEncoder().encode(`${t}.${w.body}`)))) throw new Error("bad");
  return JSON.parse(w.body);
};
const hooks = Object.fromEntries([1024, 10240].map((size) => {
  const body = webhookBody(size);
  const t = 1_700_000_000_000;
  return [`${size / 1024} KB`, { body, now: t, header: paysg.signWebhook(body, SECRET, { timestamp: t }) }];
}));
for (const w of Object.values(hooks)) {
  for (const f of Object.values(webhookImpls)) if (f(w).type !== "payment.succeeded") throw new Error("webhook impl wrong");
  if ((await webcryptoVerify(w)).type !== "payment.succeeded") throw new Error("webcrypto wrong");
}

// ---- per call ----
const KEY = "paysg_stag_bench_key_0123456789";
const SERVICE = "payment_service_bench";
const fakeFetch = async () => new Response(CANNED, { status: 201, headers: { "content-type": "application/json" } });
const clients = {
  "in-process": new paysg.PaySG({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: "http://127.0.0.1:9", fetch: fakeFetch }),
  http: new paysg.PaySG({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: serverUrl }),
};
// The hand-written peers: the bare one (no deadline, which nobody should ship), and the careful
// one a payments engineer writes: a deadline (AbortSignal.timeout) and an Idempotency-Key.
const handWritten = (fetchImpl, base, careful) => async () => {
  const res = await fetchImpl(`${base}/v1/payment-services/${SERVICE}/payments`, {
    method: "POST",
    headers: { "x-api-key": KEY, "content-type": "application/json", accept: "application/json", "idempotency-key": crypto.randomUUID() },
    body: JSON.stringify(payloads.typical),
    ...(careful ? { signal: AbortSignal.timeout(30_000) } : {}),
  });
  if (!res.ok) throw new Error(`status ${res.status}`);
  return res.json();
};
const perCall = {
  "in-process": {
    paysg: () => clients["in-process"].createPayment(payloads.typical),
    "careful fetch (deadline + key)": handWritten(fakeFetch, "http://127.0.0.1:9", true),
    "hand-written fetch": handWritten(fakeFetch, "http://127.0.0.1:9", false),
  },
  http: {
    paysg: () => clients.http.createPayment(payloads.typical),
    "careful fetch (deadline + key)": handWritten(fetch, serverUrl, true),
    "hand-written fetch": handWritten(fetch, serverUrl, false),
  },
};
for (const m of Object.values(perCall)) for (const f of Object.values(m)) if ((await f()).id !== "ZbzTvadjmP0wd7RRxhWtj") throw new Error("per-call wrong");

// ---- interleaved rounds (round 0 warms the JIT up and is dropped) ----
for (let round = 0; round <= ROUNDS; round++) {
  if (round === 1) for (const k of Object.keys(series)) delete series[k];
  for (const [pn, p] of Object.entries(payloads)) for (const [vn, f] of Object.entries(validators)) add(`validate|${pn}|${vn}`, rate(f, p, 4000));
  for (const [hn, w] of Object.entries(hooks)) {
    const n = hn === "1 KB" ? 3000 : 600;
    for (const [in_, f] of Object.entries(webhookImpls)) add(`webhook|${hn}|${in_}`, rate(f, w, n));
    add(`webhook|${hn}|WebCrypto (SubtleCrypto)`, await rateAsync(() => webcryptoVerify(w), n));
  }
  for (const [mode, impls] of Object.entries(perCall)) {
    for (const c of [1, 16]) {
      for (const [name, f] of Object.entries(impls)) add(`call|node ${mode} c${c}|${name}`, await rateAsync(f, mode === "http" ? 400 : 2000, c));
    }
  }
}
console.log(JSON.stringify(series));
