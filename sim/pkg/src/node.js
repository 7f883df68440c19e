// paysg-sim for Node (and Deno and Bun, through their Node compatibility): in-process, or
// serving over node:http, with `data` kept in a journal (journal.js).
import { start } from "./start.js";
import { handle, optionPairs } from "./shell.js";

export { flags } from "./start.js";

/**
 * A simulator. Without `port` it serves only its own `fetch` (no port is opened); with one (0:
 * any free port) it also listens on node:http.
 * @param {import("./index").SimulatorOptions} [options]
 */
export async function createSimulator(options = {}) {
  if (options === null || typeof options !== "object") throw new TypeError("createSimulator(options): options must be an object");
  const { onWebhook } = options;
  if (onWebhook !== undefined && typeof onWebhook !== "function") throw new TypeError("onWebhook must be a function (request: Request) => Response");
  const pairs = optionPairs({ quiet: true, ...options });
  const { sim, url, close } = await start(pairs, { js: true, serve: options.port !== undefined, onWebhook });
  return handle(sim, url, close);
}
