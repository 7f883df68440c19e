// An optional smoke test against PaySG's real staging API. It runs only when PAYSG_API_KEY (a
// paysg_stag_… key) and PAYSG_PAYMENT_SERVICE_ID are set, and is skipped, saying so, otherwise.
// It creates one unpaid payment of S$0.01, reads it back, lists, and cancels it.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { testProject } from "./helpers.mjs";

const { PAYSG_API_KEY: apiKey, PAYSG_PAYMENT_SERVICE_ID: paymentServiceId } = process.env;
const skip = !apiKey || !paymentServiceId
  ? "set PAYSG_API_KEY (paysg_stag_…) and PAYSG_PAYMENT_SERVICE_ID to run the live smoke test against PaySG staging"
  : !apiKey.startsWith("paysg_stag_") ? "PAYSG_API_KEY is not a staging key (paysg_stag_…): the smoke test never runs against live" : false;

test("live smoke test against PaySG staging", { skip }, async () => {
  const { PaySG } = await import(join(testProject(), "node_modules", "paysg", "dist", "node.mjs"));
  const paysg = new PaySG({ apiKey, paymentServiceId, timeoutMs: 30_000 });
  const created = await paysg.createPayment({
    reference_id: `paysg-sdk-smoke-${Date.now()}`,
    payer_name: "paysg SDK smoke test",
    description: "Automated test of the paysg SDK; safe to ignore",
    amount_in_cents: 1,
  });
  assert.equal(created.payment_status, "unpaid");
  assert.equal((await paysg.getPayment(created.id)).id, created.id);
  assert.ok(Array.isArray((await paysg.listPayments({ limit: 1 })).data));
  assert.equal((await paysg.cancelPayment(created.id)).latest_status, "cancelled");
});
