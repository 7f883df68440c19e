// The cases of PaySG's UAT rehearsal, each with what PaySG's guide documents as the outcome
// (paysg-api.md cites the pages). Each case uses only the paysg package's public API — what an
// agency's own code would do — and is timed end to end; its HTTP statuses and PaySG's request
// ids come from the client's onRequest/onResponse events. runner.js runs them in order.
import { summarisePayment } from "./report.js";

/** The amount of the rehearsal's payments: S$1.00 (a person pays it on staging). */
export const AMOUNT = 100;

/** The request body of the rehearsal's payments. */
export function paymentBody(ctx, tag) {
  return {
    reference_id: `UAT-${ctx.runId}-${tag}`,
    payer_name: ctx.payer.payer_name,
    payer_email: ctx.payer.payer_email,
    description: "PaySG UAT rehearsal (npx paysg uat)",
    amount_in_cents: AMOUNT,
    return_url: `https://example.gov.sg/paysg-uat/return?order=UAT-${ctx.runId}-${tag}`,
  };
}

/** How long after the payment the webhook may take to arrive: 60 s, or --pay-timeout if shorter. */
export const WEBHOOK_WAIT_MS = 60_000;
const webhookWaitMs = (ctx) => Math.min(WEBHOOK_WAIT_MS, ctx.payTimeoutMs);

/** The payer's details of the rehearsal's payments (redacted from the evidence all the same). */
export const PAYER = { payer_name: "UAT Test Payer", payer_email: "paysg-uat@example.gov.sg" };

const ok = (pass, response) => ({ pass, response });

/**
 * The cases, in order: `{ name, how, expected, needs?, run(ctx) → { pass, response, ms? } }`
 * (`how` may be a function of the context).
 * A case whose `needs` failed is not run (Fail, "skipped: needs …"); `optional(ctx)` gives the
 * reason a case is "Not run" (not a failure).
 */
