// A plain node:http server that receives PaySG's webhooks and acts on each event exactly once.
import { createServer } from "node:http";
import { Readable } from "node:stream";
import { PaySG, createWebhookHandler, memoryStore } from "paysg";

const secret = process.env.PAYSG_WEBHOOK_SECRET;
if (!secret) {
  console.error("PAYSG_WEBHOOK_SECRET is not set: it is the secret PaySG gave for this endpoint");
  process.exit(1);
}
const handle = createWebhookHandler({
  secret,
  store: memoryStore(), // this process only: with several processes or machines, use your database
  client: process.env.PAYSG_API_KEY ? new PaySG({ apiKey: process.env.PAYSG_API_KEY, paymentServiceId: process.env.PAYSG_PAYMENT_SERVICE_ID, baseUrl: process.env.PAYSG_BASE_URL }) : undefined,
  async onEvent(event) {
    if (event.type !== "payment.succeeded") return; // ignore types you do not know
    // Release what was paid for; if this throws, PaySG gets a 500 and delivers the event again.
    console.log(`paid: ${event.data.object.id} (${event.data.object.reference_id})`);
  },
});

const server = createServer(async (req, res) => {
  try {
    if (req.url !== "/webhooks/paysg") return res.writeHead(404).end();
    // A Fetch Request whose body streams from the socket: a huge body is refused as it arrives.
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
    const request = new Request(`http://localhost${req.url}`, {
      method: req.method, headers, duplex: "half",
      body: req.method === "POST" ? Readable.toWeb(req) : undefined,
    });
    const response = await handle(request);
    if (response.status >= 300) console.log(`answered ${response.status}: ${(await response.clone().json()).outcome}`);
    res.writeHead(response.status, Object.fromEntries(response.headers)).end(Buffer.from(await response.arrayBuffer()));
  } catch (e) {
    console.error("webhook handler failed:", e); // never let one request take the server down
    if (!res.headersSent) res.writeHead(500);
    res.end();
  }
});
server.listen(Number(process.env.PORT ?? 8788), "127.0.0.1", () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}/webhooks/paysg`);
});
