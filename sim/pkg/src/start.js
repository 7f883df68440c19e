// Starting a simulator in Node (and Deno and Bun): in-process, or serving over node:http, with
// `data` kept in a journal. Shared by createSimulator (node.js) and the CLI (cli.js).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { initSync } from "../gen/paysg_sim.js";
import { IN_PROCESS_URL, makeSimulator } from "./shell.js";
import { listen } from "./server.js";
import { openJournal } from "./journal.js";

initSync({ module: new WebAssembly.Module(readFileSync(fileURLToPath(new URL("./paysg_sim_bg.wasm", import.meta.url)))) });

export { flags } from "./shell.js";

/**
 * Starts a simulator from the core's `[flag, text]` pairs. `js`: messages name options in
 * camelCase. `serve`: listen on `port`/`host` (the CLI always does).
 */
export async function start(pairs, { js, serve, onWebhook }) {
  const one = (name) => pairs.filter(([n]) => n === name).at(-1)?.[1];
  let server;
  if (serve) {
    const port = Number(one("port") ?? 8790);
    const host = one("host") ?? "127.0.0.1";
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${js ? "port" : "--port"} must be 0 to 65535, got ${one("port")}`);
    let ready;
    const dispatch = (req) => ready.then((sim) => sim.dispatch(req));
    let resolve;
    ready = new Promise((r) => (resolve = r));
    server = await listen(dispatch, { host, port });
    server.ready = resolve;
  }
  const bound = server?.url ?? IN_PROCESS_URL;
  const data = one("data");
  const maxBytes = one("data-max-bytes");
  let journal;
  if (data !== undefined) {
    try {
      journal = openJournal(data, maxBytes === undefined ? undefined : Number(maxBytes));
    } catch (e) {
      await server?.close();
      throw e;
    }
  }
  let sim;
  try {
    sim = makeSimulator(pairs, { bound, js, onWebhook, persist: journal ? (line) => journal.persist(line) : undefined });
  } catch (e) {
    journal?.close();
    await server?.close();
    throw new Error(String(e?.message ?? e));
  }
  if (journal) {
    for (const line of journal.lines) sim.core.restore(line);
    if (journal.lines.length > 1) journal.compact(sim.core.snapshot());
  }
  server?.ready(sim);
  const close = async () => {
    sim.close();
    await server?.close();
    journal?.close();
  };
  return { sim, url: server?.url ?? IN_PROCESS_URL, close };
}

