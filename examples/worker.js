// A Cloudflare Worker: create a payment for an order and send the payer to PaySG; when they
// return, confirm the payment with PaySG and fulfil only the order it belongs to.
import { PaySG, PaySGError } from "paysg";

/** A return refused by confirmReturn: not this order's payment, refunded, or malformed. */
const REFUSED = new Set(["payment_mismatch", "payment_refunded", "payment_service_mismatch", "validation_error"]);

export default {
  async fetch(request, env) {
    const paysg = new PaySG({
      apiKey: env.PAYSG_API_KEY, // a secret: `wrangler secret put PAYSG_API_KEY`
      paymentServiceId: env.PAYSG_PAYMENT_SERVICE_ID,
      baseUrl: env.PAYSG_BASE_URL, // unset in production; paysg-sim's URL in development
    });
    const url = new URL(request.url);
    try {
      if (url.pathname === "/pay" && request.method === "POST") {
        const orderId = crypto.randomUUID(); // your order
        const payment = await paysg.createPayment({
          reference_id: orderId,
          payer_name: "Tan Ah Kow",
          description: "Season parking, March",
          amount_in_cents: 1100,
          // must be https; PaySG appends paysg_payment_id and paysg_payment_service_id
          return_url: `${env.PUBLIC_URL}/paid?order=${orderId}`,
        });
        // The order keeps its payment's id: a return is checked against it (ORDERS is a KV namespace).
        await env.ORDERS.put(orderId, JSON.stringify({ paymentId: payment.id, paid: false }));
        return Response.redirect(payment.payment_url, 303);
      }
      if (url.pathname === "/paid") {
        const orderId = url.searchParams.get("order");
        const order = orderId && (await env.ORDERS.get(orderId, "json"));
        if (!order) return new Response("No such order.", { status: 404 });
        // Never trust the redirect: confirmReturn fetches the payment from PaySG and refuses one
        // that is not this order's (a replayed or someone else's URL) or that was refunded.
        const payment = await paysg.confirmReturn(request.url, { paymentId: order.paymentId });
        if (payment.payment_status !== "paid") return new Response("Not paid yet.");
        // Fulfil this order once (a replay of the same URL finds it done).
        if (!order.paid) await env.ORDERS.put(orderId, JSON.stringify({ ...order, paid: true }));
        return new Response("Paid, thank you.");
      }
      return new Response("Not found", { status: 404 });
    } catch (e) {
      if (!(e instanceof PaySGError)) throw e;
      return Response.json({ error: e.code, message: e.message }, { status: REFUSED.has(e.code) ? 400 : 502 });
    }
  },
};
