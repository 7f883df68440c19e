// Runs the UAT cases (cases.js) with the paysg package's public API, as an agency's own code
// would: one client whose onRequest/onResponse events give each case's statuses and PaySG's
// request ids, the payer's step (a person on staging, the simulator's pay action on paysg-sim),
// and an optional webhook receiver checking signatures with verifyWebhook. Returns the results
// for report.js.
import { createServer } from "node:http";
import { CASES, PAYER, describeError } from "./cases.js";
import { FAIL, NOT_RUN, PASS } from "./report.js";

/** PaySG's own API hosts: a base URL on another host may be paysg-sim. */
const PAYSG_HOSTS = new Set(["api.pay.gov.sg", "api-staging.pay.gov.sg"]);

/**
 * Whether `baseUrl` is paysg-sim: not PaySG's host, and `GET <base>/sim/state` answers JSON.
 * A plain fetch: the simulator's controls are not PaySG's API.
 */
export async function isSimulator(baseUrl, fetchImpl = globalThis.fetch) {
  let url;
  try {
    url = new URL(baseUrl);
  } catch {
    return false;
  }
  if (PAYSG_HOSTS.has(url.hostname)) return false;
  try {
    const r = await fetchImpl(`${baseUrl.replace(/\/+$/, "")}/sim/state`, { signal: AbortSignal.timeout(5000) });
    if (!r.ok) return false;
    const body = await r.json();
    return typeof body === "object" && body !== null && typeof body.payments === "number";
  } catch {
    return false;
  }
}

/** One line of an onResponse event: operation, status or failure, request id, retry. */
function attemptLine(e) {
  const outcome = e.status ?? e.failure ?? "no answer";
  const id = e.requestId ? `, request id ${e.requestId}` : "";
  const retry = e.willRetry ? `, retried after ${e.retryInMs} ms` : "";
  return `${e.operation} ${e.method} ${e.path} → ${outcome}${id} (${Math.round(e.elapsedMs)} ms${retry})`;
}

/**
 * A webhook receiver on `port`: every POST is checked with verifyWebhook; a verified one is
 * answered 204 and kept, a refused one 400 with the reason kept. `waitFor(paymentId, ms)`
 * resolves to `{ event, at, refused }` once a payment.succeeded for that payment has verified.
 */
