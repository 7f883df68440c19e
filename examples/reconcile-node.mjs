// Node.js: every 30 minutes, re-read the orders PaySG may still change and store what changed —
// for an e-service without PaySG webhooks (and as a safety net with them: deliveries fail).
// orders.json stands in for your database: { "<payment id>": { id, payment_status, … } }.
import { readFile, rename, writeFile } from "node:fs/promises";
import { PaySG } from "paysg";

const paysg = new PaySG({
  apiKey: process.env.PAYSG_API_KEY,
  paymentServiceId: process.env.PAYSG_PAYMENT_SERVICE_ID,
  baseUrl: process.env.PAYSG_BASE_URL, // e.g. http://127.0.0.1:8790 for paysg-sim
});
const file = process.env.ORDERS_FILE ?? "orders.json";

async function reconcileOrders() {
  const orders = JSON.parse(await readFile(file, "utf8"));
  // Open: not cancelled and not fully refunded (a paid order can still be refunded).
  const open = Object.values(orders).filter((o) => o.latest_status !== "cancelled" && o.refund_status !== "fully_refunded");
  let changed = 0, failed = 0;
  for await (const r of paysg.reconcile(open)) {
    if (r.error) {
      failed++; // not read even after the client's retries: the next run tries again
      console.error(`${r.id}: ${r.error.code}`);
      continue;
    }
    const order = orders[r.id];
    for (const c of r.changed) order[c.field] = c.after;
    if (order.payment_status === "paid" && !order.released_at) {
      order.released_at = new Date().toISOString(); // ...release what was paid for (idempotently)
    }
    changed++;
    await save(orders); // stored before the next one: a crash loses nothing the next run would not redo
  }
  console.log(`${open.length} open, ${changed} changed, ${failed} not read`);
}

async function save(orders) {
  await writeFile(`${file}.tmp`, JSON.stringify(orders, null, 2));
  await rename(`${file}.tmp`, file); // never a half-written file
}

// Each run starts 30 minutes after the last one ended, so two never overlap.
async function loop() {
  try {
    await reconcileOrders();
  } catch (e) {
    console.error("reconciliation failed:", e);
    process.exitCode = 1;
  }
  if (!process.argv.includes("--once")) setTimeout(loop, 30 * 60_000);
}
await loop();
