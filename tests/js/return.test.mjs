// confirmReturn binds the payer's return to the order, from the packed package against paysg-sim
// in-process: the normal flow, a paid return URL replayed for another order, tampered, repeated,
// percent-encoded and missing parameters, refunds, and calls without the expectation.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { testProject } from "./helpers.mjs";

const KEY = "paysg_stag_return_tests";
const SERVICE = "payment_service_return_tests";
const BACK = "https://agency.gov.sg/back";
let paysg, sim, c;

before(async () => {
  const project = testProject();
  paysg = await import(join(project, "node_modules", "paysg", "dist", "node.mjs"));
  const simPkg = await import(join(project, "node_modules", "paysg-sim", "dist", "node.mjs"));
  sim = await simPkg.createSimulator({});
  c = new paysg.PaySG({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: sim.baseUrl, fetch: sim.fetch });
});
after(() => sim?.close());

/** A payment for `order`, returning to `BACK?order=…`, paid unless `paid` is false: `{ payment, returnUrl }`. */
async function order(order, { paid = true, amount = 1100 } = {}) {
  const payment = await c.createPayment({ reference_id: order, payer_name: "Tan Ah Kow", description: "Season parking", amount_in_cents: amount, return_url: `${BACK}?order=${order}` });
  const returnUrl = paid ? (await sim.pay(payment.id)).redirect_url : `${BACK}?order=${order}&paysg_payment_id=${payment.id}&paysg_payment_service_id=${SERVICE}`;
  return { payment, returnUrl };
}

const isError = (code) => (e) => e instanceof paysg.PaySGError && !(e instanceof paysg.PaySGValidationError) && e.code === code;
const isInvalid = (field, code) => (e) => e instanceof paysg.PaySGValidationError && e.errors.some((x) => x.field === field && x.code === code);