export function startWebhookReceiver(sdk, port, secret, now) {
  const verified = [];
  const refused = [];
  const waiters = new Set();
  const server = createServer((req, res) => {
    if (req.method !== "POST") {
      res.writeHead(405).end();
      return;
    }
    const chunks = [];
    let size = 0;
    req.on("data", (c) => {
      size += c.length;
      if (size <= 1 << 20) chunks.push(c);
    });
    req.on("end", () => {
      try {
        const event = sdk.verifyWebhook(Buffer.concat(chunks), req.headers["paysg-signature"], secret);
        verified.push({ event, at: now() });
        res.writeHead(204).end();
      } catch (e) {
        refused.push(e?.reason ?? e?.code ?? "error");
        res.writeHead(400, { "content-type": "text/plain" }).end(e?.reason ?? "invalid");
      }
      for (const w of waiters) w();
    });
  });
  const find = (id) => verified.find((v) => v.event?.type === "payment.succeeded" && v.event?.data?.object?.id === id);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, () => {
      resolve({
        port,
        waitFor(paymentId, ms) {
          return new Promise((done) => {
            const finish = () => {
              const v = find(paymentId);
              if (!v && !timedOut) return;
              clearTimeout(timer);
              waiters.delete(finish);
              done({ event: v?.event, at: v?.at, refused: [...refused] });
            };
            let timedOut = false;
            const timer = setTimeout(() => {
              timedOut = true;
              finish();
            }, ms);
            waiters.add(finish);
            finish();
          });
        },
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}

/**
 * Runs every case. `config`: `{ apiKey, paymentServiceId, baseUrl?, payTimeoutMs, webhookPort?,
 * webhookSecret?, pollMs?, interrupt? }` (`interrupt`: an AbortSignal that stops the wait for a
 * person's payment; the other cases still run); `log(line)` gets the progress lines. Resolves to
 * `{ results, meta }` (results: `{ name, how, expected, response, ms, result }`).
 */
export async function runUat(sdk, config, log) {
  const now = () => performance.now();
  const recorder = { requests: [], responses: [] };
  const clientOptions = {
    apiKey: config.apiKey,
    paymentServiceId: config.paymentServiceId,
    ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
    onRequest: (e) => recorder.requests.push(e),
    onResponse: (e) => recorder.responses.push(e),
  };
  const ctx = {
    sdk,
    clientOptions,
    recorder,
    now,
    payer: PAYER,
    runId: new Date().toISOString().slice(0, 10).replaceAll("-", "") + "-" + crypto.randomUUID().slice(0, 8),
    payTimeoutMs: config.payTimeoutMs,
    pollMs: config.pollMs ?? 5000,
    interrupt: config.interrupt,
    environment: "other",
  };
  let clientError;
  try {
    ctx.client = new sdk.PaySG(clientOptions);
  } catch (e) {
    clientError = e;
  }
  const baseUrl = ctx.client?.baseUrl ?? config.baseUrl ?? "";
  ctx.environment = environmentOf(baseUrl);
  ctx.simulator = baseUrl !== "" && (await isSimulator(baseUrl));
  ctx.pay = (payment) => (ctx.simulator ? payOnSimulator(ctx, baseUrl, payment) : waitForPayer(ctx, payment, log));
  if (config.webhookPort !== undefined) {
    try {
      ctx.webhook = await startWebhookReceiver(sdk, config.webhookPort, config.webhookSecret, now);
    } catch (e) {
      const error = `the receiver could not listen on port ${config.webhookPort}: ${e?.code ?? e?.message}`;
      ctx.webhook = { port: config.webhookPort, waitFor: async () => ({ error, refused: [] }) };
    }
  }

  const results = [];
  const failed = new Set();
  try {
    for (const [i, c] of CASES.entries()) {
      const how = typeof c.how === "function" ? c.how(ctx) : c.how;
      const base = { name: c.name, how, expected: c.expected };
      const notRun = c.optional?.(ctx);
      let r;
      if (notRun) r = { ...base, response: `not run: ${notRun}`, ms: 0, result: NOT_RUN };
      else if (c.needs && failed.has(c.needs)) r = { ...base, response: `skipped: needs "${c.needs}"`, ms: 0, result: FAIL };
      else if (!ctx.client && c.name !== "Credentials") {
        r = { ...base, response: `skipped: the client options were refused (${describeError(clientError)})`, ms: 0, result: FAIL };
      } else r = { ...base, ...(await runCase(c, ctx)) };
      if (r.result === FAIL) failed.add(c.name);
      results.push(r);
      log(`uat: ${String(i + 1).padStart(2)}/${CASES.length} ${r.result.padEnd(7)} ${c.name} (${Math.round(r.ms)} ms)`);
    }
  } finally {
    await ctx.webhook?.close?.();
  }
  const meta = {
    environment: ctx.environment,
    baseUrl,
    paymentServiceId: config.paymentServiceId,
    simulator: ctx.simulator,
    version: sdk.version(),
    runtime: `${globalThis.process?.release?.name ?? "js"} ${globalThis.process?.version ?? ""}`.trim(),
  };
  return { results, meta };
}

/** Runs one case, timed end to end, with the events of its calls shown before its result. */
async function runCase(c, ctx) {
  ctx.recorder.requests.length = 0;
  ctx.recorder.responses.length = 0;
  const start = ctx.now();
  let out;
  try {
    out = await c.run(ctx);
  } catch (e) {
    out = { pass: false, response: describeError(e) };
  }
  const ms = out.ms ?? ctx.now() - start;
  const lines = ctx.recorder.responses.map(attemptLine);
  // A person's payment on staging is polled: keep the first and last reads.
  if (lines.length > 6) lines.splice(2, lines.length - 4, `… ${lines.length - 4} more …`);
  const http = lines.join("; ");
  return { response: http ? `${http}. ${out.response}` : out.response, ms, result: out.pass ? PASS : FAIL };
}

/** "staging", "live" or "other", from the base URL's host. */
function environmentOf(baseUrl) {
  try {
    const host = new URL(baseUrl).hostname;
    return host === "api-staging.pay.gov.sg" ? "staging" : host === "api.pay.gov.sg" ? "live" : "other";
  } catch {
    return "other";
  }
}

/** paysg-sim: the payer pays through the simulator's control, then the payment is read back. */
async function payOnSimulator(ctx, baseUrl, payment) {
  const r = await fetch(`${baseUrl.replace(/\/+$/, "")}/sim/payments/${encodeURIComponent(payment.id)}/pay`, { method: "POST" });
  if (!r.ok) throw new Error(`paysg-sim refused to pay: ${r.status} ${(await r.text()).slice(0, 200)}`);
  await r.body?.cancel?.();
  return ctx.client.getPayment(payment.id);
}

/** Staging: a person pays at payment_url; the payment is read every few seconds until paid. */
async function waitForPayer(ctx, payment, log) {
  const start = ctx.now();
  log(`uat: pay S$${(payment.amount_in_cents / 100).toFixed(2)} with a test card or PayNow at ${payment.payment_url} (waiting up to ${ctx.payTimeoutMs / 1000} s)`);
  for (;;) {
    const p = await ctx.client.getPayment(payment.id);
    const waited = ctx.now() - start;
    if (p.payment_status === "paid" || p.latest_status === "cancelled") return p;
    if (waited >= ctx.payTimeoutMs || ctx.interrupt?.aborted) return p;
    log(`uat: waiting for the payer: ${p.payment_status} after ${Math.round(waited / 1000)} s of ${ctx.payTimeoutMs / 1000} s (${payment.payment_url}; Ctrl-C to stop waiting)`);
    await new Promise((r) => {
      const done = () => {
        clearTimeout(timer);
        ctx.interrupt?.removeEventListener("abort", done);
        r();
      };
      const timer = setTimeout(done, Math.min(ctx.pollMs, ctx.payTimeoutMs - waited));
      ctx.interrupt?.addEventListener("abort", done);
    });
  }
}
