// A Cloudflare Worker: create a payment and send the payer to PaySG; confirm it when they return.
import { PaySG, PaySGError } from "paysg";

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
        const payment = await paysg.createPayment({
          reference_id: crypto.randomUUID(),
          payer_name: "Tan Ah Kow",
          description: "Season parking, March",
          amount_in_cents: 1100,
          return_url: `${env.PUBLIC_URL}/paid`, // must be https
        });
        return Response.redirect(payment.payment_url, 303);
      }
      if (url.pathname === "/paid") {
        // Never trust the redirect: confirmReturn fetches the payment from PaySG.
        const payment = await paysg.confirmReturn(request.url);
        return new Response(payment.payment_status === "paid" ? "Paid, thank you." : "Not paid yet.");
      }
      return new Response("Not found", { status: 404 });
    } catch (e) {
      if (e instanceof PaySGError) return Response.json({ error: e.code, message: e.message }, { status: 502 });
      throw e;
    }
  },
};
