// Hostile probes, from the packed package (hostile-probes-run.mjs, in a process of its own so
// that an uncaught exception is counted rather than ending the test): every export found in the
// running module, the client's methods from its prototype, what the factories return and the
// async iterators, called with a hostile value at each parameter position and in an options'
// `signal`. Every outcome must be a value or a PaySG* error with a string `code`: never a raw
// TypeError or Error, never a hang, never an uncaught exception or unhandled rejection later.
// On main before issue 22 item 5 (ce4fb87): 217 of 3,714 probes failed and 21 uncaught
// TypeErrors came later from the attempt timers (signals); after it (with listAllPayments'
// parameters checked in Rust): none of 3,774, none later.
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, test } from "node:test";
import { root, runNode, testProject } from "./helpers.mjs";

let report, paysg;

before(async () => {
  const project = testProject();
  paysg = await import(join(project, "node_modules", "paysg", "dist", "node.mjs"));
  const r = await runNode([join(root, "tests", "js", "hostile-probes-run.mjs"), project], root);
  assert.equal(r.code, 0, `the probes' process ended with ${r.code}: ${r.stderr.slice(0, 2000)}`);
  report = JSON.parse(r.stdout.trim().split("\n").at(-1));
});

test("every hostile argument to every export gives a value or a PaySG* error, at once", (t) => {
  t.diagnostic(`${report.probes} probes, ${report.failures.length} failures, ${report.escaped.length} escaped`);
  assert.ok(report.probes > 800, `only ${report.probes} probes were discovered`);
  assert.deepEqual(report.failures, [], `${report.failures.length} of ${report.probes} probes failed`);
});

test("nothing escapes later: no uncaught exception, no unhandled rejection after every timer fired", () => {
  assert.deepEqual(report.escaped, []);
});

test("an IncomingMessage-like signal is a PaySGValidationError naming signal, in every function that takes one", () => {
  assert.ok(report.signal.length >= 16);
  for (const s of report.signal) {
    assert.equal(s.class, "PaySGValidationError", `${s.name} with signal ${s.given}: ${s.error ?? "resolved"}`);
    assert.equal(s.field, "signal");
    assert.equal(s.code, "invalid_type");
    assert.match(s.error, /AbortSignal/);
  }
});

test("a real AbortSignal, aborted or not, still works", async () => {
  const c = new paysg.PaySG({ apiKey: "paysg_stag_hostile_probes", paymentServiceId: "payment_service_hostile", baseUrl: "https://paysg.invalid", fetch: () => new Promise(() => {}), attemptTimeoutMs: 5, timeoutMs: 50, maxRetries: 0 });
  const reason = new Error("the caller stopped");
  await assert.rejects(c.getPayment("pay_1", { signal: AbortSignal.abort(reason) }), (e) => e === reason);
  const controller = new AbortController();
  const call = c.getPayment("pay_1", { signal: controller.signal, timeoutMs: 10_000, attemptTimeoutMs: 10_000 });
  controller.abort(reason);
  await assert.rejects(call, (e) => e === reason);
  await assert.rejects(c.getPayment("pay_1", { signal: new AbortController().signal }), paysg.PaySGTimeoutError);
});

test("a signal of another realm's shape (boolean aborted, reason, add/removeEventListener) is followed", async () => {
  const c = new paysg.PaySG({ apiKey: "paysg_stag_hostile_probes", paymentServiceId: "payment_service_hostile", baseUrl: "https://paysg.invalid", fetch: () => new Promise(() => {}), attemptTimeoutMs: 5, timeoutMs: 50, maxRetries: 0 });
  const reason = new Error("the caller stopped");
  const target = new EventTarget();
  let listeners = 0;
  const alike = {
    aborted: false,
    reason: undefined,
    addEventListener: (...a) => (listeners++, target.addEventListener(...a)),
    removeEventListener: (...a) => target.removeEventListener(...a),
  };
  const long = { signal: alike, timeoutMs: 10_000, attemptTimeoutMs: 10_000 };
  const calls = [c.getPayment("pay_1", long), c.getPayment("pay_2", long)];
  assert.equal(listeners, 1, "one listener on the caller's signal however many calls use it");
  alike.aborted = true;
  alike.reason = reason;
  target.dispatchEvent(new Event("abort"));
  for (const call of calls) await assert.rejects(call, (e) => e === reason);
  await assert.rejects(c.getPayment("pay_1", { signal: { ...alike } }), (e) => e === reason, "already aborted: its reason at once");
});
