// A Cloudflare Worker that receives PaySG's payment.succeeded webhooks.
import { verifyWebhookRequest, PaySGSignatureError } from "paysg";

export default {
  async fetch(request, env) {
    if (new URL(request.url).pathname !== "/webhooks/paysg" || request.method !== "POST") {
      return new Response("Not found", { status: 404 });
    }
    let event;
    try {
      // Reads the raw body once and checks PaySG-Signature against it (never parse it first).
      ({ event } = await verifyWebhookRequest(request, env.PAYSG_WEBHOOK_SECRET));
    } catch (e) {
      if (e instanceof PaySGSignatureError) return new Response(e.reason, { status: 400 });
      throw e;
    }
    if (event.type === "payment.succeeded") {
      // Deliveries repeat and arrive out of order: record each event id once.
      const seen = await env.EVENTS.get(event.id);
      if (!seen) {
        await env.EVENTS.put(event.id, JSON.stringify(event.data.object));
        // ...release what was paid for: event.data.object.reference_id
      }
    }
    return new Response(null, { status: 204 }); // acknowledge quickly; unknown types too
  },
};
