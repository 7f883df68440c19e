// A small e-service as a Cloudflare Worker: POST /orders creates a payment, PaySG's webhook
// (POST /webhooks) marks the order paid, GET /orders/{paymentId} tells whether it is.
import { PaySG, verifyWebhookRequest } from "paysg";

const paid = new Set(); // a real Worker keeps this in KV or D1

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const paysg = new PaySG({ apiKey: env.PAYSG_API_KEY, paymentServiceId: env.PAYSG_PAYMENT_SERVICE_ID, baseUrl: env.PAYSG_BASE_URL });
    if (request.method === "POST" && url.pathname === "/orders") {
      const p = await paysg.createPayment({ reference_id: crypto.randomUUID(), payer_name: "Tan Ah Kow", description: "Season parking", amount_in_cents: 1100 });
      return Response.json({ paymentId: p.id, payUrl: p.payment_url });
    }
    if (request.method === "POST" && url.pathname === "/webhooks") {
      const { event } = await verifyWebhookRequest(request, env.PAYSG_WEBHOOK_SECRET);
      if (event.type === "payment.succeeded") paid.add(event.data.object.id);
      return new Response(null, { status: 204 });
    }
    const order = /^\/orders\/([^/]+)$/.exec(url.pathname);
    if (request.method === "GET" && order) return Response.json({ paid: paid.has(order[1]) });
    return new Response("not found", { status: 404 });
  },
};
