// The per-call benchmark inside workerd: `?impl=paysg|careful|fetch&mode=inprocess|http&n=&c=` makes n
// createPayment calls (c at a time). Timed from outside (workerd's clocks do not advance during
// CPU work), as the difference between n calls and none.
import { PaySG } from "paysg";

const KEY = "paysg_stag_bench_key_0123456789";
const SERVICE = "payment_service_bench";
let canned;
const payload = {
  reference_id: "INV-2024-000123", payer_name: "Tan Ah Kow", payer_email: "ahkow.tan@example.com",
  description: "Renewal of licence ABC-123 for 2024", amount_in_cents: 12550, due_date: "31-DEC-2024",
  return_url: "https://agency.gov.sg/payments/return", metadata: { branch_code: "B01", case_id: "C-99812" },
};

export default {
  async fetch(request, env) {
    const u = new URL(request.url);
    const n = Number(u.searchParams.get("n")), c = Number(u.searchParams.get("c") || 1);
    const http = u.searchParams.get("mode") === "http";
    canned ??= await (await fetch(`${env.SERVER}/v1/payment-services/${SERVICE}/payments`)).text();
    const fake = async () => new Response(canned, { status: 201, headers: { "content-type": "application/json" } });
    const fetchImpl = http ? fetch : fake;
    const base = http ? env.SERVER : "http://127.0.0.1:9";
    const client = new PaySG({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: base, fetch: http ? undefined : fake });
    // "careful": a hand-written fetch with a deadline and an Idempotency-Key; "fetch": no deadline.
    const impl = u.searchParams.get("impl");
    const one = impl === "paysg"
      ? () => client.createPayment(payload)
      : async () => {
        const res = await fetchImpl(`${base}/v1/payment-services/${SERVICE}/payments`, {
          method: "POST",
          headers: { "x-api-key": KEY, "content-type": "application/json", accept: "application/json", "idempotency-key": crypto.randomUUID() },
          body: JSON.stringify(payload),
          ...(impl === "careful" ? { signal: AbortSignal.timeout(30_000) } : {}),
        });
        if (!res.ok) throw new Error(`status ${res.status}`);
        return res.json();
      };
    let left = n;
    await Promise.all(Array.from({ length: c }, async () => { while (left-- > 0) await one(); }));
    return new Response("ok");
  },
};
