// paysg-sim over node:http (Node, and Deno and Bun through their node:http): the same
// dispatch as the in-process fetch, with the core's limits (sim/core/src/limits.rs, as the
// native server keeps them) — 5 s to send headers or stay idle between requests, 10 s for a
// body, 1 MiB bodies, 512 connections served at once while more wait their turn — and its
// answers for them. Replies are framed as the native server (hyper) frames them: the core's
// headers as given, then content-length, connection: close when the connection ends, date.
import { createServer, STATUS_CODES } from "node:http";
import { limits as coreLimits } from "../gen/paysg_sim.js";
import { DROP } from "./shell.js";

let limitsRead;
/** The core's limits and answers (read once the wasm is initialised, by start.js). */
function limits() {
  return (limitsRead ??= coreLimits());
}

/**
 * The URL the shell reads a request's path and query from. The Host header plays no part (the
 * native server routes by path alone, whatever Host says, or none); an absolute-form target
 * (`GET http://host/path`) gives its path.
 */
function target(url) {
  if (url.startsWith("/")) return `http://paysg-sim${url}`;
  try {
    const u = new URL(url);
    return `http://paysg-sim${u.pathname}${u.search}`;
  } catch {
    return `http://paysg-sim/${url}`; // `*` and the like: no route, the core answers 404
  }
}

/**
 * Serves accepted connections `MAX_CONNECTIONS` at a time, as the native server does. Node's own
 * `maxConnections` resets those past it; here they are accepted but not read (pauseOnConnect),
 * queued, and handed to the HTTP server (its `connection` event, as the docs allow) in order as
 * slots free. The header timeout starts when a connection is handed over, as the native one's
 * starts when it is accepted.
 */
function queueConnections(server) {
  const serve = server.listeners("connection");
  server.removeAllListeners("connection");
  server.pauseOnConnect = true; // net.Server's option, which http.createServer does not take
  const waiting = [];
  let active = 0;
  const admit = (socket) => {
    active++;
    socket.removeAllListeners("error");
    socket.once("close", () => {
      active--;
      while (active < limits().maxConnections && waiting.length) {
        const next = waiting.shift();
        if (!next.destroyed) admit(next);
      }
    });
    for (const listener of serve) listener.call(server, socket);
    socket.resume();
  };
  server.on("connection", (socket) => {
    if (active < limits().maxConnections) return admit(socket);
    socket.on("error", () => {}); // a waiting client that goes away
    waiting.push(socket);
  });
  return () => {
    for (const socket of waiting.splice(0)) socket.destroy();
  };
}

/** No body, whatever the method (as hyper: no content-length either). */
const bodyless = (status) => status < 200 || status === 204 || status === 304;

/**
 * A reply's head as the native server sends it: the core's headers (a name given twice is sent
 * twice, next to each other), content-length, `connection: close` when `close` and the core did
 * not say, then date. `[name, value]` pairs.
 */
function head(reply, close) {
  const grouped = new Map();
  for (const [name, value] of reply.headers) grouped.set(name, [...(grouped.get(name) ?? []), value]);
  const lines = [...grouped].flatMap(([name, values]) => values.map((v) => [name, v]));
  if (!bodyless(reply.status) && !grouped.has("content-length")) lines.push(["content-length", String(reply.body.length)]);
  if (close && !grouped.has("connection")) lines.push(["connection", "close"]);
  lines.push(["date", new Date().toUTCString()]);
  return lines;
}

/** Sends a reply on `res` as the native server would (Node adds nothing: no Date, Connection, Keep-Alive). */
function send(req, res, reply) {
  res.sendDate = false;
  res.statusCode = reply.status;
  const byName = new Map();
  for (const [name, value] of head(reply, !res.shouldKeepAlive)) byName.set(name, [...(byName.get(name) ?? []), value]);
  for (const [name, values] of byName) res.setHeader(name, values.length === 1 ? values[0] : values);
  if (!byName.has("connection")) res.removeHeader("connection"); // Node's own stays out; keep-alive as asked
  res.end(reply.body.length && req.method !== "HEAD" && !bodyless(reply.status) ? Buffer.from(reply.body) : undefined);
}

