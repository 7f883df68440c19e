// paysg-sim in Cloudflare Workers (workerd) and other runtimes that import .wasm files as
// compiled modules: in-process only (no port, no data file).
import wasmModule from "../gen/paysg_sim_bg.wasm";
import { initSync } from "../gen/paysg_sim.js";
import { handle, IN_PROCESS_URL, makeSimulator, optionPairs } from "./shell.js";

initSync({ module: wasmModule });

export { flags } from "./shell.js";

/**
 * A simulator that serves its own `fetch` in-process.
 * @param {import("./index").SimulatorOptions} [options]
 */
export async function createSimulator(options = {}) {
  if (options === null || typeof options !== "object") throw new TypeError("createSimulator(options): options must be an object");
  const { onWebhook } = options;
  if (onWebhook !== undefined && typeof onWebhook !== "function") throw new TypeError("onWebhook must be a function (request: Request) => Response");
  for (const k of ["port", "host", "data", "dataMaxBytes"]) {
    if (options[k] !== undefined) throw new Error(`${k} needs Node (node:http, node:fs); here the simulator runs in-process only`);
  }
  let sim;
  try {
    sim = makeSimulator(optionPairs({ quiet: true, ...options }), { bound: IN_PROCESS_URL, js: true, onWebhook });
  } catch (e) {
    throw new Error(String(e?.message ?? e));
  }
  return handle(sim, IN_PROCESS_URL, async () => sim.close());
}
