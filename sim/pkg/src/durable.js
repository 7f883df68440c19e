// paysg-sim as a Cloudflare Worker with its state in a Durable Object, so that a team shares
// one simulator: the Worker sends every request to the one object; the object holds the core
// (the same wasm) and keeps each change in its storage. A Durable Object's output gate holds a
// response until the writes made before it are durable, so an answered change is stored.
//
//   // worker.js                                   # wrangler.toml
//   export { PaySGSimulator, default } from "paysg-sim/durable";
//   # [[durable_objects.bindings]] name = "PAYSG_SIM", class_name = "PaySGSimulator"
//   # [[migrations]] tag = "v1", new_sqlite_classes = ["PaySGSimulator"]
//   # [vars] PAYSG_SIM_OPTIONS = '{ "webhookUrl": "https://…", "webhookSecret": "…" }'
import wasmModule from "../gen/paysg_sim_bg.wasm";
import { initSync } from "../gen/paysg_sim.js";
import { makeSimulator, optionPairs } from "./shell.js";

initSync({ module: wasmModule });

// Storage: each change under `change:<seq>` (seq from 1, zero-padded so that keys sort), and a
// snapshot of the whole state up to a seq: its text in chunks `snapshot:<id>:<n>` under
// `SNAPSHOT`, which says the chunks' id and count and the last change it holds. A snapshot is
// written at each load and every COMPACT_EVERY changes; then the changes it holds and older
// snapshots' chunks are deleted, so storage holds one state and the changes since, not every
// change ever made. Chunks keep each value under Durable Objects' per-value limit (128 KiB).
const PREFIX = "change:";
const key = (n) => `${PREFIX}${String(n).padStart(12, "0")}`;
const SNAPSHOT = "snapshot";
const CHUNK_PREFIX = "snapshot:";
/** Characters a chunk holds: 128 KiB even if every character took two bytes. */
const CHUNK_CHARS = 64 * 1024 - 1024;
/** Changes between snapshots while the object runs. */
const COMPACT_EVERY = 1000;
/** Keys one storage call takes (Durable Objects' batch limit). */
const BATCH = 128;
/** The public URL the simulator was loaded at, for an alarm (which has no request). */
const ORIGIN = "origin";
/** How a journal line that owes webhook deliveries starts its list. */
const OWES = '"deliveries":[{';
/** How often the alarm wakes the object while deliveries are pending. */
const WAKE_MS = 30_000;

/** The Durable Object: one simulator, its state in the object's storage. */
export class PaySGSimulator {
  // The runtime's state and env, and the simulator once loaded: not part of the API.
  #state;
  #env;
  #sim;
  /** The last change's seq, and the seq the stored snapshot holds up to. */
  #seq = 0;
  #snapshotSeq = 0;
  /** A compaction in progress (one at a time). */
  #compacting;

  constructor(state, env) {
    this.#state = state;
    this.#env = env;
  }

