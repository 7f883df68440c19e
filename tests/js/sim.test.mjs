// paysg-sim from npm against the native binary: one core, three shells. Each behaviour runs on
// the npm package in-process (`createSimulator().fetch`), on its CLI over node:http
// (`npx paysg-sim`), and on the Rust binary, with the same flags; the CLIs are compared on their
// flags and on their refusals; and the paysg client runs against the in-process simulator.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { simBinary, startSim, testProject } from "./helpers.mjs";

const KEY = "paysg_stag_sim_tests";
const SERVICE = "payment_service_sim_tests";
let project, simPkg, paysg, cli;

before(async () => {
  project = testProject();
  simPkg = await import(join(project, "node_modules", "paysg-sim", "dist", "node.mjs"));
  paysg = await import(join(project, "node_modules", "paysg", "dist", "node.mjs"));
  cli = join(project, "node_modules", "paysg-sim", "dist", "cli.mjs");
});

/** `--flag value` pairs → createSimulator's options (camelCase; repeated flags as arrays). */
function toOptions(args) {
  const byName = new Map(simPkg.flags().map((f) => [f.name, f]));
  const options = {};
  for (let i = 0; i < args.length; i++) {
    const f = byName.get(args[i].slice(2));
    if (f.kind === "switch") options[f.camel] = true;
    else if (f.kind === "repeat") (options[f.camel] ??= []).push(args[++i]);
    else options[f.camel] = args[++i];
  }
  return options;
}

/** The three shells: each starts a simulator with flags → `{ url, fetch, stop }`. */
const SHELLS = {
  "npm, in-process": async (args) => {
    const sim = await simPkg.createSimulator(toOptions(args));
    return { url: sim.baseUrl, fetch: sim.fetch, stop: () => sim.close() };
  },
  "npm, npx paysg-sim": async (args) => {
    const s = await startSim(args, { command: [process.execPath, cli] });
    return { url: s.url, fetch: globalThis.fetch, stop: s.stop };
  },
  "native binary": async (args) => {
    const s = await startSim(args);
    return { url: s.url, fetch: globalThis.fetch, stop: s.stop };
  },
};

