// A Cloudflare Worker whose Cron Trigger re-reads the open orders kept in D1 and stores what
// PaySG changed — for an e-service without PaySG webhooks. In wrangler.toml:
//   [triggers]
//   crons = ["*/30 * * * *"]
//   [[d1_databases]]
//   binding = "DB"   # with your database_name and database_id
// and in D1:
//   CREATE TABLE orders (payment_id TEXT PRIMARY KEY, payment_status TEXT NOT NULL,
//     latest_status TEXT NOT NULL, refund_status TEXT NOT NULL, checked_at INTEGER NOT NULL DEFAULT 0);
//   CREATE INDEX orders_by_check ON orders (checked_at);
import { PaySG } from "paysg";

const MAX_RETRIES = 2;

export default {
  async scheduled(controller, env) {
    // One run may make 50 subrequests on the free plan (10,000 on paid ones: set SUBREQUESTS);
    // each read takes up to 1 + MAX_RETRIES of them, and 2 are kept for D1. A larger backlog
    // is worked through over several runs.
    const subrequests = Number(env.SUBREQUESTS ?? 50);
    const batch = Math.floor((subrequests - 2) / (1 + MAX_RETRIES));
    const paysg = new PaySG({
      apiKey: env.PAYSG_API_KEY,
      paymentServiceId: env.PAYSG_PAYMENT_SERVICE_ID,
      baseUrl: env.PAYSG_BASE_URL, // unset in production; paysg-sim's URL in development
      maxRetries: MAX_RETRIES,
    });
    // The orders looked at longest ago first: each run resumes where the last one stopped.
    const { results } = await env.DB.prepare(
      `SELECT payment_id AS id, payment_status, latest_status, refund_status FROM orders
       WHERE latest_status != 'cancelled' AND refund_status != 'fully_refunded'
       ORDER BY checked_at, payment_id LIMIT ?`,
    ).bind(batch).all();
    if (results.length === 0) return;
    const writes = [];
    // 4 reads at a time: a Worker may hold 6 connections open.
    for await (const r of paysg.reconcile(results, { concurrency: 4 })) {
      if (r.error) {
        console.log(`${r.id} not read (${r.error.code}): tried again next round`);
        continue;
      }
      const p = r.payment;
      writes.push(env.DB.prepare("UPDATE orders SET payment_status = ?, latest_status = ?, refund_status = ? WHERE payment_id = ?")
        .bind(p.payment_status, p.latest_status, p.refund_status, r.id));
      // ...and release what was paid for when r.changed shows payment_status becoming "paid"
    }
    // The whole batch goes to the back of the queue, failed reads too (one cannot hold it up).
    writes.push(env.DB.prepare(`UPDATE orders SET checked_at = ? WHERE payment_id IN (${results.map(() => "?").join(", ")})`)
      .bind(Date.now(), ...results.map((o) => o.id)));
    await env.DB.batch(writes); // one transaction: a run that dies before it is simply redone
  },
};
