// `npx paysg-sim send-webhook`: a signed event sent to receivers that verify with the packed
// paysg's verifyWebhook (node:http, and a Worker in Miniflare), its report and exit status, and
// its argument errors. The native binary's subcommand is compared on the same receiver.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { bundleWorker, root, runNode, simBinary, startMiniflare, testProject } from "./helpers.mjs";

const SECRET = "whsec_send_test_5c1d";
let project, paysg, cli, receiver, dir;

/** A node:http receiver: verifyWebhook over the raw body, 200 or 400 with the failure's reason. */
function listen(handle) {
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const { status, answer } = handle(body, req.headers);
      res.writeHead(status, { "content-type": "text/plain" }).end(answer);
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ url: `http://127.0.0.1:${server.address().port}/webhooks/paysg`, close: () => new Promise((r) => server.close(r)) })));
}

async function verifyingReceiver() {
  const seen = [];
  const r = await listen((body, headers) => {
    seen.push({ body, headers });
    try {
      const event = paysg.verifyWebhook(body, headers["paysg-signature"], SECRET);
      return { status: 200, answer: JSON.stringify({ received: event.id }) };
    } catch (e) {
      return { status: 400, answer: `${e.reason}: ${e.message}` };
    }
  });
  return { ...r, seen };
}

const send = (args) => runNode([cli, "send-webhook", ...args], project);
const line = (out, name) => out.split("\n").find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2);

before(async () => {
  project = testProject();
  paysg = await import(join(project, "node_modules", "paysg", "dist", "node.mjs"));
  cli = join(project, "node_modules", "paysg-sim", "dist", "cli.mjs");
  receiver = await verifyingReceiver();
  dir = mkdtempSync(join(tmpdir(), "paysg-send-"));
});
after(() => receiver?.close());