/** A reply as raw HTTP/1.1 bytes that close the connection, for a socket Node's parser gave up on. */
function raw(reply) {
  const lines = head(reply, true).map(([n, v]) => `${n}: ${v}\r\n`).join("");
  return Buffer.concat([Buffer.from(`HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status] ?? ""}\r\n${lines}\r\n`, "latin1"), Buffer.from(reply.body)]);
}

/** The request on a socket whose body is still being read (for a parse error in it). */
const reading = Symbol("reading");

/**
 * A connection's error before the request handler could answer. In a body being read (a
 * malformed chunk): the core's 400 `malformed_body`. In a request's head: hyper's empty 400 (431
 * for headers too large). A header time-out: closed unanswered, as hyper's header_read_timeout.
 */
function clientError(err, socket) {
  const inBody = socket[reading];
  if (inBody) return inBody.refuse(limits().malformed, err);
  if (err?.code === "ERR_HTTP_REQUEST_TIMEOUT" || err?.code === "ECONNRESET" || !socket.writable || socket._httpMessage) return socket.destroy();
  const status = err?.code === "HPE_HEADER_OVERFLOW" ? 431 : 400;
  socket.end(raw({ status, headers: [["connection", "close"]], body: new Uint8Array(0) }));
}

/**
 * Serves `dispatch` on `host:port` (0: a free port). Resolves to
 * `{ url, close() }` once it listens.
 */
export function listen(dispatch, { host = "127.0.0.1", port = 0 } = {}) {
  const { headerTimeoutMs, bodyTimeoutMs, maxBody } = limits();
  const options = {
    headersTimeout: headerTimeoutMs,
    requestTimeout: 0, // the body's own timer below answers the core's 408, as the native one
    keepAliveTimeout: headerTimeoutMs,
    connectionsCheckingInterval: 500, // how often those timeouts are checked (Node: 30 s)
    requireHostHeader: false, // the native server answers a request without Host
  };
  const server = createServer(options, (req, res) => {
    const socket = req.socket;
    const chunks = [];
    let size = 0;
    let answered = false;
    const gone = new AbortController();
    res.on("close", () => gone.abort(new Error("the client went away")));
    const done = () => {
      clearTimeout(timer);
      if (socket[reading]?.req === req) socket[reading] = undefined;
    };
    /** Answers before the body is read whole (408, 400) and closes the connection after. */
    const refuse = (reply) => {
      if (answered) return;
      answered = true;
      done();
      if (res.headersSent || !socket.writable) return socket.destroy();
      socket.end(raw(reply));
    };
    const timer = setTimeout(() => refuse(limits().timedOut), bodyTimeoutMs);
    socket[reading] = { req, refuse };
    req.on("close", done);
    req.on("data", (c) => {
      size += c.length;
      if (size <= maxBody) chunks.push(c);
    });
    req.on("end", async () => {
      done();
      if (answered) return;
      answered = true;
      if (size > maxBody) return send(req, res, limits().tooLarge); // read whole, then refused
      const headers = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i].toLowerCase(), req.rawHeaders[i + 1]]);
      const body = new Uint8Array(Buffer.concat(chunks));
      let reply;
      try {
        reply = await dispatch({ method: req.method, url: target(req.url), headers, body, signal: gone.signal });
      } catch {
        if (!res.headersSent) res.destroy();
        return;
      }
      if (reply === DROP) return socket.destroy();
      send(req, res, reply);
    });
  });
  server.on("clientError", clientError);
  const dropWaiting = queueConnections(server);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const { port: bound } = server.address();
      const shown = host.includes(":") ? `[${host}]` : host;
      resolve({
        url: `http://${shown}:${bound}`,
        close: () => new Promise((done) => {
          server.close(() => done());
          dropWaiting();
          server.closeAllConnections?.();
        }),
      });
    });
  });
}
