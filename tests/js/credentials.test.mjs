// verifyCredentials, from the packed package in Node, against paysg-sim's npm CLI started as a
// process with --api-key flags (a full key, a view-only key, a refund-only key), an unknown key,
// a closed port, and injected fetches for what the simulator does not answer (a 404 for an
// unknown payment service: paysg-sim accepts any payment_service_ id). Every result is checked
// for the API key.
import assert from "node:assert/strict";
import { join } from "node:path";
import { createServer } from "node:net";
import { after, before, describe, test } from "node:test";
import { bundleWorker, startMiniflare, startSim, testProject } from "./helpers.mjs";

const KEY = "paysg_stag_credentials_full_key_1234";
const VIEW_KEY = "paysg_stag_credentials_view_only_5678";
const REFUND_KEY = "paysg_stag_credentials_refund_only_9012";
const UNKNOWN_KEY = "paysg_stag_credentials_unknown_3456";
const SERVICE = "payment_service_0b5a2c1e-credentials-tests";
const KEYS = [KEY, VIEW_KEY, REFUND_KEY, UNKNOWN_KEY];
let paysg, sim;

before(async () => {
  const project = testProject();
  paysg = await import(join(project, "node_modules", "paysg", "dist", "node.mjs"));
  const cli = join(project, "node_modules", "paysg-sim", "dist", "cli.mjs");
  sim = await startSim(["--api-key", KEY, "--api-key", `${VIEW_KEY}=view`, "--api-key", `${REFUND_KEY}=refund`], { command: [process.execPath, cli] });
});
after(() => sim?.stop());

const host = () => new URL(sim.url).host;
const options = (extra = {}) => ({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: sim.url, ...extra });

/** A fetch that records each request (URL and method) and answers with `answer` or the network. */
function recording(answer) {
  const sent = [];
  const f = async (url, init) => {
    sent.push({ url: String(url), method: init.method });
    return answer ? answer(url, init) : fetch(url, init);
  };
  f.sent = sent;
  return f;
}

/** The result's shape, and that no key appears anywhere in it. */
function checked(r) {
  assert.deepEqual(Object.keys(r).sort(), ["baseUrl", "environment", "ok", "problems"]);
  assert.equal(typeof r.ok, "boolean");
  assert.ok(["staging", "live", "other"].includes(r.environment));
  assert.equal(typeof r.baseUrl, "string");
  for (const p of r.problems) {
    assert.deepEqual(Object.keys(p).sort(), ["code", "message"]);
    assert.ok(p.code.length > 0 && p.message.length > 10, JSON.stringify(p));
  }
  assert.equal(r.ok, r.problems.length === 0);
  const text = JSON.stringify(r);
  for (const k of KEYS) {
    assert.ok(!text.includes(k), `a key leaked: ${text}`);
    assert.ok(!text.includes(k.slice("paysg_stag_".length)), `a key leaked: ${text}`);
  }
  return r;
}

const codes = (r) => r.problems.map((p) => p.code);

describe("against paysg-sim (npx paysg-sim --api-key …)", () => {
  test("a key with every permission: ok, one GET …/payments?limit=1", async () => {
    const f = recording();
    const client = new paysg.PaySG(options({ fetch: f }));
    const r = checked(await client.verifyCredentials());
    assert.deepEqual(r, { ok: true, environment: "other", baseUrl: sim.url, problems: [] });
    assert.deepEqual(f.sent, [{ url: `${sim.url}/v1/payment-services/${SERVICE}/payments?limit=1`, method: "GET" }]);
    // The static gives the same.
    assert.deepEqual(checked(await paysg.PaySG.verifyCredentials(options())), r);
  });

  test("a view-only key passes: listing needs View, so one read cannot see Billing missing", async () => {
    const r = checked(await paysg.PaySG.verifyCredentials(options({ apiKey: VIEW_KEY })));
    assert.equal(r.ok, true);
    // The limitation, shown: the same key cannot create.
    const client = new paysg.PaySG(options({ apiKey: VIEW_KEY }));
    await assert.rejects(client.createPayment({ reference_id: "r1", payer_name: "Tan", description: "d", amount_in_cents: 100 }), (e) => e.status === 403);
  });

  test("a key without View (refund only): 403 → permission_missing, naming the Billing collaborator role", async () => {
    const f = recording();
    const r = checked(await paysg.PaySG.verifyCredentials(options({ apiKey: REFUND_KEY, fetch: f })));
    assert.deepEqual(codes(r), ["permission_missing"]);
    assert.match(r.problems[0].message, /Billing collaborator/);
    assert.ok(r.problems[0].message.includes(SERVICE));
    assert.equal(f.sent.length, 1, "a 403 is not retried");
  });

  test("an unknown key: 401 → api_key_not_recognised, naming the host, sent once", async () => {
    const f = recording();
    const r = checked(await new paysg.PaySG(options({ apiKey: UNKNOWN_KEY, fetch: f })).verifyCredentials());
    assert.equal(r.ok, false);
    assert.deepEqual(codes(r), ["api_key_not_recognised"]);
    assert.ok(r.problems[0].message.includes(host()), r.problems[0].message);
    assert.match(r.problems[0].message, /do not expire/);
    assert.equal(f.sent.length, 1, "a 401 is not retried");
  });

  test("paysg-sim accepts any payment_service_ id, so a 404 comes from an injected fetch", async () => {
    const other = "payment_service_not-one-of-ours";
    assert.equal((await paysg.PaySG.verifyCredentials(options({ paymentServiceId: other }))).ok, true);
    const f = recording(() => new Response(JSON.stringify({ error: { type: "not_found", code: "payment_service_not_found", message: "no" } }), { status: 404 }));
    const r = checked(await paysg.PaySG.verifyCredentials(options({ paymentServiceId: other, fetch: f })));
    assert.deepEqual(codes(r), ["payment_service_not_found"]);
    assert.ok(r.problems[0].message.includes(other));
    assert.equal(f.sent.length, 1, "a 404 is not retried");
  });

  test("a closed port: connection_failed naming the host and PaySG's allow-listing; resolves", async () => {
    const port = await new Promise((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const p = s.address().port;
        s.close(() => resolve(p));
      });
    });
    const r = checked(await paysg.PaySG.verifyCredentials(options({ baseUrl: `http://127.0.0.1:${port}` })));
    assert.deepEqual(codes(r), ["connection_failed"]);
    assert.ok(r.problems[0].message.includes(`127.0.0.1:${port}`), r.problems[0].message);
    assert.match(r.problems[0].message, /allow-lists the IP addresses/);
    assert.match(r.problems[0].message, /Cloudflare Worker has no fixed outbound IP/);
    assert.equal(r.baseUrl, `http://127.0.0.1:${port}`);
  });
});

