// Your code's tests, with node:test and paysg-sim in-process: no port, no account, no network.
import assert from "node:assert/strict";
import { test } from "node:test";
import { PaySG, verifyWebhook } from "paysg";
import { createSimulator } from "paysg-sim";

test("an order is paid, and the webhook says so", async () => {
  const events = [];
  const sim = await createSimulator({
    webhookSecret: "whsec_test",
    // Each delivery, as your endpoint would get it (a Worker's fetch handler fits here).
    onWebhook: async (request) => {
      const event = verifyWebhook(await request.text(), request.headers.get("paysg-signature"), "whsec_test");
      events.push(event);
      return new Response(null, { status: 204 });
    },
  });
  try {
    const paysg = new PaySG({ apiKey: "paysg_stag_test", paymentServiceId: "payment_service_test", baseUrl: sim.baseUrl, fetch: sim.fetch });
    const payment = await paysg.createPayment({ reference_id: "ORDER-1", payer_name: "Tan Ah Kow", description: "Season parking", amount_in_cents: 1100 });
    await sim.pay(payment.id); // the payer pays on PaySG's page
    while (events.length === 0) await new Promise((r) => setTimeout(r, 10));
    assert.equal(events[0].data.object.id, payment.id);
    assert.equal((await paysg.getPayment(payment.id)).payment_status, "paid");
    // And what your code does when PaySG refuses: a refund bigger than the payment.
    await assert.rejects(paysg.refundPayment(payment.id, { refund_amount_in_cents: 5000 }), { status: 402 });
  } finally {
    await sim.close();
  }
});
