// Node.js (ESM; `require("paysg")` works the same in CommonJS): create a payment, then refund it.
import { PaySG, PaySGApiError } from "paysg";

const paysg = new PaySG({
  apiKey: process.env.PAYSG_API_KEY,
  paymentServiceId: process.env.PAYSG_PAYMENT_SERVICE_ID,
  baseUrl: process.env.PAYSG_BASE_URL, // e.g. http://127.0.0.1:8790 for paysg-sim
});

const payment = await paysg.createPayment({
  reference_id: "INV-2024-000123",
  payer_name: "Tan Ah Kow",
  description: "Season parking, March",
  amount_in_cents: 1100,
  due_date: "2024-03-31", // sent as 31-MAR-2024
});
console.log(`created ${payment.id} (due ${payment.due_date}): pay at ${payment.payment_url}`);

try {
  await paysg.refundPayment(payment.id, { refund_amount_in_cents: 1100 });
} catch (e) {
  if (!(e instanceof PaySGApiError)) throw e;
  console.log(`refund refused: ${e.status} ${e.code}`); // not paid yet: 402 payment_not_paid
}
