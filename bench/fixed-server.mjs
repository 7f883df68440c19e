// A fixed-response PaySG stand-in for the per-call benchmark: answers every request with the same
// payment (201 for POST, 200 for GET), so both clients are timed against identical work.
import { createServer } from "node:http";

const payment = JSON.stringify({
  id: "ZbzTvadjmP0wd7RRxhWtj", payment_service_id: "payment_service_bench", reference_id: "INV-2024-000123",
  payer_name: "Tan Ah Kow", payer_address: null, payer_identifier: null, payer_email: "ahkow.tan@example.com",
  description: "Renewal of licence ABC-123 for 2024", amount_in_cents: 12550, due_date: "31-DEC-2024",
  metadata: { branch_code: "B01", case_id: "C-99812" }, return_url: "https://agency.gov.sg/payments/return",
  payment_url: "https://staging.pay.gov.sg/payments/ZbzTvadjmP0wd7RRxhWtj", payment_qr_code_url: "https://api-staging.pay.gov.sg/v1/public/payments/ZbzTvadjmP0wd7RRxhWtj-qr.png",
  payment_status: "unpaid", latest_status: "unpaid", refund_status: "not_refunded", email_delivery_status: "unsent",
  stripe_payment_intent_id: null, payout_id: null, creator_id: "user_1", created_at: "2024-01-01T10:00:00.000+08:00",
  updated_at: "2024-01-01T10:00:00.000+08:00", payment_sent_timestamp: null, payment_succeeded_timestamp: null,
  payment_cancelled_timestamp: null, payment_fully_refunded_timestamp: null, paid_out_timestamp: null,
});
export { payment };

if (process.argv[1] && process.argv[1].endsWith("fixed-server.mjs")) {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(req.method === "POST" ? 201 : 200, { "content-type": "application/json", "content-length": Buffer.byteLength(payment) });
      res.end(payment);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
}
