// A webhook event store on Cloudflare D1 (SQLite), for createWebhookHandler: the same shape fits
// any SQL database. The claim is one atomic statement: insert the id, or take over a claim whose
// lease has ended; RETURNING says whether this caller got it.
export const SCHEMA = `CREATE TABLE IF NOT EXISTS paysg_webhook_events (
  id TEXT PRIMARY KEY,
  state TEXT NOT NULL CHECK (state IN ('busy', 'done')),
  lease_until INTEGER,
  done_at INTEGER
)`; // a scheduled DELETE FROM paysg_webhook_events WHERE done_at < (4 days ago) keeps it small

/** @param {D1Database} db a D1 binding whose database has the SCHEMA table */
export function d1Store(db) {
  return {
    async claim(id, leaseMs) {
      const now = Date.now();
      const won = await db
        .prepare(`INSERT INTO paysg_webhook_events (id, state, lease_until) VALUES (?1, 'busy', ?2)
          ON CONFLICT (id) DO UPDATE SET lease_until = excluded.lease_until
          WHERE paysg_webhook_events.state = 'busy' AND paysg_webhook_events.lease_until <= ?3
          RETURNING id`)
        .bind(id, now + leaseMs, now)
        .first();
      if (won) return "claimed";
      const row = await db.prepare("SELECT state FROM paysg_webhook_events WHERE id = ?1").bind(id).first();
      return row?.state === "done" ? "done" : "busy"; // a row released meanwhile: busy, PaySG retries
    },
    async complete(id) {
      await db.prepare("UPDATE paysg_webhook_events SET state = 'done', lease_until = NULL, done_at = ?2 WHERE id = ?1").bind(id, Date.now()).run();
    },
    async release(id) {
      await db.prepare("DELETE FROM paysg_webhook_events WHERE id = ?1 AND state = 'busy'").bind(id).run();
    },
  };
}
