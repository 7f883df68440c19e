// paysg-sim over node:http (Node, and Deno and Bun through their node:http): the same
// dispatch as the in-process fetch, with the native server's limits (sim/src/lib.rs) — 5 s to
// send headers or stay idle between requests, 10 s for a body, 1 MiB bodies, 512 connections
// served at once while more wait their turn.
import { createServer } from "node:http";
import { DROP } from "./shell.js";

const MAX_BODY = 1 << 20;
/**
 * Connections served at once; more wait, unread, until one closes. The native server's
 * MAX_CONNECTIONS (sim/src/lib.rs), which its core does not export.
 */
const MAX_CONNECTIONS = 512;

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
      while (active < MAX_CONNECTIONS && waiting.length) {
        const next = waiting.shift();
        if (!next.destroyed) admit(next);
      }
    });
    for (const listener of serve) listener.call(server, socket);
    socket.resume();
  };
  server.on("connection", (socket) => {
    if (active < MAX_CONNECTIONS) return admit(socket);
    socket.on("error", () => {}); // a waiting client that goes away
    waiting.push(socket);
  });
  return () => {
    for (const socket of waiting.splice(0)) socket.destroy();
  };
}

/** A reply's headers on `res` (a header named twice keeps both), then its body. */
function send(res, reply) {
  res.statusCode = reply.status;
  const headers = new Map();
  for (const [name, value] of reply.headers) headers.set(name, [...(headers.get(name) ?? []), value]);
  for (const [name, values] of headers) res.setHeader(name, values.length === 1 ? values[0] : values);
  res.end(reply.body.length ? Buffer.from(reply.body) : undefined); // Node sets content-length
}

/**
 * Serves `dispatch` on `host:port` (0: a free port). Resolves to
 * `{ url, close() }` once it listens.
 */
export function listen(dispatch, { host = "127.0.0.1", port = 0 } = {}) {
  const options = {
    headersTimeout: 5_000,
    requestTimeout: 10_000,
    keepAliveTimeout: 5_000,
    connectionsCheckingInterval: 500, // how often those timeouts are checked (Node: 30 s)
    requireHostHeader: false, // the native server answers a request without Host
  };
  const server = createServer(options, (req, res) => {
    const chunks = [];
    let size = 0;
    let tooLarge = false;
    const gone = new AbortController();
    res.on("close", () => gone.abort(new Error("the client went away")));
    req.on("data", (c) => {
      size += c.length;
      if (size > MAX_BODY) tooLarge = true;
      else chunks.push(c);
    });
    req.on("end", async () => {
      const headers = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i].toLowerCase(), req.rawHeaders[i + 1]]);
      const body = tooLarge ? new Uint8Array(MAX_BODY + 1) : new Uint8Array(Buffer.concat(chunks));
      let reply;
      try {
        reply = await dispatch({ method: req.method, url: target(req.url), headers, body, signal: gone.signal });
      } catch {
        if (!res.headersSent) res.destroy();
        return;
      }
      if (reply === DROP) return req.socket.destroy();
      send(res, reply);
    });
  });
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