/** A small client of one shell. */
function api(sim, key = KEY) {
  const call = async (method, path, body, headers = {}) => {
    const res = await sim.fetch(`${sim.url}${path}`, {
      method,
      headers: { "x-api-key": key, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
  };
  const base = `/v1/payment-services/${SERVICE}/payments`;
  return {
    create: (body, headers) => call("POST", base, body, headers),
    get: (id) => call("GET", `${base}/${id}`),
    refund: (id, cents, headers) => call("POST", `${base}/${id}/refund`, { refund_amount_in_cents: cents }, headers),
    cancel: (id) => call("POST", `${base}/${id}/cancel`),
    sim: (path, body) => call("POST", path, body),
    state: () => call("GET", "/sim/state").then((r) => r.json),
  };
}
const payment = (ref, cents = 1100) => ({ reference_id: ref, payer_name: "Tan Ah Kow", description: "Season parking", amount_in_cents: cents });

/** A webhook receiver: answers `codes` in turn (then 200); records what it got. */
async function receiver(codes = []) {
  const got = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      got.push({ signature: req.headers["paysg-signature"], body });
      res.writeHead(codes[got.length - 1] ?? 200).end();
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${server.address().port}/hook`, got, close: () => new Promise((r) => server.close(r)) };
}
const until = async (f, ms = 5000) => {
  const end = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
};

for (const [shell, start] of Object.entries(SHELLS)) {
  describe(shell, () => {
    test("API keys carry permissions (403 without the one a request needs)", async () => {
      const sim = await start(["--api-key", "paysg_stag_viewer=view", "--api-key", `${KEY}=billing`, "--api-key", "paysg_stag_admin=administrator"]);
      try {
        const viewer = api(sim, "paysg_stag_viewer"), biller = api(sim), admin = api(sim, "paysg_stag_admin");
        const denied = await viewer.create(payment("P-1"));
        assert.equal(denied.status, 403);
        assert.equal(denied.json.error.code, "permission_denied");
        assert.match(denied.json.error.message, /billing/);
        const created = await biller.create(payment("P-2"));
        assert.equal(created.status, 201);
        assert.equal((await viewer.get(created.json.id)).status, 200);
        assert.equal((await biller.get(created.json.id)).status, 403, "billing cannot view");
        assert.equal((await biller.refund(created.json.id, 100)).json.error.code, "permission_denied");
        assert.equal((await admin.get(created.json.id)).status, 200, "administrator may do all");
        assert.equal((await api(sim, "paysg_stag_other").get("x")).status, 401);
      } finally {
        await sim.stop();
      }
    });

    test("a 500 after executing is stored under the key and replayed (the 500-after fault)", async () => {
      const sim = await start([]);
      try {
        const a = api(sim);
        const first = await a.create(payment("F-1"), { "idempotency-key": "after-1", "x-paysg-sim-fault": "500-after" });
        assert.equal(first.status, 500);
        assert.equal(first.json.error.code, "simulated_fault_after_executing");
        const again = await a.create(payment("F-1"), { "idempotency-key": "after-1" });
        assert.equal(again.status, 500, "a retry with the key replays the 500");
        assert.equal(again.headers.get("idempotent-replayed"), "true");
        assert.deepEqual((await a.state()).payments_by_reference, { "F-1": 1 }, "the payment was made, once");
      } finally {
        await sim.stop();
      }
    });

    test("refunds: one at a time while pending, within 90 days of payment (by the simulator's clock)", async () => {
      const sim = await start(["--refund-settle-ms", "60000"]);
      try {
        const a = api(sim);
        const p = (await a.create(payment("R-1", 10_000))).json;
        assert.match(p.stripe_payment_intent_id, /^pi_sim_/, "set at creation");
        assert.equal((await a.sim(`/sim/payments/${p.id}/pay`)).status, 200);
        assert.equal((await a.refund(p.id, 1000)).status, 200);
        const blocked = await a.refund(p.id, 1000);
        assert.equal(blocked.status, 402);
        assert.equal(blocked.json.error.code, "refund_pending");
        assert.equal((await a.sim("/sim/clock", { advance_ms: 60_000 })).json.offset_ms, 60_000);
        const second = await a.refund(p.id, 1000);
        assert.equal(second.status, 200);
        assert.equal(second.json.refund_status, "partially_refunded");
        await a.sim("/sim/clock", { advance_ms: 91 * 24 * 3600 * 1000 });
        const late = await a.refund(p.id, 1000);
        assert.equal(late.json.error.code, "refund_window_closed");
      } finally {
        await sim.stop();
      }
    });

    test("an officer's refund and cancel, a payer's failed attempt, a payout", async () => {
      const hook = await receiver();
      const sim = await start(["--webhook-url", hook.url, "--webhook-secret", "whsec_sim"]);
      try {
        const a = api(sim);
        const unpaid = (await a.create(payment("O-1"))).json;
        const failed = await a.sim(`/sim/payments/${unpaid.id}/fail`);
        assert.equal(failed.status, 200);
        assert.equal(failed.json.payment_status, "unpaid");
        const cancelled = await a.sim(`/sim/payments/${unpaid.id}/cancel`);
        assert.equal(cancelled.json.latest_status, "cancelled");
        const paid = (await a.create(payment("O-2"))).json;
        await a.sim(`/sim/payments/${paid.id}/pay`);
        const refunded = await a.sim(`/sim/payments/${paid.id}/refund`, { refund_amount_in_cents: 1100 });
        assert.equal(refunded.json.refund_status, "fully_refunded");
        const out = await a.sim(`/sim/payments/${paid.id}/payout`);
        assert.match(out.json.payout_id, /^po_sim_/);
        assert.ok(out.json.paid_out_timestamp);
        assert.equal((await a.sim(`/sim/payments/${paid.id}/payout`)).status, 409);
        await until(() => hook.got.length >= 1);
        await new Promise((r) => setTimeout(r, 100));
        assert.equal(hook.got.length, 1, "only the payment sends an event; the officer's actions send none");
      } finally {
        await sim.stop();
        await hook.close();
      }
    });

    test("faults: 503 on the first attempt only, and a dropped connection after the payment was made", async () => {
      const sim = await start([]);
      try {
        const a = api(sim);
        const first = await a.create(payment("X-1"), { "idempotency-key": "x-1", "x-paysg-sim-fault": "503;first=1" });
        assert.equal(first.status, 503);
        assert.equal(first.headers.get("retry-after"), "1");
        assert.equal((await a.create(payment("X-1"), { "idempotency-key": "x-1", "x-paysg-sim-fault": "503;first=1" })).status, 201);
        await assert.rejects(a.create(payment("X-2"), { "idempotency-key": "x-2", "x-paysg-sim-fault": "drop" }), TypeError, "no answer");
        const replay = await a.create(payment("X-2"), { "idempotency-key": "x-2" });
        assert.equal(replay.headers.get("idempotent-replayed"), "true", "it ran before the connection was dropped");
        const state = await a.state();
        assert.deepEqual(state.payments_by_reference, { "X-1": 1, "X-2": 1 });
        assert.deepEqual(state.faults, { 503: 1, drop: 1 });
      } finally {
        await sim.stop();
      }
    });

    test("the limit switches (the SDK's limits), and the older --amount-cap", async () => {
      for (const args of [["--limit-amount-in-cents", "99999999", "--limit-payer-identifier", "20"], ["--amount-cap", "99999999", "--limit-payer-identifier", "20"]]) {
        const sim = await start(args);
        try {
          const a = api(sim);
          const over = await a.create({ ...payment("A-1", 100_000_000), payer_identifier: "A".repeat(21) });
          assert.equal(over.status, 400);
          assert.deepEqual(over.json.error.data.errors.map((e) => e.field), ["payer_identifier", "amount_in_cents"]);
          assert.equal((await a.create({ ...payment("A-2", 99_999_999), payer_identifier: "A".repeat(20) })).status, 201);
        } finally {
          await sim.stop();
        }
      }
      const sim = await start([]);
      try {
        const a = api(sim);
        assert.equal((await a.create(payment("D-1", 20_000_001))).status, 400, "the guide's 20,000,000 by default");
        assert.equal((await a.create(payment("D-2", 20_000_000))).status, 201);
        const ascii = await a.create({ ...payment("D-3"), payer_name: "Tan “Ah” Kow" });
        assert.equal(ascii.status, 400);
        assert.equal(ascii.json.error.data.errors[0].code, "non_ascii");
      } finally {
        await sim.stop();
      }
      const lax = await start(["--accept-non-ascii"]);
      try {
        assert.equal((await api(lax).create({ ...payment("N-1"), payer_name: "Tan “Ah” Kow" })).status, 201);
      } finally {
        await lax.stop();
      }
    });

    test("webhooks signed per event: a retry carries the first attempt's t", async () => {
      const hook = await receiver([500]);
      const sim = await start(["--webhook-url", hook.url, "--webhook-secret", "whsec_sim", "--webhook-signing", "event", "--webhook-backoff-ms", "200"]);
      try {
        const a = api(sim);
        const p = (await a.create(payment("W-1"))).json;
        await a.sim(`/sim/payments/${p.id}/pay`);
        await until(() => hook.got.length >= 2);
        const t = hook.got.map((g) => /t=(\d+)/.exec(g.signature)[1]);
        assert.equal(t[0], t[1]);
        assert.ok(paysg.verifyWebhook(hook.got[1].body, hook.got[1].signature, "whsec_sim", { now: Number(t[0]) }));
      } finally {
        await sim.stop();
        await hook.close();
      }
    });
  });
}

describe("the command lines", () => {
  const helpFlags = (cmd) => [...execFileSync(cmd[0], [...cmd.slice(1), "--help"]).toString().matchAll(/^\s+(--[a-z0-9-]+)/gm)].map((m) => m[1]).sort();
  test("npx paysg-sim and the native binary have the same flags (the core's table)", () => {
    const native = helpFlags([simBinary()]);
    const npm = helpFlags([process.execPath, cli]);
    assert.deepEqual(npm, native);
    assert.deepEqual(native.filter((f) => f !== "--help" && f !== "--version"), simPkg.flags().map((f) => `--${f.name}`).sort());
  });

  test("they refuse the same options with the same message", () => {
    const refusal = (cmd, args) => {
      try {
        execFileSync(cmd[0], [...cmd.slice(1), "--port", "0", ...args], { stdio: "pipe" });
        return "started";
      } catch (e) {
        return e.stderr.toString().trim();
      }
    };
    for (const args of [["--fault-rate", "2", "--fault", "500"], ["--fault-rate", "0.5"], ["--webhook-url", "http://x"], ["--api-key", "k=nope"], ["--amount-cap", "0"], ["--limit-payer-identifier", "256"], ["--limit-amount-in-cents", "5", "--amount-cap", "5"], ["--webhook-signing", "sometimes"], ["--data-max-bytes", "9999"]]) {
      const native = refusal([simBinary()], args);
      assert.notEqual(native, "started", args.join(" "));
      assert.equal(refusal([process.execPath, cli], args), native, args.join(" "));
    }
  });
});

describe("in-process, with the paysg client", () => {
  test("createPayment, the payer pays, onWebhook gets a verified event; simulators do not share state", async () => {
    const events = [];
    const sim = await simPkg.createSimulator({
      webhookSecret: "whsec_inproc",
      onWebhook: async (request) => {
        events.push(paysg.verifyWebhook(await request.text(), request.headers.get("paysg-signature"), "whsec_inproc"));
        return new Response(null, { status: 204 });
      },
    });
    const other = await simPkg.createSimulator();
    try {
      const client = new paysg.PaySG({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: sim.baseUrl, fetch: sim.fetch });
      const p = await client.createPayment(payment("IP-1"));
      assert.equal((await sim.pay(p.id)).redirect_url, null);
      await until(() => events.length === 1);
      assert.equal(events[0].data.object.id, p.id);
      assert.equal((await client.getPayment(p.id)).payment_status, "paid");
      assert.equal((await sim.state()).payments, 1);
      assert.equal((await other.state()).payments, 0, "each simulator has its own state");
      const page = await client.listPayments({ limit: 100 });
      assert.equal(page.data.length, 1);
      await assert.rejects(client.listPayments({ limit: 101 }), (e) => e instanceof paysg.PaySGValidationError && /100/.test(e.message));
    } finally {
      await sim.close();
      await other.close();
    }
  });

  test("a webhook handler that throws or answers non-2xx is retried", async () => {
    let calls = 0;
    const sim = await simPkg.createSimulator({
      webhookSecret: "whsec_retry", webhookBackoffMs: 50,
      onWebhook: () => {
        calls++;
        if (calls === 1) throw new Error("boom");
        return new Response(null, { status: calls === 2 ? 503 : 200 });
      },
    });
    try {
      const client = new paysg.PaySG({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: sim.baseUrl, fetch: sim.fetch });
      await sim.pay((await client.createPayment(payment("IP-2"))).id);
      await until(async () => (await sim.webhooks()).attempts.some((a) => a.delivered));
      const { attempts } = await sim.webhooks();
      assert.deepEqual(attempts.map((a) => [a.attempt, a.status, a.delivered]), [[1, null, false], [2, 503, false], [3, 200, true]]);
      assert.match(attempts[0].error, /onWebhook threw: boom/);
    } finally {
      await sim.close();
    }
  });

  test("options are checked by the core's rules, named in camelCase", async () => {
    await assert.rejects(simPkg.createSimulator({ faultRate: 2, fault: "500" }), /faultRate must be from 0 to 1/);
    await assert.rejects(simPkg.createSimulator({ webhookUrl: "http://x" }), /webhookUrl needs webhookSecret/);
    await assert.rejects(simPkg.createSimulator({ nonsense: 1 }), /unknown option nonsense/);
    await assert.rejects(simPkg.createSimulator({ onWebhook: "no" }), TypeError);
  });
});

after(() => {});
