// Event stores for createWebhookHandler: where "this event id is being processed / is done" is
// kept. The contract (index.d.ts, WebhookEventStore): claim is atomic — of two concurrent claims
// of one id, exactly one gets "claimed" — and a claim lasts only its lease, so a holder that
// crashed blocks no one for longer than that.
import { own, ownOrClass, shown } from "./encode.js";
import * as raw from "../gen/paysg.js";
import { PaySGError } from "./errors.js";
import { kindOf, refusal } from "./webhooks.js";
// KEEP_DONE_MS: how long a done event is remembered, PaySG's retry window (3 days) and a day
// more; DEFAULT_LEASE_MS: a claim's lease when the caller gave none (both src/webhook/).
import { CLAIM, CODES, DEFAULT_LEASE_MS, KEEP_DONE_MS } from "../gen/contract.js";

const checkLease = (leaseMs) => (Number.isFinite(leaseMs) && leaseMs > 0 ? leaseMs : DEFAULT_LEASE_MS);

/**
 * A store in this process's memory: right for one Node process (a single server, tests). It is
 * not shared between processes, machines or Worker isolates, and it is lost on restart — use a
 * database (a unique key on the event id) or `durableObjectStore` for anything else. Done events
 * are forgotten after `keepDoneMs` (default 4 days: PaySG retries for 3).
 * @param {{ keepDoneMs?: number }} [options]
 */
export function memoryStore(options) {
  let given;
  let kind = kindOf(options);
  try {
    given = options != null && Object.prototype.hasOwnProperty.call(options, "keepDoneMs") ? options.keepDoneMs : undefined;
  } catch {
    kind = "unreadable";
  }
  const refused = raw.memoryStoreRefusal(kind, typeof given, typeof given === "number" ? given : 0, shown(given));
  if (refused !== undefined) throw refusal(refused);
  const keepDoneMs = given ?? KEEP_DONE_MS;
  /** id → { done: true, at } | { done: false, until } */
  const events = new Map();
  let swept = Date.now();
  /** Drops done events past keepDoneMs and claims whose lease ended, at most once per keepDoneMs (or minute). */
  const sweep = (now) => {
    if (now - swept < Math.min(keepDoneMs, 60_000)) return;
    swept = now;
    for (const [id, e] of events) if (e.done ? now - e.at >= keepDoneMs : e.until <= now) events.delete(id);
  };
  return {
    async claim(eventId, leaseMs) {
      const now = Date.now();
      sweep(now);
      const e = events.get(eventId);
      if (e?.done && now - e.at < keepDoneMs) return CLAIM.done;
      if (e && !e.done && e.until > now) return CLAIM.busy;
      events.set(eventId, { done: false, until: now + checkLease(leaseMs) });
      return CLAIM.claimed;
    },
    async complete(eventId) {
      events.set(eventId, { done: true, at: Date.now() });
    },
    async release(eventId) {
      if (events.get(eventId)?.done === false) events.delete(eventId);
    },
    /** How many events it holds (done or claimed). */
    get size() {
      return events.size;
    },
  };
}

/** The URL the store's requests to its Durable Object carry (never fetched from the network). */
const DO_URL = "https://paysg-webhook-events.internal/";

/**
 * A Durable Object that holds one webhook event's state: export it from your Worker, bind it
 * (wrangler.toml: `[[durable_objects.bindings]] name = "PAYSG_WEBHOOK_EVENTS"`,
 * `class_name = "PaySGWebhookEvents"`, and a migration with `new_sqlite_classes`), and pass the
 * binding to `durableObjectStore`. Each event id has its own object, and the object runs claim,
 * complete and release one at a time, so a claim is atomic.
 */
export class PaySGWebhookEvents {
  /** The Durable Object's state (its storage), given by the runtime; not part of the API. */
  #state;

  /** @param {{ storage: object, blockConcurrencyWhile: Function }} state */
  constructor(state) {
    this.#state = state;
  }

  /** `POST {"op":"claim"|"complete"|"release","leaseMs"?}` → `{"result": …}`. */
  async fetch(request) {
    let op, leaseMs;
    try {
      const body = await request.json();
      op = own(body, "op");
      leaseMs = own(body, "leaseMs");
    } catch {
      return Response.json({ error: "the body must be JSON" }, { __proto__: null, status: 400 });
    }
    if (op !== "claim" && op !== "complete" && op !== "release") {
      return Response.json({ error: "op must be claim, complete or release" }, { __proto__: null, status: 400 });
    }
    // One operation at a time on this object: nothing else runs between the read and the write.
    const result = await this.#state.blockConcurrencyWhile(async () => {
      const storage = this.#state.storage;
      const e = await storage.get("event");
      if (op === "claim") {
        const now = Date.now();
        if (e?.done) return CLAIM.done;
        if (e && e.until > now) return CLAIM.busy;
        await storage.put("event", { done: false, until: now + checkLease(leaseMs) });
        return CLAIM.claimed;
      }
      if (op === "complete") {
        await storage.put("event", { done: true });
        // Forget the event once PaySG can no longer retry it (best effort: "done" is what counts).
        try {
          await storage.setAlarm(Date.now() + KEEP_DONE_MS);
        } catch {
          // no alarms here: the record stays
        }
      }
      else if (e && !e.done) await storage.delete("event");
      return null;
    });
    return Response.json({ result }, { __proto__: null });
  }

  /** The alarm set on complete: PaySG's retries are over, the event's record goes. */
  async alarm() {
    await this.#state.storage.deleteAll();
  }
}

/**
 * A store on a Durable Object namespace bound to `PaySGWebhookEvents` (one object per event id):
 * the natural exactly-once primitive on Workers. KV is not: its get-then-put is not atomic, and
 * a write takes up to a minute to be seen elsewhere.
 * @param {{ idFromName(name: string): unknown, get(id: unknown): { fetch: Function } }} namespace
 */
export function durableObjectStore(namespace) {
  let usable = false;
  try {
    usable = namespace !== null && typeof namespace === "object" && typeof ownOrClass(namespace, "idFromName") === "function" && typeof ownOrClass(namespace, "get") === "function";
  } catch {
    // a getter or a Proxy that throws: not a namespace binding
  }
  const refused = raw.durableObjectStoreRefusal(usable, kindOf(namespace));
  if (refused !== undefined) throw refusal(refused);
  const send = async (id, body) => {
    const stub = namespace.get(namespace.idFromName(`paysg-event:${id}`));
    const res = await stub.fetch(DO_URL, { __proto__: null, method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const json = await res.json();
    if (!res.ok) throw new PaySGError(`the PaySGWebhookEvents object answered ${res.status}: ${json?.error}`, { code: CODES.store_error });
    return json.result;
  };
  return {
    claim: (eventId, leaseMs) => send(eventId, { op: "claim", leaseMs }),
    complete: async (eventId) => void (await send(eventId, { op: "complete" })),
    release: async (eventId) => void (await send(eventId, { op: "release" })),
  };
}
