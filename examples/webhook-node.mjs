// A plain node:http server that receives PaySG's payment.succeeded webhooks.
import { createServer } from "node:http";
import { verifyWebhook, PaySGSignatureError } from "paysg";

const secret = process.env.PAYSG_WEBHOOK_SECRET;
const handled = new Set(); // use your database: deliveries repeat and arrive out of order

const server = createServer((req, res) => {
  if (req.method !== "POST" || req.url !== "/webhooks/paysg") return res.writeHead(404).end();
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const rawBody = Buffer.concat(chunks); // the raw bytes: never JSON.parse before verifying
    let event;
    try {
      event = verifyWebhook(rawBody, req.headers["paysg-signature"], secret);
    } catch (e) {
      if (!(e instanceof PaySGSignatureError)) throw e;
      console.log(`refused: ${e.reason}`);
      return res.writeHead(400).end();
    }
    if (event.type === "payment.succeeded" && !handled.has(event.id)) {
      handled.add(event.id);
      console.log(`paid: ${event.data.object.id} (${event.data.object.reference_id})`);
    }
    res.writeHead(204).end(); // acknowledge quickly
  });
});
server.listen(Number(process.env.PORT ?? 8788), "127.0.0.1", () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}/webhooks/paysg`);
});