describe("checks before sending", () => {
  test("a key with whitespace: where, never the key; edges trimmed and checked, inside not sent", async () => {
    for (const [apiKey, where, sent] of [
      [` ${KEY}`, /at its start/, 1],
      [`${KEY}\n`, /at its end/, 1],
      [`\t${KEY}\r\n`, /at its start and at its end/, 1],
      [`${KEY.slice(0, 15)} ${KEY.slice(15)}`, /inside it/, 0],
    ]) {
      assert.throws(() => new paysg.PaySG(options({ apiKey })), paysg.PaySGValidationError, "the constructor refuses it");
      const f = recording();
      const r = checked(await paysg.PaySG.verifyCredentials(options({ apiKey, fetch: f })));
      assert.deepEqual(codes(r), ["api_key_whitespace"], JSON.stringify(r));
      assert.match(r.problems[0].message, where);
      assert.equal(f.sent.length, sent);
    }
  });

  test("a key aimed at the other environment's host: mismatch, nothing sent", async () => {
    for (const [apiKey, baseUrl, environment, says] of [
      ["paysg_live_credentials_tests_key", "https://api-staging.pay.gov.sg", "staging", "a paysg_live_ key is aimed at https://api-staging.pay.gov.sg"],
      ["paysg_stag_credentials_tests_key", "https://api.pay.gov.sg/", "live", "a paysg_stag_ key is aimed at https://api.pay.gov.sg"],
    ]) {
      const f = recording();
      const r = checked(await paysg.PaySG.verifyCredentials({ apiKey, baseUrl, paymentServiceId: SERVICE, fetch: f }));
      assert.deepEqual(codes(r), ["api_key_environment_mismatch"]);
      assert.ok(r.problems[0].message.includes(says), r.problems[0].message);
      assert.equal(r.environment, environment);
      assert.equal(f.sent.length, 0);
      assert.ok(!JSON.stringify(r).includes(apiKey));
    }
  });

  test("the environment follows the key's prefix when no baseUrl is given (nothing reached here)", async () => {
    const never = recording(() => new Promise(() => {}));
    for (const [apiKey, environment, baseUrl] of [
      ["paysg_stag_credentials_tests_key", "staging", "https://api-staging.pay.gov.sg"],
      ["paysg_live_credentials_tests_key", "live", "https://api.pay.gov.sg"],
    ]) {
      const r = checked(await paysg.PaySG.verifyCredentials({ apiKey, paymentServiceId: SERVICE, fetch: never, timeoutMs: 50 }));
      assert.deepEqual([r.environment, r.baseUrl], [environment, baseUrl]);
      assert.deepEqual(codes(r), ["connection_failed"]);
      assert.match(r.problems[0].message, /did not answer within 50 ms/);
    }
  });

  test("options the constructor refuses are problems, never thrown", async () => {
    const f = recording();
    for (const [given, expected] of [
      [undefined, ["required", "required"]],
      [null, ["required", "required"]],
      ["paysg_stag_a_key_as_a_string", ["invalid_type"]],
      [42, ["invalid_type"]],
      [{}, ["required", "required"]],
      [{ apiKey: KEY, baseUrl: sim.url, fetch: f }, ["required"]],
      [options({ apiKey: "" }), ["empty"]],
      [options({ baseUrl: "ftp://x", fetch: f }), ["invalid_url"]],
      [options({ timeoutMs: -1, fetch: f }), ["out_of_range"]],
      [options({ fetch: "not a function" }), ["invalid_type"]],
    ]) {
      const r = checked(await paysg.PaySG.verifyCredentials(given));
      assert.equal(r.ok, false);
      for (const code of expected) assert.ok(codes(r).includes(code), `${JSON.stringify(given)}: ${JSON.stringify(r)}`);
    }
    assert.equal(f.sent.length, 0);
  });

  test("hostile options: getters that throw or call back into the package", async () => {
    const throwing = new Proxy({}, { get() { throw new Error("boom"); } });
    assert.equal(checked(await paysg.PaySG.verifyCredentials(throwing)).ok, false);
    const reentrant = options({ get timeoutMs() { paysg.PaySG.verifyCredentials({}); return 500; } });
    assert.equal(checked(await paysg.PaySG.verifyCredentials(reentrant)).ok, true);
  });
});

