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

const PREFIX = "change:";
const key = (n) => `${PREFIX}${String(n).padStart(12, "0")}`;

/** The Durable Object: one simulator, its changes in the object's storage. */
export class PaySGSimulator {
  // The runtime's state and env, and the simulator once loaded: not part of the API.
  #state;
  #env;
  #sim;

  constructor(state, env) {
    this.#state = state;
    this.#env = env;
  }

  /** Restores the simulator from storage, on the first request (its origin is the public URL). */
  async #load(origin) {
    const options = this.#env.PAYSG_SIM_OPTIONS ? JSON.parse(this.#env.PAYSG_SIM_OPTIONS) : {};
    for (const k of ["port", "host", "data", "dataMaxBytes"]) {
      if (options[k] !== undefined) throw new Error(`PAYSG_SIM_OPTIONS: ${k} has no meaning in a Durable Object`);
    }
    const stored = await this.#state.storage.list({ prefix: PREFIX });
    let seq = stored.size;
    const sim = makeSimulator(optionPairs({ quiet: true, publicUrl: origin, ...options }), {
      bound: origin,
      js: true,
      // Not awaited: the output gate holds the response until the write is durable.
      persist: (line) => void this.#state.storage.put(key(++seq), line),
    });
    for (const line of stored.values()) sim.core.restore(line);
    return sim;
  }

  async fetch(request) {
    this.#sim ??= await this.#state.blockConcurrencyWhile(() => this.#sim ?? this.#load(new URL(request.url).origin));
    return this.#sim.fetch(request);
  }
}

/** The Worker: every request to the one simulator. */
export default {
  fetch(request, env) {
    return env.PAYSG_SIM.get(env.PAYSG_SIM.idFromName("paysg-sim")).fetch(request);
  },
};
