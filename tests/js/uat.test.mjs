// `npx paysg uat`: the evidence writer (CSV per RFC 4180, redaction) and the arguments as units,
// then the installed command against `npx paysg-sim` (every case Pass), against it with a
// view-only key and with faults (the affected cases Fail, the response shown, exit status 1),
// and with bad arguments (exit status 2).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { root, startSim, testProject } from "./helpers.mjs";

const report = await import(join(root, "pkg", "src", "uat", "report.js"));
const { parseArgs } = await import(join(root, "pkg", "src", "uat", "args.js"));
const { PAYER, CASES } = await import(join(root, "pkg", "src", "uat", "cases.js"));

const KEY = "paysg_stag_uat_tests_key_9f3a";
const SERVICE = "payment_service_uat_tests";
const SECRET = "whsec_uat_tests_secret_51c2";

let project, simCli, paysgBin;
before(() => {
  project = testProject();
  simCli = join(project, "node_modules", "paysg-sim", "dist", "cli.mjs");
  paysgBin = join(project, "node_modules", ".bin", "paysg");
});

/** Runs the installed `paysg` bin; resolves to { code, stdout, stderr }. */
function paysg(args, env = {}) {
  return new Promise((resolve) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PAYSG_")));
    const p = spawn(paysgBin, args, { cwd: project, env: { ...clean, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A port nothing listens on now. */
function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Runs a UAT against a fresh `npx paysg-sim` with `simArgs`; returns the run, the files and the rows. */
async function uatAgainstSim(simArgs, uatArgs = [], { key = KEY } = {}) {
  const sim = await startSim(simArgs, { command: [process.execPath, simCli] });
  try {
    const out = mkdtempSync(join(tmpdir(), "paysg-uat-"));
    const r = await paysg(["uat", "--api-key", key, "--payment-service-id", SERVICE, "--base-url", sim.url, "--out", out, ...uatArgs]);
    const paths = r.stdout.trim().split("\n");
    const csv = existsSync(paths[0] ?? "") ? readFileSync(paths[0], "utf8") : "";
    const md = existsSync(paths[1] ?? "") ? readFileSync(paths[1], "utf8") : "";
    const rows = report.parseCsv(csv);
    const byCase = Object.fromEntries(rows.slice(1).map((row) => [row[0], Object.fromEntries(report.COLUMNS.map((c, i) => [c, row[i]]))]));
    return { ...r, out, paths, csv, md, rows, byCase };
  } finally {
    await sim.stop();
  }
}

describe("the evidence writer", () => {
  test("quotes cells per RFC 4180 and reads them back", () => {
    assert.equal(report.csvCell("plain"), "plain");
    assert.equal(report.csvCell("a,b"), '"a,b"');
    assert.equal(report.csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(report.csvCell("two\nlines"), '"two\nlines"');
    assert.equal(report.csvCell("cr\rhere"), '"cr\rhere"');
    assert.equal(report.csvCell(1234), "1234");
    assert.equal(report.csvCell(undefined), "");
    const rows = [["x,y", 'q"q', "l1\r\nl2", 42, ""], ["", "", "", 0, "end"]];
    const text = report.toCsv(["a", "b", "c", "d", "e"], rows);
    assert.ok(text.endsWith("\r\n"));
    assert.deepEqual(report.parseCsv(text), [["a", "b", "c", "d", "e"], ...rows.map((r) => r.map(String))]);
  });

  test("keeps a spreadsheet from reading a cell as a formula", () => {
    for (const f of ["=1+1", "+1", "-1", "@SUM(A1)"]) assert.equal(report.csvCell(f), `'${f}`);
    assert.equal(report.csvCell(-5), "-5");
  });

  test("redacts every occurrence of each secret, longest first; ignores values under 3 characters", () => {
    assert.equal(report.redact("key abcd and abcd", ["abcd"]), `key ${report.REDACTED} and ${report.REDACTED}`);
    assert.equal(report.redact("abcdef", ["abc", "abcdef"]), report.REDACTED);
    assert.equal(report.redact("an ox", ["ox", "", undefined]), "an ox");
    assert.equal(report.redact("abc", ["abc"]), report.REDACTED);
    const rows = report.csvRows([{ name: "n", how: `key ${KEY}`, expected: "e", response: `${PAYER.payer_email} paid`, ms: 12.6, result: "Pass" }], [KEY, PAYER.payer_email]);
    assert.deepEqual(rows, [["n", `key ${report.REDACTED}`, "e", `${report.REDACTED} paid`, 13, "Pass"]]);
  });

  test("the summary: counts, one table row per case, pipes and < escaped, secrets removed", () => {
    const results = [
      { name: "A | B", how: "f(<x>)", expected: "e <y>", response: `key ${KEY}`, ms: 5.4, result: "Pass" },
      { name: "C", how: "g()", expected: "e", response: "r", ms: 0, result: "Fail" },
      { name: "D", how: "h()", expected: "e", response: "r", ms: 0, result: "Not run" },
    ];
    const md = report.toMarkdown({ date: "2026-12-03", startedAt: "t", environment: "staging", baseUrl: "https://api-staging.pay.gov.sg", paymentServiceId: SERVICE, version: "0.1.0", runtime: "node" }, results, [KEY]);
    assert.match(md, /\| Result \| 1 passed, 1 failed, 1 not run, of 3 \|/);
    assert.match(md, /\| 1 \| A \\\| B \| Pass \| 5 \|/);
    assert.match(md, /\*\*How it was run:\*\* `f\(<x>\)`/);
    assert.match(md, /\*\*Expected:\*\* e \\<y>/);
    assert.ok(!md.includes(KEY));
    assert.deepEqual(report.counts(results), { pass: 1, fail: 1, notRun: 1 });
  });

  test("summarises a payment by ids, statuses and amounts only", () => {
    const s = report.summarisePayment({ id: "p1", amount_in_cents: 100, payment_status: "paid", payer_name: "Tan", payer_email: "t@x.sg", payer_address: "1 Road", payer_identifier: "S1234567A", metadata: { a: "b" } });
    assert.equal(s, "id=p1, amount_in_cents=100, payment_status=paid");
  });
});

describe("the arguments", () => {
  const base = ["uat", "--api-key", KEY, "--payment-service-id", SERVICE];
  test("flags, --flag=value, and the environment as fallback", () => {
    const r = parseArgs(["uat", `--api-key=${KEY}`], { PAYSG_PAYMENT_SERVICE_ID: SERVICE, PAYSG_BASE_URL: "http://127.0.0.1:1" });
    assert.deepEqual([r.action, r.config.apiKey, r.config.paymentServiceId, r.config.baseUrl, r.config.out, r.config.payTimeoutMs], ["uat", KEY, SERVICE, "http://127.0.0.1:1", ".", 600_000]);
    assert.equal(parseArgs([...base], { PAYSG_API_KEY: "paysg_stag_other" }).config.apiKey, KEY);
    assert.equal(parseArgs(["--help"]).action, "help");
    assert.equal(parseArgs([...base, "--help"]).action, "help");
  });

  test("limits on both sides: --pay-timeout 1..86400, --webhook-port 1..65535", () => {
    for (const [v, ok] of [["0", false], ["1", true], ["86400", true], ["86401", false], ["1.5", false], ["x", false]]) {
      assert.equal(parseArgs([...base, "--pay-timeout", v]).action, ok ? "uat" : "error", `--pay-timeout ${v}`);
    }
    for (const [v, ok] of [["0", false], ["1", true], ["65535", true], ["65536", false]]) {
      assert.equal(parseArgs([...base, "--webhook-port", v, "--webhook-secret", SECRET]).action, ok ? "uat" : "error", `--webhook-port ${v}`);
    }
  });

  test("each problem names the flag, and never repeats the key or the secret", () => {
    const cases = [
      [["uat"], /--api-key or set PAYSG_API_KEY/],
      [["uat", "--api-key", KEY], /--payment-service-id/],
      [[...base, "--colour"], /unknown flag "--colour"/],
      [["pay"], /unknown command "pay"/],
      [[...base, "--out"], /--out needs a value/],
      [[...base, "--api-key", KEY], /--api-key is given twice/],
      [[...base, "--webhook-port", "8080"], /--webhook-port needs --webhook-secret/],
      [[...base, "--webhook-secret", SECRET], /--webhook-secret needs --webhook-port/],
      [[...base, "--pay-timeout", "0"], /--pay-timeout must be a whole number of seconds from 1 to 86400; got "0"/],
    ];
    for (const [argv, re] of cases) {
      const r = parseArgs(argv, {});
      assert.equal(r.action, "error", argv.join(" "));
      assert.match(r.message, re);
      assert.ok(!r.message.includes(KEY) && !r.message.includes(SECRET), r.message);
    }
  });
});

describe("npx paysg uat", () => {
  test("bad arguments: exit status 2, the problem on stderr, no files", async () => {
    const out = mkdtempSync(join(tmpdir(), "paysg-uat-bad-"));
    for (const args of [["uat", "--out", out], ["uat", "--api-key", KEY, "--payment-service-id", SERVICE, "--out", out, "--pay-timeout", "-3"], ["nope"]]) {
      const r = await paysg(args);
      assert.equal(r.code, 2, args.join(" "));
      assert.match(r.stderr, /^paysg: /);
      assert.equal(r.stdout, "");
    }
    const file = join(out, "..", `${out.split("/").at(-1)}-a-file`);
    writeFileSync(file, "");
    const notDir = await paysg(["uat", "--api-key", KEY, "--payment-service-id", SERVICE, "--out", file]);
    assert.equal(notDir.code, 2);
    assert.match(notDir.stderr, /--out .*cannot write there \(EEXIST\)/);
    const live = await paysg(["uat", "--api-key", "paysg_live_uat_tests_key", "--payment-service-id", SERVICE, "--out", out]);
    assert.equal(live.code, 2);
    assert.match(live.stderr, /test mode only.*api\.pay\.gov\.sg/);
    assert.ok(!live.stderr.includes("paysg_live_uat_tests_key"));
    assert.deepEqual(readdirSync(out), []);
    const help = await paysg(["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--payment-service-id/);
  });

  test("against paysg-sim: every case passes, times numeric, no key or payer data in the evidence", async () => {
    const port = await freePort();
    const r = await uatAgainstSim(["--webhook-url", `http://127.0.0.1:${port}/webhooks`, "--webhook-secret", SECRET], ["--webhook-port", String(port), "--webhook-secret", SECRET]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.paths.length, 2);
    assert.match(r.paths[0], /uat-\d{4}-\d{2}-\d{2}\.csv$/);
    assert.match(r.paths[1], /uat-\d{4}-\d{2}-\d{2}\.md$/);
    assert.deepEqual(r.rows[0], report.COLUMNS);
    assert.equal(r.rows.length, CASES.length + 1);
    for (const row of r.rows.slice(1)) {
      assert.equal(row.length, report.COLUMNS.length);
      assert.equal(row[5], "Pass", `${row[0]}: ${row[3]}`);
      assert.match(row[4], /^\d+$/, `${row[0]} time`);
    }
    // What PaySG answered, as the client's events saw it.
    assert.match(r.byCase["Create a payment with a new Idempotency-Key"]["Response received"], /createPayment POST \/v1\/payment-services\/payment_service_uat_tests\/payments → 201/);
    assert.match(r.byCase["The same key with another body"]["Response received"], /→ 400.*idempotency_key_reused/);
    assert.match(r.byCase["Invalid input refused before sending"]["Response received"], /no request sent/);
    assert.match(r.md, new RegExp(`${CASES.length} passed, 0 failed, 0 not run`));
    assert.match(r.md, /\| Environment \| other \(paysg-sim/);
    for (const text of [r.csv, r.md, r.stderr, r.stdout]) {
      for (const s of [KEY, SECRET, PAYER.payer_name, PAYER.payer_email]) assert.ok(!text.includes(s), `${s} in the evidence or the output`);
    }
    assert.match(r.stderr, /uat: 14\/14 Pass/);
  });

  test("with a view-only key: credentials pass, the calls it may not make fail with the 403 shown, exit status 1", async () => {
    const r = await uatAgainstSim(["--api-key", `${KEY}=view`]);
    assert.equal(r.code, 1);
    const c = r.byCase;
    assert.equal(c.Credentials["Pass/Fail"], "Pass");
    assert.equal(c["Create a payment with a new Idempotency-Key"]["Pass/Fail"], "Fail");
    assert.match(c["Create a payment with a new Idempotency-Key"]["Response received"], /403.*permission_denied/);
    assert.match(c["Get the payment"]["Response received"], /^skipped: needs "Create a payment/);
    assert.equal(c["Get the payment"]["Pass/Fail"], "Fail");
    assert.match(c["Cancel an unpaid payment"]["Response received"], /403/);
    assert.equal(c["A webhook verified"]["Pass/Fail"], "Not run");
    assert.match(c["A webhook verified"]["Response received"], /--webhook-port/);
    assert.equal(c["Invalid input refused before sending"]["Pass/Fail"], "Pass");
    assert.ok(!r.csv.includes(KEY) && !r.md.includes(KEY));
  });

  test("with a key the simulator does not know: credentials fail as not recognised, every call shows the 401", async () => {
    const r = await uatAgainstSim(["--api-key", "paysg_stag_someone_else"]);
    assert.equal(r.code, 1);
    assert.match(r.byCase.Credentials["Response received"], /ok=false.*api_key_not_recognised/);
    assert.match(r.byCase["Create a payment with a new Idempotency-Key"]["Response received"], /→ 401/);
    assert.ok(!r.csv.includes(KEY) && !r.md.includes(KEY));
  });

  test("with a key the client refuses (spaces): the problem is reported, the other cases skipped, the key nowhere", async () => {
    const spaced = `${KEY} `;
    const r = await uatAgainstSim([], [], { key: spaced });
    assert.equal(r.code, 1);
    assert.match(r.byCase.Credentials["Response received"], /api_key_whitespace/);
    assert.match(r.byCase["Get the payment"]["Response received"], /^skipped/);
    assert.match(r.byCase["Cancel an unpaid payment"]["Response received"], /^skipped: the client options were refused/);
    for (const text of [r.csv, r.md]) assert.ok(!text.includes(KEY), text);
  });

  test("a webhook port already in use: that case fails and says so", async () => {
    const port = await freePort();
    const busy = createHttpServer().listen(port);
    await new Promise((r) => busy.once("listening", r));
    try {
      const r = await uatAgainstSim([], ["--webhook-port", String(port), "--webhook-secret", SECRET]);
      assert.equal(r.code, 1);
      assert.equal(r.byCase["A webhook verified"]["Pass/Fail"], "Fail");
      assert.match(r.byCase["A webhook verified"]["Response received"], new RegExp(`could not listen on port ${port}: EADDRINUSE`));
      assert.ok(!r.csv.includes(SECRET) && !r.md.includes(SECRET));
    } finally {
      await new Promise((r) => busy.close(r));
    }
  });

  test("a webhook signed with another secret is refused and the case fails", async () => {
    const port = await freePort();
    const r = await uatAgainstSim(["--webhook-url", `http://127.0.0.1:${port}/`, "--webhook-secret", "whsec_not_the_one", "--webhook-max-attempts", "1"], ["--webhook-port", String(port), "--webhook-secret", SECRET, "--pay-timeout", "2"]);
    assert.equal(r.code, 1);
    assert.equal(r.byCase["A webhook verified"]["Pass/Fail"], "Fail");
    assert.match(r.byCase["A webhook verified"]["Response received"], /within 2 s of its payment; 1 deliveries refused \(no_matching_signature\)/);
  });

  test("with every API request failing 503: each case that calls PaySG fails with the 503 shown, exit status 1", async () => {
    const r = await uatAgainstSim(["--fault", "503", "--retry-after", "0"]);
    assert.equal(r.code, 1);
    const c = r.byCase;
    assert.equal(c.Credentials["Pass/Fail"], "Fail");
    assert.match(c.Credentials["Response received"], /503/);
    assert.match(c["Create a payment with a new Idempotency-Key"]["Response received"], /503/);
    assert.equal(c["Invalid input refused before sending"]["Pass/Fail"], "Pass");
    for (const row of r.rows.slice(1)) assert.match(row[4], /^\d+$/);
  });
});

describe("npx paysg uat where the payer is a person (PaySG's API through a proxy that hides paysg-sim's controls)", () => {
  /** A proxy to the simulator's API only (`/v1/…`): to the runner it is not paysg-sim. */
  async function apiOnlyProxy(target) {
    let requests = 0;
    const server = createHttpServer(async (req, res) => {
      if (!req.url.startsWith("/v1/")) return res.writeHead(404).end();
      const chunks = [];
      for await (const c of req) chunks.push(c);
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !["host", "connection", "content-length"].includes(k)));
      const r = await fetch(`${target}${req.url}`, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
      // PaySG's request id header, which the simulator does not send.
      res.writeHead(r.status, { ...Object.fromEntries(r.headers), "x-request-id": `req_proxy_${++requests}` });
      res.end(Buffer.from(await r.arrayBuffer()));
    });
    await new Promise((r) => server.listen(0, "127.0.0.1", r));
    return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
  }

  test("prints the payment_url, waits with progress lines, and goes on once the person has paid", async () => {
    const sim = await startSim([], { command: [process.execPath, simCli] });
    const proxy = await apiOnlyProxy(sim.url);
    try {
      const out = mkdtempSync(join(tmpdir(), "paysg-uat-person-"));
      const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PAYSG_")));
      const p = spawn(paysgBin, ["uat", "--out", out, "--pay-timeout", "30"], {
        cwd: project, env: { ...clean, PAYSG_API_KEY: KEY, PAYSG_PAYMENT_SERVICE_ID: SERVICE, PAYSG_BASE_URL: proxy.url }, stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "", stdout = "", paid = false;
      p.stdout.on("data", (d) => (stdout += d));
      p.stderr.on("data", (d) => {
        stderr += d;
        const m = /payments\/([A-Za-z0-9_-]+) \(waiting up to 30 s\)/.exec(stderr);
        // The person pays after the runner's first progress line.
        if (m && !paid && /waiting for the payer: unpaid after \d+ s of 30 s/.test(stderr)) {
          paid = true;
          sim.pay(m[1]);
        }
      });
      const code = await new Promise((r) => p.on("close", r));
      assert.equal(paid, true, stderr);
      const rows = report.parseCsv(readFileSync(stdout.trim().split("\n")[0], "utf8"));
      const pays = rows.find((r) => r[0] === "The payer pays");
      assert.equal(pays[5], "Pass", pays[3]);
      assert.match(pays[1], /a person pays at payment_url/);
      assert.equal(rows.find((r) => r[0] === "The return URL confirmed")[5], "Pass");
      // Each call's status and PaySG's request id, from the client's onResponse events.
      assert.match(rows.find((r) => r[0] === "Get the payment")[3], /^getPayment GET \/v1\/payment-services\/payment_service_uat_tests\/payments\/[\w-]+ → 200, request id req_proxy_\d+ \(\d+ ms\)\. id=/);
      assert.equal(code, 0, stderr);
    } finally {
      await proxy.close();
      await sim.stop();
    }
  });

  test("Ctrl-C stops the wait: the payment case fails, the rest runs, the evidence is written", async () => {
    const sim = await startSim([], { command: [process.execPath, simCli] });
    const proxy = await apiOnlyProxy(sim.url);
    try {
      const out = mkdtempSync(join(tmpdir(), "paysg-uat-ctrl-c-"));
      const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PAYSG_")));
      const p = spawn(paysgBin, ["uat", "--api-key", KEY, "--payment-service-id", SERVICE, "--base-url", proxy.url, "--out", out], { cwd: project, env: clean, stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "", stdout = "", sent = false;
      p.stdout.on("data", (d) => (stdout += d));
      p.stderr.on("data", (d) => {
        stderr += d;
        if (!sent && /waiting for the payer: unpaid/.test(stderr)) {
          sent = true;
          p.kill("SIGINT");
        }
      });
      const code = await new Promise((r) => p.on("close", r));
      assert.equal(code, 1, stderr);
      const rows = report.parseCsv(readFileSync(stdout.trim().split("\n")[0], "utf8"));
      const pays = rows.find((x) => x[0] === "The payer pays");
      assert.equal(pays[5], "Fail");
      assert.match(pays[3], /the wait was stopped \(Ctrl-C\)/);
      assert.equal(rows.find((x) => x[0] === "Invalid input refused before sending")[5], "Pass");
    } finally {
      await proxy.close();
      await sim.stop();
    }
  });

  test("a payment not paid within --pay-timeout fails, and the cases that need it are skipped", async () => {
    const sim = await startSim([], { command: [process.execPath, simCli] });
    const proxy = await apiOnlyProxy(sim.url);
    try {
      const out = mkdtempSync(join(tmpdir(), "paysg-uat-unpaid-"));
      const r = await paysg(["uat", "--api-key", KEY, "--payment-service-id", SERVICE, "--base-url", proxy.url, "--out", out, "--pay-timeout", "1"]);
      assert.equal(r.code, 1);
      const rows = report.parseCsv(readFileSync(r.stdout.trim().split("\n")[0], "utf8"));
      const pays = rows.find((x) => x[0] === "The payer pays");
      assert.equal(pays[5], "Fail");
      assert.match(pays[3], /not paid within 1 s: .*payment_status=unpaid/);
      assert.ok(+pays[4] >= 1000, pays[4]);
      assert.match(rows.find((x) => x[0] === "Refund the paid payment with an Idempotency-Key")[3], /^skipped: needs "The payer pays"/);
    } finally {
      await proxy.close();
      await sim.stop();
    }
  });
});