describe("confirmReturn", () => {
  test("the normal flow: the order's paid payment, by id or by reference, as string, URL or Request", async () => {
    const { payment, returnUrl } = await order("ORDER-OK");
    assert.ok(returnUrl.startsWith(`${BACK}?order=ORDER-OK&`), returnUrl);
    for (const u of [returnUrl, new URL(returnUrl), new Request(returnUrl)]) {
      const got = await c.confirmReturn(u, { paymentId: payment.id });
      assert.equal(got.id, payment.id);
      assert.equal(got.payment_status, "paid");
    }
    assert.equal((await c.confirmReturn(returnUrl, { referenceId: "ORDER-OK" })).id, payment.id);
    assert.equal((await c.confirmReturn(returnUrl, { paymentId: payment.id, referenceId: "ORDER-OK" })).id, payment.id);
    // Replaying one's own URL confirms the same order again: fulfilment must be idempotent.
    assert.equal((await c.confirmReturn(returnUrl, { paymentId: payment.id })).id, payment.id);
  });

  test("A's paid return URL replayed for order B is refused, and nothing of A is returned", async () => {
    const a = await order("ORDER-A");
    const b = await order("ORDER-B", { paid: false });
    for (const expected of [{ paymentId: b.payment.id }, { referenceId: "ORDER-B" }, { paymentId: b.payment.id, referenceId: "ORDER-B" }, { paymentId: a.payment.id, referenceId: "ORDER-B" }]) {
      await assert.rejects(c.confirmReturn(a.returnUrl, expected), (e) => {
        assert.ok(isError("payment_mismatch")(e), `${e.code}: ${e.message}`);
        assert.ok(!("payment" in e), "the error carries no payment");
        assert.ok(!e.message.includes("ORDER-A"), "nor the other payment's reference");
        assert.ok(e.message.includes(a.payment.id), e.message);
        return true;
      });
    }
    // The order id in the URL edited to B's does not help: B expects B's payment.
    const edited = a.returnUrl.replace("order=ORDER-A", "order=ORDER-B");
    await assert.rejects(c.confirmReturn(edited, { paymentId: b.payment.id }), isError("payment_mismatch"));
    // B's own (unpaid) payment resolves as unpaid: "not paid yet".
    assert.equal((await c.confirmReturn(b.returnUrl, { paymentId: b.payment.id })).payment_status, "unpaid");
  });

  test("tampered parameters: another payment id, another service, a payment that does not exist", async () => {
    const { payment, returnUrl } = await order("ORDER-T");
    const other = await order("ORDER-T2");
    const swapped = returnUrl.replace(payment.id, other.payment.id);
    await assert.rejects(c.confirmReturn(swapped, { paymentId: payment.id }), isError("payment_mismatch"));
    await assert.rejects(c.confirmReturn(returnUrl.replace(SERVICE, "payment_service_evil"), { paymentId: payment.id }), isError("payment_service_mismatch"));
    // The third argument is the call's options: its paymentServiceId is the one compared.
    await assert.rejects(c.confirmReturn(returnUrl, { paymentId: payment.id }, { paymentServiceId: "payment_service_other" }), isError("payment_service_mismatch"));
    assert.equal((await c.confirmReturn(returnUrl, { paymentId: payment.id }, { paymentServiceId: SERVICE, timeoutMs: 5000 })).id, payment.id);
    await assert.rejects(c.confirmReturn(returnUrl.replace(payment.id, "nope"), { paymentId: payment.id }),
      (e) => e instanceof paysg.PaySGApiError && e.status === 404);
  });

  test("a parameter given twice is refused before any request, however it is spelled", async () => {
    const { payment, returnUrl } = await order("ORDER-D");
    const other = await order("ORDER-D2");
    let asked = 0;
    const counting = new paysg.PaySG({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: sim.baseUrl, fetch: (...a) => (asked++, sim.fetch(...a)) });
    for (const extra of [`paysg_payment_id=${other.payment.id}`, `paysg%5Fpayment%5Fid=${other.payment.id}`, `paysg_payment_id=${payment.id}`, `paysg_payment_service_id=${SERVICE}`]) {
      const u = `${returnUrl}&${extra}`;
      const field = extra.startsWith("paysg_payment_service_id") ? "paysg_payment_service_id" : "paysg_payment_id";
      await assert.rejects(counting.confirmReturn(u, { paymentId: payment.id }), isInvalid(field, "invalid_format"), u);
      assert.throws(() => paysg.parseReturnUrl(u), isInvalid(field, "invalid_format"));
      // URLSearchParams sees two values here: the reason it is refused.
      assert.equal(new URL(u).searchParams.getAll(field).length, 2);
    }
    assert.equal(asked, 0, "nothing was sent");
  });

  test("percent-encoded names and values are read as URLSearchParams reads them", async () => {
    const { payment } = await order("ORDER-P");
    const enc = (s) => [...s].map((ch) => `%${ch.charCodeAt(0).toString(16).padStart(2, "0")}`).join("");
    const u = `${BACK}?order=ORDER-P&${enc("paysg_payment_id")}=${enc(payment.id)}&paysg_payment_service_%69d=${SERVICE}`;
    assert.equal(new URL(u).searchParams.get("paysg_payment_id"), payment.id);
    assert.equal((await c.confirmReturn(u, { paymentId: payment.id })).id, payment.id);
    // parseReturnUrl agrees with URLSearchParams on every one of these.
    for (const q of [`paysg_payment_id=a%2Bb`, `paysg_payment_id=a%ZZ`, `paysg_payment_id=a%FF%E2%82`, `paysg_payment_id=%C3%A9x`, `x=1&&paysg_payment_id=k=v`, `paysg_payment_id=A%26paysg_payment_id%3DB`]) {
      const url = `${BACK}?${q}&paysg_payment_service_id=${SERVICE}#frag`;
      const sp = new URL(url).searchParams;
      assert.deepEqual(paysg.parseReturnUrl(url), { paymentId: sp.get("paysg_payment_id"), paymentServiceId: sp.get("paysg_payment_service_id") }, q);
    }
    // `+` is a space to URLSearchParams: not an id.
    assert.throws(() => paysg.parseReturnUrl(`${BACK}?paysg_payment_id=a+b&paysg_payment_service_id=${SERVICE}`), isInvalid("paysg_payment_id", "invalid_format"));
  });

  test("parseReturnUrl reads 3,000 random queries exactly as URLSearchParams does", () => {
    // A seeded generator (xorshift32), so a failure repeats.
    let x = 0x9e3779b9;
    const rnd = (n) => ((x ^= x << 13, x ^= x >>> 17, x ^= x << 5) >>> 0) % n;
    const nameVariants = ["paysg_payment_id", "paysg_payment_service_id", "paysg%5Fpayment%5Fid", "paysg_payment_%73ervice_id", "paysg+payment_id", "PAYSG_PAYMENT_ID", "x"];
    const pieces = ["Zb-z", "Zb-z", "a", "%2B", "%C3%A9", "%7E", "=", "&", "+", "%", "%2", "%2B", "%20", "%26", "%3D", "%FF", "%C3", "%A9", "%e2%82%ac", "é", "😀", " ", "\t", "\n", "#", "?", "%00", "\u0085"];
    /** name=value pairs (names mostly PaySG's, spelled several ways), values of random pieces. */
    const query = () => {
      const pairs = [];
      for (let n = rnd(5); n > 0; n--) {
        let v = rnd(3) ? "payment_service_" : "";
        for (let k = rnd(3); k > 0; k--) v += pieces[rnd(pieces.length)];
        pairs.push(`${nameVariants[rnd(nameVariants.length)]}${rnd(10) ? "=" : ""}${v}`);
      }
      return pairs.join(rnd(5) ? "&" : "&&");
    };
    const names = [["paysg_payment_id", "paymentId", ""], ["paysg_payment_service_id", "paymentServiceId", "payment_service_"]];
    const bytes = (s) => new TextEncoder().encode(s).length;
    for (let i = 0; i < 3000; i++) {
      const u = `https://agency.gov.sg/back?${query()}`;
      const sp = new URL(u).searchParams;
      const want = {}, problems = [];
      for (const [name, key, prefix] of names) {
        const all = sp.getAll(name);
        if (all.length === 0) problems.push(`${name}:required`);
        else if (all.length > 1 || !all[0] || !all[0].startsWith(prefix) || bytes(all[0]) > 255 || /[\s\p{Cc}]/u.test(all[0])) problems.push(`${name}:invalid_format`);
        else want[key] = all[0];
      }
      let got;
      try {
        got = paysg.parseReturnUrl(u);
      } catch (e) {
        assert.ok(e instanceof paysg.PaySGValidationError, u);
        got = e.errors.map((p) => `${p.field}:${p.code}`);
      }
      assert.deepEqual(got, problems.length ? problems : want, JSON.stringify(u));
    }
  });

  test("missing parameters, a missing or malformed expectation: PaySGValidationError, nothing sent", async () => {
    const { payment, returnUrl } = await order("ORDER-M");
    await assert.rejects(c.confirmReturn(BACK, { paymentId: payment.id }), (e) => isInvalid("paysg_payment_id", "required")(e) && isInvalid("paysg_payment_service_id", "required")(e));
    await assert.rejects(c.confirmReturn(42, { paymentId: payment.id }), isInvalid("returnUrl", "invalid_type"));
    for (const expected of [undefined, null, {}, { payment_id: payment.id }, Object.create({ paymentId: payment.id })]) {
      await assert.rejects(c.confirmReturn(returnUrl, expected), (e) => {
        assert.ok(isInvalid("expected", "required")(e), e.message);
        assert.match(e.message, /\{ paymentId \} or \{ referenceId \}/);
        return true;
      });
    }
    // The old call shape (options as the second argument) says why too.
    await assert.rejects(c.confirmReturn(returnUrl, { paymentServiceId: SERVICE }), isInvalid("expected", "required"));
    await assert.rejects(c.confirmReturn(returnUrl, payment.id), isInvalid("expected", "invalid_type"));
    await assert.rejects(c.confirmReturn(returnUrl, { paymentId: "" }), isInvalid("expected.paymentId", "empty"));
    await assert.rejects(c.confirmReturn(returnUrl, { referenceId: 7 }), isInvalid("expected.referenceId", "invalid_type"));
    const hostile = new Proxy({}, { getOwnPropertyDescriptor() { throw new Error("no"); } });
    await assert.rejects(c.confirmReturn(returnUrl, hostile), paysg.PaySGValidationError);
    // Both problems at once.
    await assert.rejects(c.confirmReturn(BACK), (e) => e instanceof paysg.PaySGValidationError && e.errors.map((x) => x.field).join() === "expected,paysg_payment_id,paysg_payment_service_id");
  });

  test("a fully refunded payment is refused; a partially refunded one is still paid", async () => {
    const full = await order("ORDER-R", { amount: 2000 });
    await sim.refund(full.payment.id, 500);
    const partly = await c.confirmReturn(full.returnUrl, { paymentId: full.payment.id });
    assert.equal(partly.payment_status, "paid");
    assert.equal(partly.refund_status, "partially_refunded");
    await sim.refund(full.payment.id, 1500);
    await assert.rejects(c.confirmReturn(full.returnUrl, { paymentId: full.payment.id }), (e) => isError("payment_refunded")(e) && !("payment" in e));
    await assert.rejects(c.confirmReturn(full.returnUrl, { referenceId: "ORDER-R" }), isError("payment_refunded"));
    // Another order's refunded payment is a mismatch: nothing is said about its refund.
    await assert.rejects(c.confirmReturn(full.returnUrl, { referenceId: "ORDER-X" }), isError("payment_mismatch"));
  });
});