export const CASES = [
  {
    name: "Credentials",
    how: "paysg.verifyCredentials(): one read-only GET …/payments?limit=1 with the key and payment service id",
    expected: "ok: true, no problems; 401 would mean the key is not recognised, 403 that its email is not a Billing collaborator on the payment service, 404 that the payment service id is wrong (guide: start-an-api-integration/errors; faq/api-keys)",
    async run(ctx) {
      const { sdk, client } = ctx;
      if (typeof (client?.verifyCredentials ?? sdk.PaySG.verifyCredentials) !== "function") {
        return ok(false, "this version of paysg has no verifyCredentials");
      }
      const r = client ? await client.verifyCredentials() : await sdk.PaySG.verifyCredentials(ctx.clientOptions);
      ctx.environment = r.environment ?? ctx.environment;
      const problems = (r.problems ?? []).map((p) => `${p.code}: ${p.message}`).join("; ");
      return ok(r.ok === true, `ok=${r.ok}, environment=${r.environment}, problems: ${problems || "none"}`);
    },
  },
  {
    name: "Create a payment with a new Idempotency-Key",
    how: "paysg.createPayment({ reference_id, payer_name, payer_email, description, amount_in_cents: 100, return_url }, { idempotencyKey: <new V4 UUID> })",
    expected: "2xx (the guide does not state the code; paysg-sim answers 201) with a new payment: an id, payment_status unpaid, amount_in_cents 100, a payment_url (guide: api-resources/payments/create-a-payment; start-an-api-integration/idempotency)",
    async run(ctx) {
      ctx.createKey = crypto.randomUUID();
      ctx.createBody = paymentBody(ctx, "A");
      const p = await ctx.client.createPayment(ctx.createBody, { idempotencyKey: ctx.createKey });
      ctx.payment = p;
      const pass = typeof p?.id === "string" && p.payment_status === "unpaid" && p.amount_in_cents === AMOUNT && typeof p.payment_url === "string";
      return ok(pass, `${summarisePayment(p)}; Idempotency-Key ${ctx.createKey}`);
    },
  },
  {
    name: "The same key and the same body again",
    needs: "Create a payment with a new Idempotency-Key",
    how: "paysg.createPayment(<the same body>, { idempotencyKey: <the same key> })",
    expected: "The first request's result replayed: the same payment id, no second payment (guide: start-an-api-integration/idempotency)",
    async run(ctx) {
      const p = await ctx.client.createPayment(ctx.createBody, { idempotencyKey: ctx.createKey });
      return ok(p?.id === ctx.payment.id, `${summarisePayment(p)}; ${p?.id === ctx.payment.id ? "the same payment id" : `a different payment id (first: ${ctx.payment.id})`}`);
    },
  },
  {
    name: "The same key with another body",
    needs: "Create a payment with a new Idempotency-Key",
    how: "paysg.createPayment(<the same body with amount_in_cents 101>, { idempotencyKey: <the same key> })",
    expected: "Refused with a 4xx error, no payment: a key reused with different parameters is an error; the guide does not state the status (400 or 409; paysg-sim: 400 idempotency_key_reused) (guide: start-an-api-integration/idempotency)",
    async run(ctx) {
      try {
        const p = await ctx.client.createPayment({ ...ctx.createBody, amount_in_cents: AMOUNT + 1 }, { idempotencyKey: ctx.createKey });
        return ok(false, `accepted: ${summarisePayment(p)}`);
      } catch (e) {
        const refused = e instanceof ctx.sdk.PaySGApiError && e.status >= 400 && e.status < 500 && ![401, 403, 404, 429].includes(e.status);
        if (!(e instanceof ctx.sdk.PaySGApiError)) throw e;
        return ok(refused, describeError(e));
      }
    },
  },
  {
    name: "Get the payment",
    needs: "Create a payment with a new Idempotency-Key",
    how: "paysg.getPayment(<payment id>)",
    expected: "200 with the same payment: the same id, reference_id and amount_in_cents (guide: api-resources/payments/retrieve-payments)",
    async run(ctx) {
      const p = await ctx.client.getPayment(ctx.payment.id);
      return ok(p?.id === ctx.payment.id && p.reference_id === ctx.createBody.reference_id && p.amount_in_cents === AMOUNT, summarisePayment(p));
    },
  },
  {
    name: "List payments",
    needs: "Create a payment with a new Idempotency-Key",
    how: "paysg.listPayments({ limit: 10 })",
    expected: "200 with { data, page_info }, newest first: the created payment among the 10 newest (guide: api-resources/payments/retrieve-payments; start-an-api-integration/pagination)",
    async run(ctx) {
      const page = await ctx.client.listPayments({ limit: 10 });
      const ids = (page?.data ?? []).map((p) => p?.id);
      const at = ids.indexOf(ctx.payment.id);
      return ok(at >= 0 && typeof page.page_info === "object", `${ids.length} payment${ids.length === 1 ? "" : "s"}, has_next_page=${page?.page_info?.has_next_page}; the created payment ${at >= 0 ? `is number ${at + 1}` : "is not among them"}`);
    },
  },
  {
    name: "Send the payment email",
    needs: "Create a payment with a new Idempotency-Key",
    how: "paysg.sendPaymentEmail(<payment id>)",
    expected: "2xx with an empty body (204 per Plumber and paysg-sim; the guide does not state the code): the payment link is emailed to payer_email (guide: start-an-api-integration/endpoints)",
    async run(ctx) {
      const r = await ctx.client.sendPaymentEmail(ctx.payment.id);
      return ok(r === undefined, "sent (no body)");
    },
  },
  {
    name: "Cancel an unpaid payment",
    how: "paysg.createPayment(<a second payment>, { idempotencyKey: <new V4 UUID> }), then paysg.cancelPayment(<its id>)",
    expected: "2xx with the payment, latest_status cancelled: only unpaid payments can be cancelled (guide: api-resources/payments/cancel-a-payment)",
    async run(ctx) {
      const second = await ctx.client.createPayment(paymentBody(ctx, "B"), { idempotencyKey: crypto.randomUUID() });
      const p = await ctx.client.cancelPayment(second.id);
      return ok(p?.id === second.id && p.latest_status === "cancelled", summarisePayment(p));
    },
  },
  {
    name: "The payer pays",
    needs: "Create a payment with a new Idempotency-Key",
    how: (ctx) => (ctx.simulator
      ? "POST <base URL>/sim/payments/<id>/pay (paysg-sim: the payer pays as on payment_url), then paysg.getPayment(<id>)"
      : `a person pays at payment_url (printed by the runner); paysg.getPayment(<id>) every ${ctx.pollMs / 1000} s until paid, for up to ${ctx.payTimeoutMs / 1000} s`),
    expected: "The payer pays on payment_url; the payment then reads payment_status paid, the success signal (guide: start-an-api-integration/integrating-with-your-e-services)",
    async run(ctx) {
      const paid = await ctx.pay(ctx.payment);
      ctx.paid = paid;
      ctx.paidAt = ctx.now();
      const late = paid?.payment_status === "paid" ? "" : ctx.interrupt?.aborted ? "the wait was stopped (Ctrl-C) before the payment was paid: " : `not paid within ${ctx.payTimeoutMs / 1000} s: `;
      return ok(paid?.payment_status === "paid", `${late}${summarisePayment(paid)}`);
    },
  },
  {
    name: "The return URL confirmed",
    needs: "The payer pays",
    how: "paysg.confirmReturn(<return_url + paysg_payment_id and paysg_payment_service_id, as PaySG redirects the payer>, { paymentId: <the order's payment id> })",
    expected: "PaySG sends the payer to return_url with paysg_payment_id and paysg_payment_service_id; the e-service GETs the payment: it is the order's, payment_status paid (guide: start-an-api-integration/integrating-with-your-e-services)",
    async run(ctx) {
      const url = new URL(ctx.payment.return_url ?? ctx.createBody.return_url);
      url.searchParams.append("paysg_payment_id", ctx.payment.id);
      url.searchParams.append("paysg_payment_service_id", ctx.payment.payment_service_id);
      const p = await ctx.client.confirmReturn(url.href, { paymentId: ctx.payment.id });
      return ok(p?.id === ctx.payment.id && p.payment_status === "paid", `${summarisePayment(p)}; the order's payment`);
    },
  },
  {
    name: "Refund the paid payment with an Idempotency-Key",
    needs: "The payer pays",
    how: "paysg.refundPayment(<payment id>, { refund_amount_in_cents: 100 }, { idempotencyKey: <new V4 UUID> })",
    expected: "2xx with the payment: refund_status fully_refunded, a full refund of amount_in_cents (guide: api-resources/payments/refund-a-payment; start-an-api-integration/idempotency)",
    async run(ctx) {
      ctx.refundKey = crypto.randomUUID();
      const p = await ctx.client.refundPayment(ctx.payment.id, { refund_amount_in_cents: AMOUNT }, { idempotencyKey: ctx.refundKey });
      ctx.refunded = p;
      return ok(p?.id === ctx.payment.id && p.refund_status === "fully_refunded", `${summarisePayment(p)}; Idempotency-Key ${ctx.refundKey}`);
    },
  },
  {
    name: "The refund repeated with the same key",
    needs: "Refund the paid payment with an Idempotency-Key",
    how: "paysg.refundPayment(<payment id>, { refund_amount_in_cents: 100 }, { idempotencyKey: <the same key> })",
    expected: "The first refund's result replayed (the same updated_at and payment_fully_refunded_timestamp), not a second refund, which PaySG refuses once a payment is fully refunded (guide: start-an-api-integration/idempotency; api-resources/payments/refund-a-payment)",
    async run(ctx) {
      const p = await ctx.client.refundPayment(ctx.payment.id, { refund_amount_in_cents: AMOUNT }, { idempotencyKey: ctx.refundKey });
      const same = p?.updated_at === ctx.refunded.updated_at && p?.payment_fully_refunded_timestamp === ctx.refunded.payment_fully_refunded_timestamp;
      return ok(same && p.refund_status === "fully_refunded", `${summarisePayment(p)}; ${same ? "the same refund" : "a different result from the first refund"}`);
    },
  },
  {
    name: "A webhook verified",
    needs: "The payer pays",
    optional: (ctx) => (ctx.webhook ? undefined : "no --webhook-port and --webhook-secret: no receiver to send PaySG's payment.succeeded to"),
    how: (ctx) => (ctx.webhook
      ? `a receiver on port ${ctx.webhook.port} (node:http) checks each POST with verifyWebhook(<raw body>, <PaySG-Signature>, <webhook secret>); waits up to ${webhookWaitMs(ctx) / 1000} s after the payment`
      : "needs --webhook-port and --webhook-secret (a receiver checking each POST with verifyWebhook)"),
    expected: "A POST with PaySG-Signature: t=…, v1=<HMAC-SHA256 of \"t.body\" with the endpoint's secret> that verifyWebhook accepts, carrying payment.succeeded for the paid payment (guide: webhooks/set-up; api-resources/events/types-of-events)",
    async run(ctx) {
      const waitMs = webhookWaitMs(ctx);
      const r = await ctx.webhook.waitFor(ctx.payment.id, waitMs);
      if (r.error) return ok(false, r.error);
      const refused = r.refused.length ? `; ${r.refused.length} deliveries refused (${r.refused.join(", ")})` : "";
      if (!r.event) return ok(false, `no verified payment.succeeded for the payment within ${waitMs / 1000} s of its payment${refused}`);
      return { pass: true, response: `${r.event.type} ${r.event.id}, payment ${summarisePayment(r.event.data?.object)}, signature verified${refused}`, ms: Math.max(0, r.at - ctx.paidAt) };
    },
  },
  {
    name: "Invalid input refused before sending",
    how: "paysg.createPayment({ reference_id: \"\", description: \"x\", amount_in_cents: 0, return_url: \"http://example.gov.sg/return\" }) (no payer_name)",
    expected: "Refused by the SDK before anything is sent (PaySGValidationError listing every problem; no onRequest event); PaySG would answer 400 (guide: start-an-api-integration/errors; api-resources/payments/create-a-payment)",
    async run(ctx) {
      try {
        const p = await ctx.client.createPayment({ reference_id: "", description: "x", amount_in_cents: 0, return_url: "http://example.gov.sg/return" });
        return ok(false, `accepted: ${summarisePayment(p)}`);
      } catch (e) {
        if (!(e instanceof ctx.sdk.PaySGValidationError)) throw e;
        const sent = ctx.recorder.requests.length;
        return ok(sent === 0, `${describeError(e)}; ${sent === 0 ? "no request sent" : `${sent} requests sent`}`);
      }
    },
  },
];

/** One line for an error: its class, status, code and message (never a key: the SDK's errors hold none). */
export function describeError(e) {
  if (e?.name === "PaySGValidationError" && Array.isArray(e.errors)) {
    return `PaySGValidationError: ${e.errors.map((x) => `${x.field} ${x.code}`).join(", ")}`;
  }
  const status = typeof e?.status === "number" ? ` ${e.status}` : "";
  const code = e?.code ? ` ${e.code}` : "";
  return `${e?.name ?? "Error"}${status}${code}: ${e?.message ?? String(e)}`;
}
