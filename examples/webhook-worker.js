// A Cloudflare Worker that receives PaySG's webhooks and acts on each event exactly once.
// wrangler.toml: a Durable Object binding PAYSG_WEBHOOK_EVENTS → class PaySGWebhookEvents, with a
// migration new_sqlite_classes = ["PaySGWebhookEvents"]; secrets PAYSG_WEBHOOK_SECRET, PAYSG_API_KEY.
import { PaySG, createWebhookHandler, durableObjectStore } from "paysg";

export { PaySGWebhookEvents } from "paysg"; // the Durable Object that claims each event id

export default {
  async fetch(request, env) {
    if (new URL(request.url).pathname !== "/webhooks/paysg") return new Response("Not found", { status: 404 });
    const handle = createWebhookHandler({
      secret: env.PAYSG_WEBHOOK_SECRET,
      store: durableObjectStore(env.PAYSG_WEBHOOK_EVENTS),
      // Confirms late retries (signed more than 5 minutes ago) with PaySG before they are accepted.
      client: new PaySG({ apiKey: env.PAYSG_API_KEY, paymentServiceId: env.PAYSG_PAYMENT_SERVICE_ID, baseUrl: env.PAYSG_BASE_URL }),
      async onEvent(event) {
        if (event.type !== "payment.succeeded") return; // ignore types you do not know
        const payment = event.data.object;
        // Release what was paid for, in your database, keyed by payment.reference_id. If this
        // throws, the handler answers 500 and PaySG delivers the event again.
        await env.ORDERS.put(payment.reference_id, JSON.stringify({ paid: true, payment_id: payment.id }));
      },
    });
    return handle(request); // 200 only once onEvent has succeeded and the event is marked done
  },
};
