// The declarations match the package: the export names are read from every entry as it runs
// (Node ESM, Node CommonJS, workerd, Chromium), every one of them is declared and nothing else
// is, and a realistic strict consumer type-checks under every module resolution TypeScript users
// pick — with `@ts-expect-error` lines that fail if payments, events, results or errors were
// `any`. The declarations need no DOM or Node types: the consumer also checks with `lib: es2018`.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { bundleWorker, launchChromium, root, runNode, serveStatic, startMiniflare, testProject } from "./helpers.mjs";

const ts = createRequire(import.meta.url)(join(root, "node_modules", "typescript"));
let project;
/** Export names per entry, read from the running module. */
const runtime = {};

before(async () => {
  project = testProject();
  const list = async (file, source) => {
    writeFileSync(join(project, file), source);
    const r = await runNode([file], project);
    assert.equal(r.stderr, "", file);
    return JSON.parse(r.stdout);
  };
  runtime["node (import)"] = await list("keys.mjs", 'import * as m from "paysg";\nconsole.log(JSON.stringify(Object.keys(m)));\n');
  runtime["node (require)"] = await list("keys.cjs", 'console.log(JSON.stringify(Object.keys(require("paysg"))));\n');
  const out = bundleWorker(project, "keys", 'import * as m from "paysg";\nexport default { fetch() { return Response.json(Object.keys(m)); } };\n');
  const mf = await startMiniflare(out);
  try {
    runtime.workerd = await (await mf.dispatchFetch("http://localhost/")).json();
  } finally {
    await mf.dispose();
  }
  const meta = JSON.parse(readFileSync(join(project, "node_modules", "paysg", "package.json"), "utf8"));
  const entry = meta.exports["."].browser.replace(/^\.\//, "/node_modules/paysg/");
  writeFileSync(join(project, "keys.html"), `<!doctype html><meta charset="utf-8">
<script type="importmap">{ "imports": { "paysg": "${entry}" } }</script>
<script type="module">import * as m from "paysg"; window.__keys = Object.keys(m);</script>`);
  const server = await serveStatic(project);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}/keys.html`);
    runtime.browser = await (await page.waitForFunction(() => window.__keys, null, { timeout: 15_000 })).jsonValue();
  } finally {
    await browser.close();
    await server.close();
  }
});

/** The compiler options of each module resolution users pick, and the consumer file's extension. */
const modes = {
  node16: { ext: "mts", options: { module: "node16", moduleResolution: "node16" } },
  "node16 (CommonJS)": { ext: "cts", options: { module: "node16", moduleResolution: "node16" } },
  nodenext: { ext: "mts", options: { module: "nodenext", moduleResolution: "nodenext" } },
  bundler: { ext: "ts", options: { module: "esnext", moduleResolution: "bundler" } },
  "node10 (CommonJS)": { ext: "ts", options: { module: "commonjs", moduleResolution: "node10" } },
};
const base = { target: "es2022", strict: true, noEmit: true, skipLibCheck: false, types: [], noUnusedLocals: false };

/** Type-checks `source` in a folder of the test project; the diagnostics as text ("" when clean). */
function check(name, ext, options, source) {
  const dir = join(project, "ts", name.replace(/\W+/g, "-"));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `consumer.${ext}`);
  writeFileSync(file, source);
  const opts = ts.convertCompilerOptionsFromJson({ ...base, ...options }, dir);
  assert.deepEqual(opts.errors, []);
  const program = ts.createProgram([file], opts.options);
  const diagnostics = ts.getPreEmitDiagnostics(program);
  return {
    program,
    file: program.getSourceFile(file),
    text: ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => dir, getNewLine: () => "\n" }),
  };
}

/** The value exports (functions, classes, constants) the declarations give `paysg`. */
function declaredValues(program, file) {
  const checker = program.getTypeChecker();
  const decl = file.statements.find((s) => ts.isImportDeclaration(s));
  const module = checker.getSymbolAtLocation(decl.moduleSpecifier);
  assert.ok(module, "the declarations resolve");
  const resolved = (s) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
  return checker.getExportsOfModule(module).filter((s) => resolved(s).flags & ts.SymbolFlags.Value).map((s) => s.name).sort();
}

describe("declarations", () => {
  test("every entry exports the same names, and no default export", () => {
    const [first, ...rest] = Object.entries(runtime);
    for (const [name, keys] of rest) assert.deepEqual([...keys].sort(), [...first[1]].sort(), `${name} vs ${first[0]}`);
    assert.ok(!first[1].includes("default"), "a default export exists nowhere");
    assert.ok(first[1].length >= 14, first[1].join(", "));
  });

  for (const [mode, { ext, options }] of Object.entries(modes)) {
    test(`every run-time export is declared, and nothing else (${mode})`, () => {
      const names = [...runtime["node (import)"]].sort();
      const { program, file, text } = check(`exports ${mode}`, ext, options,
        `import { ${names.join(", ")} } from "paysg";\nexport const all: unknown[] = [${names.join(", ")}];\n`);
      assert.equal(text, "");
      assert.deepEqual(declaredValues(program, file), names);
    });

    test(`a strict consumer type-checks, and nothing is any (${mode})`, () => {
      const { text } = check(`consumer ${mode}`, ext, options, consumer);
      assert.equal(text, "");
    });
  }

  test("paysg/validate: every run-time export is declared, and nothing else", async () => {
    writeFileSync(join(project, "validate-keys.mjs"), 'import * as m from "paysg/validate";\nconsole.log(JSON.stringify(Object.keys(m)));\n');
    const r = await runNode(["validate-keys.mjs"], project);
    assert.equal(r.stderr, "");
    const names = JSON.parse(r.stdout).sort();
    assert.deepEqual(names, ["validateCreatePayment", "validateRefund", "version"]);
    for (const mode of ["node16", "bundler"]) {
      const { program, file, text } = check(`validate exports ${mode}`, modes[mode].ext, modes[mode].options,
        `import { ${names.join(", ")}, type CreatePaymentBody } from "paysg/validate";\nconst r = validateCreatePayment({});\nexport const body: CreatePaymentBody | undefined = r.ok ? r.value : undefined;\nexport const all: unknown[] = [${names.join(", ")}];\n`);
      assert.equal(text, "");
      assert.deepEqual(declaredValues(program, file), names);
    }
  });

  test("the declarations need no DOM or Node types (lib es2018)", () => {
    const { text } = check("standalone", "mts", { ...modes.node16.options, lib: ["es2018"], target: "es2018" }, consumer);
    assert.equal(text, "");
  });

  test("the consumer's expect-error lines are errors for the reason given", () => {
    // Without the directives, each of those lines is an error: the types are precise, not any.
    const { text } = check("without-directives", "mts", modes.node16.options, consumer.replaceAll("// @ts-expect-error", "//"));
    const errors = text.split("\n").filter((l) => /error TS\d+/.test(l));
    assert.equal(errors.length, (consumer.match(/@ts-expect-error/g) ?? []).length, text);
  });
});

/** A realistic typed consumer: each `@ts-expect-error` line proves a type is not `any`. */
const consumer = `
import {
  PaySG, PaySGApiError, PaySGError, PaySGSignatureError, PaySGValidationError, buildCreatePaymentRequest,
  parseReturnUrl, signWebhook, validateCreatePayment, verifyWebhook, createWebhookHandler, memoryStore,
  type CreatePaymentInput, type FetchFunction, type FieldError, type Payment, type WebhookEvent, type WebhookEventStore,
  type PaySGRequestEvent, type PaySGResponseEvent,
  type VerifyCredentialsResult, type CredentialProblemCode,
} from "paysg";

declare const myFetch: FetchFunction;
const client = new PaySG({ apiKey: "paysg_stag_x", paymentServiceId: "payment_service_x", timeoutMs: 5000, fetch: myFetch });
const input: CreatePaymentInput = {
  reference_id: "INV-1", payer_name: "Tan Ah Kow", description: "Season parking", amount_in_cents: 1100,
  due_date: new Date(), metadata: { branch: "B01" }, payer_email: null,
};

export async function flow(rawBody: string, header: string | null, secret: string): Promise<string[]> {
  const seen: string[] = [];
  const payment: Payment = await client.createPayment(input, { idempotencyKey: "order-1" });
  const url: string = payment.payment_url;
  seen.push(url);
  // @ts-expect-error a payment has its wire names, not any
  seen.push(payment.paymentUrl);
  // @ts-expect-error amount_in_cents is a number
  const cents: string = payment.amount_in_cents;
  for await (const p of client.listAllPayments({ limit: 50 })) {
    const status: string = p.payment_status;
    seen.push(status);
    // @ts-expect-error a status is a string, not any
    const wrong: number = p.payment_status;
  }
  for await (const r of client.reconcile([{ id: "a", payment_status: "unpaid", latest_status: "unpaid", paid_out_timestamp: new Date() }], { concurrency: 4 })) {
    if (r.error) {
      seen.push(r.error.code, r.id ?? "");
      continue;
    }
    for (const c of r.changed) {
      seen.push(c.field, c.after ?? "", r.payment.payment_status);
      // @ts-expect-error a change's field is one of the compared fields
      const f: "amount_in_cents" = c.field;
    }
  }
  const page = await client.listPayments({ limit: 5 });
  const next: string | null = page.page_info.end_cursor;
  const event: WebhookEvent = verifyWebhook(rawBody, header, secret, { toleranceSeconds: 300 });
  if (event.type === "payment.succeeded" && event.data.object.payment_status === "paid") seen.push(event.id);
  // @ts-expect-error an event's payment is not any
  seen.push(event.data.object.paymentStatus);
  const { paymentId, paymentServiceId } = parseReturnUrl("https://e.gov.sg/paid?paysg_payment_id=a&paysg_payment_service_id=payment_service_b");
  seen.push(paymentId, paymentServiceId);
  // @ts-expect-error the result of parseReturnUrl is not any
  seen.push(parseReturnUrl("x").payment_id);
  const back: Payment = await client.confirmReturn("https://e.gov.sg/paid?order=1", { paymentId }, { timeoutMs: 5000 });
  seen.push(back.payment_status, (await client.confirmReturn({ href: "https://e.gov.sg/" }, { referenceId: "order-1" })).id);
  // @ts-expect-error confirmReturn needs the order's expected payment
  await client.confirmReturn("https://e.gov.sg/paid");
  // @ts-expect-error expected names paymentId or referenceId
  await client.confirmReturn("https://e.gov.sg/paid", {});
  const check: VerifyCredentialsResult = await client.verifyCredentials({ timeoutMs: 5000 });
  if (!check.ok) for (const p of check.problems) seen.push(p.code, p.message, check.environment, check.baseUrl);
  const code: CredentialProblemCode = (await PaySG.verifyCredentials({ apiKey: " k", paymentServiceId: "payment_service_x" })).problems[0].code;
  seen.push(code);
  // @ts-expect-error environment is one of three
  const env: "test" = check.environment;
  // @ts-expect-error verifyCredentials takes no idempotency key
  await client.verifyCredentials({ idempotencyKey: "k" });
  try {
    await client.refundPayment(paymentId, { refund_amount_in_cents: 100 });
  } catch (e) {
    if (e instanceof PaySGApiError) {
      const status: number = e.status;
      const code: string = e.code;
      const retryable: boolean = e.retryable;
      seen.push(String(status), code, String(retryable));
      // @ts-expect-error status is a number
      const s: string = e.status;
    } else if (e instanceof PaySGSignatureError) {
      const reason: "missing_header" | "malformed_header" | "no_matching_signature" | "timestamp_too_old" | "timestamp_in_future" | "invalid_payload" = e.reason;
      seen.push(reason);
      // @ts-expect-error the reason is a union of the real values
      const bad: typeof e.reason = "no_such_reason";
    } else if (e instanceof PaySGValidationError) {
      const first: FieldError | undefined = e.errors[0];
      seen.push(first?.field ?? "");
    } else if (e instanceof PaySGError) {
      seen.push(e.code);
    }
  }
  const r = validateCreatePayment(input);
  if (r.ok) {
    const due: string | undefined = r.value.due_date;
    seen.push(due ?? "");
    // @ts-expect-error the normalised due_date is a string, never a Date
    const d: Date | undefined = r.value.due_date;
  } else {
    const code: FieldError["code"] = r.errors[0].code;
    seen.push(code);
    // @ts-expect-error codes are a union of the real values
    const bad: FieldError["code"] = "not_a_code";
  }
  const req = buildCreatePaymentRequest(input, { apiKey: "paysg_stag_x", paymentServiceId: "payment_service_x" });
  const body: string = req.body;
  seen.push(req.url, req.headers["x-api-key"] ?? "", body, signWebhook(body, secret, { timestamp: 1 }));
  // @ts-expect-error buildCreatePaymentRequest's input is a create-payment body, not unknown
  buildCreatePaymentRequest({ amount: 5 }, { apiKey: "paysg_stag_x", paymentServiceId: "payment_service_x" });
  // @ts-expect-error options are checked too
  new PaySG({ apiKey: "paysg_stag_x", timeout: 5 });
  const handle = createWebhookHandler({ secret, store: memoryStore(), client, onEvent: async (ev, info) => {
    const late: boolean = info.late;
    seen.push(ev.data.object.id, String(late));
  } });
  const answer = await handle({ url: "https://e.gov.sg/webhooks", method: "POST", headers: { get: () => header }, text: async () => rawBody });
  seen.push(String(answer.status));
  // @ts-expect-error a store's claim resolves to "claimed", "done" or "busy"
  const odd: WebhookEventStore = { claim: async () => "maybe", complete: async () => {}, release: async () => {} };
  // Payer text and limits: on the client, on a call, on validateCreatePayment.
  const strict = new PaySG({ apiKey: "paysg_stag_x", normaliseText: true, limits: { payer_identifier: 20 } });
  seen.push(String(validateCreatePayment(input, { normaliseText: true, limits: { amount_in_cents: 99_999_999 } }).ok));
  void strict.createPayment(input, { limits: { amount_in_cents: 30_000_000 }, normaliseText: false });
  const nonAscii: FieldError["code"] = "non_ascii";
  seen.push(nonAscii);
  // @ts-expect-error limits are the two PaySG's sources disagree on
  validateCreatePayment(input, { limits: { payer_id: 20 } });
  // @ts-expect-error the British spelling, as everywhere in paysg
  validateCreatePayment(input, { normalizeText: true });
  // Events: each attempt's request and response, typed.
  const watched = new PaySG({
    apiKey: "paysg_stag_x",
    onRequest: (e: PaySGRequestEvent) => { seen.push(e.operation, e.path, String(e.attempt), e.idempotencyKey ?? ""); },
    onResponse: async (e) => {
      const ms: number = e.elapsedMs + e.totalMs + (e.retryInMs ?? 0);
      seen.push(String(ms), e.requestId ?? "", String(e.willRetry), e.failure ?? String(e.status));
      // @ts-expect-error a failure is one of the kinds, not any string
      const odd: PaySGResponseEvent["failure"] = "dns";
      void odd;
    },
  });
  const timeouts: number = watched.attemptTimeoutMs + watched.toJSON().attemptTimeoutMs;
  seen.push(String(timeouts));
  // @ts-expect-error a listener is a function
  new PaySG({ apiKey: "paysg_stag_x", onResponse: "log" });
  // @ts-expect-error an operation is a public method's name
  const op: PaySGRequestEvent["operation"] = "create";
  void op;
  return seen;
}
`;