  /**
   * Restores the simulator from storage, on the first request (its origin is the public URL) or
   * an alarm (the origin stored then), and resumes the webhook deliveries it holds as pending.
   */
  async #load(origin) {
    const options = this.#env.PAYSG_SIM_OPTIONS ? JSON.parse(this.#env.PAYSG_SIM_OPTIONS) : {};
    for (const k of ["port", "host", "data", "dataMaxBytes"]) {
      if (options[k] !== undefined) throw new Error(`PAYSG_SIM_OPTIONS: ${k} has no meaning in a Durable Object`);
    }
    const storage = this.#state.storage;
    if ((await storage.get(ORIGIN)) !== origin) await storage.put(ORIGIN, origin);
    const snapshot = await storage.get(SNAPSHOT);
    const sim = makeSimulator(optionPairs({ quiet: true, publicUrl: origin, ...options }), {
      bound: origin,
      js: true,
      // Not awaited: the output gate holds the response until the write is durable.
      persist: (line) => {
        void storage.put(key(++this.#seq), line);
        // A change that owes webhook deliveries: an alarm wakes the object to finish them.
        if (line.includes(OWES)) void this.#arm();
        // Later, not inside the core's commit (which is calling this): the snapshot is taken
        // once the change is applied.
        if (this.#seq - this.#snapshotSeq >= COMPACT_EVERY && this.#compacting === undefined) queueMicrotask(() => void this.#compact());
      },
    });
    if (snapshot !== undefined) {
      const keys = Array.from({ length: snapshot.chunks }, (_, n) => `${CHUNK_PREFIX}${snapshot.id}:${n}`);
      let text = "";
      for (let i = 0; i < keys.length; i += BATCH) {
        const got = await storage.get(keys.slice(i, i + BATCH));
        for (const k of keys.slice(i, i + BATCH)) {
          const chunk = got.get(k);
          if (typeof chunk !== "string") throw new Error(`paysg-sim: the stored snapshot lacks ${k}; its storage is damaged`);
          text += chunk;
        }
      }
      sim.core.restore(text);
      this.#seq = this.#snapshotSeq = snapshot.seq;
    }
    // The changes after the snapshot, in order (keys sort by seq).
    const changes = await storage.list({ prefix: PREFIX, start: key(this.#snapshotSeq + 1) });
    for (const [k, line] of changes) {
      sim.core.restore(line);
      this.#seq = Number(k.slice(PREFIX.length));
    }
    this.#sim = sim;
    if (changes.size > 0) await this.#compact();
    sim.resume();
    await this.#arm();
    return sim;
  }

  /** Sets the alarm while deliveries are pending (workerd may evict an idle object). */
  async #arm() {
    if (this.#sim?.core.pendingDeliveries().length > 0) await this.#state.storage.setAlarm(Date.now() + WAKE_MS);
  }

  /** The alarm: loads the simulator if it was evicted (which resumes its deliveries). */
  async alarm() {
    const origin = await this.#state.storage.get(ORIGIN);
    if (origin === undefined) return;
    this.#sim ??= await this.#state.blockConcurrencyWhile(() => this.#sim ?? this.#load(origin));
    await this.#arm();
  }

  /**
   * Writes a snapshot of the state as it is now, then deletes what it replaces: the changes up
   * to it and every other snapshot's chunks. A crash part-way leaves either the old snapshot
   * (the new one's chunks are orphans, deleted next time) or the new one (the old changes and
   * chunks are deleted next time): storage always loads.
   */
  #compact() {
    this.#compacting ??= (async () => {
      try {
        const storage = this.#state.storage;
        const text = this.#sim.core.snapshot();
        const upTo = this.#seq;
        const id = `${upTo}-${Date.now()}`;
        const chunks = {};
        let n = 0;
        for (let at = 0; at < text.length; at += CHUNK_CHARS) chunks[`${CHUNK_PREFIX}${id}:${n++}`] = text.slice(at, at + CHUNK_CHARS);
        const entries = Object.entries(chunks);
        for (let i = 0; i < entries.length; i += BATCH) await storage.put(Object.fromEntries(entries.slice(i, i + BATCH)));
        await storage.put(SNAPSHOT, { id, seq: upTo, chunks: n });
        this.#snapshotSeq = upTo;
        const stale = [
          ...(await storage.list({ prefix: PREFIX, end: key(upTo + 1) })).keys(),
          ...[...(await storage.list({ prefix: CHUNK_PREFIX })).keys()].filter((k) => !k.startsWith(`${CHUNK_PREFIX}${id}:`)),
        ];
        for (let i = 0; i < stale.length; i += BATCH) await storage.delete(stale.slice(i, i + BATCH));
      } finally {
        this.#compacting = undefined;
      }
    })();
    return this.#compacting;
  }

  /** What storage holds: `{ snapshot: { seq, chunks } | null, changes }` (GET /sim/storage). */
  async #storage() {
    const snapshot = (await this.#state.storage.get(SNAPSHOT)) ?? null;
    const changes = (await this.#state.storage.list({ prefix: PREFIX })).size;
    return Response.json({ snapshot: snapshot && { seq: snapshot.seq, chunks: snapshot.chunks }, changes });
  }

  async fetch(request) {
    this.#sim ??= await this.#state.blockConcurrencyWhile(() => this.#sim ?? this.#load(new URL(request.url).origin));
    if (request.method === "GET" && new URL(request.url).pathname === "/sim/storage") {
      await this.#compacting;
      return this.#storage();
    }
    return this.#sim.fetch(request);
  }
}

/** The Worker: every request to the one simulator. */
export default {
  fetch(request, env) {
    return env.PAYSG_SIM.get(env.PAYSG_SIM.idFromName("paysg-sim")).fetch(request);
  },
};