describe("answers that say nothing about the credentials", () => {
  test("a 503 is tried once more, then unexpected_response; a 200 that is not a page too", async () => {
    const f = recording(() => new Response("", { status: 503, headers: { "retry-after": "0" } }));
    const r = checked(await paysg.PaySG.verifyCredentials(options({ fetch: f })));
    assert.deepEqual(codes(r), ["unexpected_response"]);
    assert.match(r.problems[0].message, /503/);
    assert.equal(f.sent.length, 2);
    const page = recording(() => new Response("<html>proxy login</html>", { status: 200 }));
    const r2 = checked(await paysg.PaySG.verifyCredentials(options({ fetch: page })));
    assert.deepEqual(codes(r2), ["unexpected_response"]);
    assert.match(r2.problems[0].message, /not PaySG's page of payments/);
  });

  test("a fetch that never answers ends at timeoutMs as connection_failed", async () => {
    const never = recording(() => new Promise(() => {}));
    const client = new paysg.PaySG(options({ fetch: never }));
    const r = checked(await client.verifyCredentials({ timeoutMs: 100 }));
    assert.deepEqual(codes(r), ["connection_failed"]);
    assert.match(r.problems[0].message, /within 100 ms/);
  });
});

describe("paysg.verifyCredentials(opts)", () => {
  test("bad call options are problems; an aborted signal rejects with its reason", async () => {
    const client = new paysg.PaySG(options());
    const r = checked(await client.verifyCredentials({ timeoutMs: 0 }));
    assert.deepEqual(codes(r), ["out_of_range"]);
    assert.ok(r.problems[0].message.includes("timeoutMs"));
    const r2 = checked(await client.verifyCredentials({ paymentServiceId: "nope" }));
    assert.deepEqual(codes(r2), ["invalid_format"]);
    const reason = new Error("stop");
    await assert.rejects(client.verifyCredentials({ signal: AbortSignal.abort(reason) }), (e) => e === reason);
  });

  test("a client's own baseUrl and service are checked, and a call may name another service", async () => {
    const f = recording();
    const client = new paysg.PaySG(options({ fetch: f }));
    const r = checked(await client.verifyCredentials({ paymentServiceId: "payment_service_other" }));
    assert.equal(r.ok, true);
    assert.equal(f.sent[0].url, `${sim.url}/v1/payment-services/payment_service_other/payments?limit=1`);
  });
});

describe("in workerd (Miniflare), bundled by wrangler", () => {
  test("ok, 401, 403 and a closed port, as in Node", async () => {
    const out = bundleWorker(testProject(), "credentials", WORKER);
    const mf = await startMiniflare(out, { SIM_URL: sim.url, KEY, VIEW_KEY, REFUND_KEY, UNKNOWN_KEY, SERVICE });
    try {
      const res = await mf.dispatchFetch("http://localhost/");
      const r = await res.json();
      assert.equal(res.status, 200, JSON.stringify(r));
      assert.deepEqual(r.codes, [[], [], ["permission_missing"], ["api_key_not_recognised"], ["connection_failed"], ["api_key_whitespace"]]);
      assert.deepEqual(r.ok, [true, true, false, false, false, false]);
      for (const k of KEYS) assert.ok(!r.text.includes(k), "a key leaked in workerd");
    } finally {
      await mf.dispose();
    }
  });
});

const WORKER = `
import { PaySG } from "paysg";
export default {
  async fetch(request, env) {
    const o = (apiKey, extra = {}) => ({ apiKey, paymentServiceId: env.SERVICE, baseUrl: env.SIM_URL, ...extra });
    const results = [
      await new PaySG(o(env.KEY)).verifyCredentials(),
      await PaySG.verifyCredentials(o(env.VIEW_KEY)),
      await PaySG.verifyCredentials(o(env.REFUND_KEY)),
      await PaySG.verifyCredentials(o(env.UNKNOWN_KEY)),
      await PaySG.verifyCredentials(o(env.KEY, { baseUrl: "http://127.0.0.1:1", maxRetries: 0, timeoutMs: 3000 })),
      await PaySG.verifyCredentials(o(env.KEY + "\\n")),
    ];
    return Response.json({ codes: results.map((r) => r.problems.map((p) => p.code)), ok: results.map((r) => r.ok), text: JSON.stringify(results) });
  },
};
`;
