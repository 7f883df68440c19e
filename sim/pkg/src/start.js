// Starting a simulator in Node (and Deno and Bun): in-process, or serving over node:http, with
// `data` kept in a journal. Shared by createSimulator (node.js) and the CLI (cli.js).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { initSync } from "../gen/paysg_sim.js";
import { IN_PROCESS_URL, flags, makeSimulator } from "./shell.js";
import { listen } from "./server.js";
import { openJournal } from "./journal.js";

initSync({ module: new WebAssembly.Module(readFileSync(fileURLToPath(new URL("./paysg_sim_bg.wasm", import.meta.url)))) });

export { flags } from "./shell.js";

/**
 * Starts a simulator from the core's `[flag, text]` pairs. `js`: messages name options in
 * camelCase. `serve`: listen on `port`/`host` (the CLI always does). With `data`, the journal is
 * locked and read before anything listens; a refusal at any step (a bad line, say) closes what
 * was opened — the server, the file, the lock — before it rejects.
 */
export async function start(pairs, { js, serve, onWebhook }) {
  // Given, or the core's default (its flags table).
  const one = (name) => pairs.filter(([n]) => n === name).at(-1)?.[1] ?? flags().find((f) => f.name === name)?.default ?? undefined;
  const port = Number(one("port"));
  const host = one("host");
  if (serve && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new Error(`${js ? "port" : "--port"} must be 0 to 65535, got ${one("port")}`);
  const data = one("data");
  const maxBytes = one("data-max-bytes");
  const journal = data === undefined ? undefined : await openJournal(data, maxBytes === undefined ? undefined : Number(maxBytes));
  let server, sim, ready, failed;
  const up = new Promise((resolve, reject) => ((ready = resolve), (failed = reject)));
  up.catch(() => {}); // requests that came early are dropped when start fails
  try {
    // The core needs the URL it is served at, so the server listens first; requests wait.
    if (serve) server = await listen((req) => up.then((s) => s.dispatch(req)), { host, port });
    try {
      sim = makeSimulator(pairs, { bound: server?.url ?? IN_PROCESS_URL, js, onWebhook, persist: journal ? (line) => journal.persist(line) : undefined });
    } catch (e) {
      throw new Error(String(e?.message ?? e));
    }
    if (journal) {
      journal.replay((line) => sim.core.restore(line));
      if (journal.count > 1) journal.compact(sim.core.snapshot());
      // The deliveries the journal holds as pending, once it is replayed.
      sim.resume();
    }
  } catch (e) {
    failed(e);
    sim?.close();
    await server?.close();
    await journal?.close();
    throw e;
  }
  ready(sim);
  const close = async () => {
    sim.close();
    await server?.close();
    await journal?.close();
  };
  return { sim, url: server?.url ?? IN_PROCESS_URL, close };
}