describe("against a node:http receiver using verifyWebhook", () => {
  test("the made-up payment.succeeded is accepted: exit 0, status, body, time, verdict; never the secret", async () => {
    const n = receiver.seen.length;
    const r = await send(["--to", receiver.url, "--secret", SECRET]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const event = JSON.parse(receiver.seen[n].body);
    assert.equal(event.type, "payment.succeeded");
    assert.match(event.id, /^evt_[0-9a-f-]{36}$/);
    assert.match(event.payment_service_id, /^payment_service_[0-9a-f-]{36}$/);
    assert.equal(event.data.object.payment_status, "paid");
    assert.equal(receiver.seen[n].headers["content-type"], "application/json");
    assert.equal(line(r.stdout, "status"), "200");
    assert.equal(line(r.stdout, "body"), JSON.stringify({ received: event.id }));
    assert.match(line(r.stdout, "time"), /^\d+ ms$/);
    assert.equal(line(r.stdout, "verdict"), "accepted (200)");
    assert.ok(!(r.stdout + r.stderr).includes(SECRET));
  });

  test("--stale is refused by verifyWebhook (timestamp_too_old), reported as expected: exit 0", async () => {
    const r = await send(["--to", receiver.url, "--secret", SECRET, "--stale"]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(line(r.stdout, "body"), /^timestamp_too_old: /);
    assert.match(line(r.stdout, "verdict"), /^refused with 400, as expected/);
  });

  test("--stale accepted by a receiver that does not check the time: exit 1, says it is wrong", async () => {
    const naive = await listen(() => ({ status: 204, answer: "" }));
    try {
      const r = await send(["--to", naive.url, "--secret", SECRET, "--stale"]);
      assert.equal(r.code, 1);
      assert.match(line(r.stdout, "verdict"), /^accepted \(204\) a stale signature, which is WRONG/);
    } finally {
      await naive.close();
    }
  });

  test("a wrong secret is refused (no_matching_signature): exit 1 with the status", async () => {
    const r = await send(["--to", receiver.url, "--secret", "whsec_not_this_one"]);
    assert.equal(r.code, 1);
    assert.match(line(r.stdout, "body"), /^no_matching_signature: /);
    assert.match(line(r.stdout, "verdict"), /^refused with 400/);
  });

  test("--event <file> delivers the file's body byte for byte; --signing event signs with its created_at", async () => {
    const createdMs = Date.now() - 30_000;
    const created = new Date(createdMs).toISOString().replace("Z", "+00:00");
    const text = `{\n  "id": "evt_2b4e0c1a-0000-4000-8000-000000000001",\n  "type": "payment.succeeded",\n  "object": "event",\n  "created_at": "${created}",\n  "payment_service_id": "payment_service_1",\n  "data": { "object": { "id": "wLAnFWQLYyYNKBimc2ZkA", "payer_name": "Tan Ah Kow 陈", "amount_in_cents": 1234 } }\n}\n`;
    const file = join(dir, "event.json");
    writeFileSync(file, text);
    const n = receiver.seen.length;
    const r = await send(["--to", receiver.url, "--secret", SECRET, "--event", file]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(receiver.seen[n].body, text);
    assert.equal(line(r.stdout, "body"), JSON.stringify({ received: "evt_2b4e0c1a-0000-4000-8000-000000000001" }));
    const t = (h) => Number(/t=(\d+)/.exec(h["paysg-signature"])[1]);
    assert.ok(t(receiver.seen[n].headers) >= createdMs + 30_000 - 5_000, "signed at sending by default");
    const s = await send(["--to", receiver.url, "--secret", SECRET, "--event", file, "--signing", "event", "--signature-time-unit", "s"]);
    assert.equal(s.code, 0, s.stderr + s.stdout);
    assert.equal(t(receiver.seen[n + 1].headers), Math.floor(createdMs / 1000));
  });

  test("the answer's body is cut at 500 characters; no answer is exit 1", async () => {
    const chatty = await listen(() => ({ status: 503, answer: "x".repeat(620) }));
    try {
      const r = await send(["--to", chatty.url, "--secret", SECRET]);
      assert.equal(r.code, 1);
      assert.equal(line(r.stdout, "body"), `${"x".repeat(500)}… (120 more characters)`);
      assert.match(line(r.stdout, "verdict"), /^refused with 503/);
    } finally {
      await chatty.close();
    }
    const closed = await listen(() => ({ status: 200, answer: "" }));
    await closed.close();
    const r = await send(["--to", closed.url, "--secret", SECRET]);
    assert.equal(r.code, 1);
    assert.equal(line(r.stdout, "status"), "none");
    assert.match(line(r.stdout, "verdict"), /^no answer: could not connect/);
  });
});

describe("argument errors: exit 2, naming the flag, never the secret", () => {
  const cases = [
    [["--secret", SECRET], /--to <URL> is required/],
    [["--to", "http://127.0.0.1:9/"], /--secret <SECRET> is required/],
    [["--to", "http://127.0.0.1:9/", "--secret", SECRET, "--signing", "sometimes"], /--signing must be attempt or event; got 'sometimes'/],
    [["--to", "example.gov.sg/hook", "--secret", SECRET], /--to must be an absolute http:\/\/ or https:\/\/ URL/],
    [["--to", "http://127.0.0.1:9/", "--secret", SECRET, "--event", "/nonexistent/e.json"], /--event \/nonexistent\/e.json: cannot read it \(no such file\)/],
    [["--to", "http://127.0.0.1:9/", "--secret", SECRET, "--bogus", SECRET], /unexpected argument '--bogus'.*unexpected argument '\[secret\]'/],
  ];
  for (const [args, message] of cases) {
    test(args.join(" "), async () => {
      const r = await send(args);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /try 'paysg-sim send-webhook --help'/);
      assert.ok(!(r.stdout + r.stderr).includes(SECRET));
      assert.equal(r.stdout, "");
    });
  }

  test("--help lists the subcommand and its flags", async () => {
    const top = await runNode([cli, "--help"], project);
    assert.match(top.stdout, /^ {2}send-webhook {2}Post a signed payment\.succeeded/m);
    const sub = await send(["--help"]);
    assert.equal(sub.code, 0);
    const listed = [...sub.stdout.matchAll(/^ +(--[a-z-]+)/gm)].map((m) => m[1]).filter((f) => f !== "--help").sort();
    assert.deepEqual(listed, ["--event", "--secret", "--signature-time-unit", "--signing", "--stale", "--to"]);
    // docs/paysg-sim.md's send-webhook table lists the same flags.
    const docs = readFileSync(join(root, "docs", "paysg-sim.md"), "utf8").split("## Testing your webhook endpoint")[1];
    assert.deepEqual([...docs.matchAll(/^\| `(--[a-z-]+)/gm)].map((m) => m[1]).sort(), listed);
  });
});

describe("against a Worker in Miniflare using verifyWebhook", () => {
  test("accepts the normal send, refuses --stale and a wrong secret", async () => {
    const out = bundleWorker(project, "send-webhook-receiver", `import { verifyWebhook } from "paysg";
export default {
  async fetch(request, env) {
    try {
      const event = verifyWebhook(await request.text(), request.headers.get("paysg-signature"), env.PAYSG_WEBHOOK_SECRET);
      return Response.json({ received: event.id });
    } catch (e) {
      return new Response(e.reason + ": " + e.message, { status: 400 });
    }
  },
};`);
    const mf = await startMiniflare(out, { PAYSG_WEBHOOK_SECRET: SECRET }, { host: "127.0.0.1", port: 0 });
    try {
      const url = new URL("/webhooks/paysg", await mf.ready).href;
      const ok = await send(["--to", url, "--secret", SECRET]);
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      assert.match(line(ok.stdout, "body"), /^\{"received":"evt_/);
      const stale = await send(["--to", url, "--secret", SECRET, "--stale"]);
      assert.equal(stale.code, 0, stale.stdout + stale.stderr);
      assert.match(line(stale.stdout, "body"), /^timestamp_too_old/);
      const wrong = await send(["--to", url, "--secret", `${SECRET}x`]);
      assert.equal(wrong.code, 1);
      assert.match(line(wrong.stdout, "body"), /^no_matching_signature/);
    } finally {
      await mf.dispose();
    }
  });
});

describe("the native binary's send-webhook", () => {
  const run = (args) =>
    new Promise((resolve) => {
      const p = spawn(simBinary(), ["send-webhook", ...args], { stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "", stderr = "";
      p.stdout.on("data", (d) => (stdout += d));
      p.stderr.on("data", (d) => (stderr += d));
      p.on("close", (code) => resolve({ code, stdout, stderr }));
    });

  test("gives the same verdicts and exit statuses as npx paysg-sim, and the same argument errors", async () => {
    assert.ok(existsSync(simBinary()));
    for (const args of [[], ["--stale"], ["--signing", "event"]]) {
      const a = await run(["--to", receiver.url, "--secret", SECRET, ...args]);
      const b = await send(["--to", receiver.url, "--secret", SECRET, ...args]);
      assert.equal(a.code, b.code, args.join(" "));
      assert.equal(line(a.stdout, "verdict"), line(b.stdout, "verdict"));
      assert.equal(line(a.stdout, "status"), line(b.stdout, "status"));
    }
    const wrong = await run(["--to", receiver.url, "--secret", "whsec_other"]);
    assert.equal(wrong.code, 1);
    for (const args of [["--secret", SECRET], ["--to", "http://h/", "--secret", SECRET, "--signing", "x"]]) {
      const a = await run(args);
      assert.equal(a.code, 2);
      assert.equal(a.stderr, (await send(args)).stderr);
    }
    const tls = await run(["--to", "https://example.gov.sg/hook", "--secret", SECRET]);
    assert.equal(tls.code, 2);
    assert.match(tls.stderr, /npx paysg-sim send-webhook/);
  });
});
