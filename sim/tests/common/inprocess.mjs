// The behaviour suite's third shell (PAYSG_SIM_SHELL=inprocess): the npm package's in-process
// simulator — `createSimulator(options)` without `port`, whose `sim.fetch` answers without a
// socket — reached through this small HTTP adapter. It takes the CLI's flags (read with the
// package's own flags table, given to createSimulator as its camelCase options), serves each
// HTTP request as a `Request` to `sim.fetch` and writes the `Response` back, and prints the
// CLI's `listening on http://…` line. Only the adapter is Node's HTTP server: what the suite
// checks here is what the in-process simulator answers, not how a server frames or limits it.
import { createServer } from "node:http";
import { createSimulator, flags } from "../../pkg/dist/node.mjs";

/** argv as createSimulator's options: `{ camel: value }`, or `{ error }` as the CLI says it. */
function options(argv) {
  const byName = new Map(flags().map((f) => [f.name, f]));
  const given = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z0-9-]+)(?:=(.*))?$/s.exec(argv[i]);
    const f = m && byName.get(m[1]);
    if (!f) return { error: `unexpected argument '${argv[i]}'` };
    if (f.kind === "switch") {
      if (m[2] !== undefined) return { error: `--${f.name} takes no value` };
      given[f.camel] = true;
      continue;
    }
    const value = m[2] ?? argv[++i];
    if (value === undefined) return { error: `--${f.name} needs a value <${f.value}>` };
    // A flag given twice reaches the core twice, as the CLI's pairs do.
    given[f.camel] = f.camel in given ? [given[f.camel], value].flat() : value;
  }
  return { given };
}

/** A request's body, whole. */
async function read(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

const { given, error } = options(process.argv.slice(2));
if (error) {
  console.error(`paysg-sim: ${error}\n\nFor more information, try '--help'.`);
  process.exit(2);
}
const { port = "8790", host = "127.0.0.1", ...rest } = given;
let made;
/** The simulator, once made (it needs the URL the adapter listens at). */
const simulator = new Promise((resolve) => (made = resolve));
const server = createServer({ requireHostHeader: false }, (req, res) =>
  serve(req, res).catch((e) => {
    if (!req.aborted) console.error(`paysg-sim (inprocess adapter): ${e?.stack ?? e}`);
    res.destroy();
  }),
);

/** One request: as a `Request` to the simulator's fetch, its `Response` written back. */
async function serve(req, res) {
  const gone = new AbortController();
  res.on("close", () => gone.abort(new Error("the client went away")));
  const headers = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
  const body = await read(req);
  const bodyless = req.method === "GET" || req.method === "HEAD";
  let request;
  try {
    const path = req.url.startsWith("/") ? req.url : new URL(req.url, base).pathname;
    // A GET or HEAD body cannot be in a Request (the in-process simulator never sees one).
    request = new Request(`${base}${path}`, { method: req.method, headers, body: bodyless ? undefined : body, signal: gone.signal });
  } catch (e) {
    console.error(`paysg-sim (inprocess adapter): ${req.method} ${req.url} is no Request: ${e?.message ?? e}`);
    return res.destroy();
  }
  let response;
  try {
    response = await (await simulator).fetch(request);
  } catch (e) {
    // A drop fault (sim.fetch throws a TypeError), or a client that went away: no answer.
    if (!(e instanceof TypeError) && !gone.signal.aborted) console.error(`paysg-sim (inprocess adapter): ${e?.stack ?? e}`);
    return res.destroy();
  }
  const out = Buffer.from(await response.arrayBuffer());
  res.statusCode = response.status;
  for (const name of new Set(response.headers.keys())) {
    res.setHeader(name, name === "set-cookie" ? response.headers.getSetCookie() : response.headers.get(name));
  }
  if (!response.headers.has("content-length") && response.status !== 204 && response.status !== 304) res.setHeader("content-length", out.length);
  if (!response.headers.has("connection")) {
    if (res.shouldKeepAlive) res.removeHeader("connection"); // no Keep-Alive header either
    else res.setHeader("connection", "close");
  }
  res.end(req.method === "HEAD" ? undefined : out);
}
await new Promise((resolve, reject) => server.once("error", reject).listen(Number(port), host, resolve));
const shown = host.includes(":") ? `[${host}]` : host;
const base = `http://${shown}:${server.address().port}`;
let sim;
try {
  // The CLI's public URL is where it listens; the in-process one's would be paysg-sim.local.
  sim = await createSimulator({ publicUrl: base, quiet: false, ...rest });
  made(sim);
} catch (e) {
  console.error(`paysg-sim: ${e?.message ?? e}`);
  process.exit(1);
}
console.log(`listening on ${base}`);
const stop = async () => {
  server.close();
  server.closeAllConnections();
  await sim.close();
  console.error("paysg-sim: stopped");
  process.exit(0);
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
