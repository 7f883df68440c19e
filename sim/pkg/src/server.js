// paysg-sim over node:http (Node, and Deno and Bun through their node:http): the same
// dispatch as the in-process fetch, with the native server's limits — 5 s to send headers or
// stay idle between requests, 10 s for a body, 1 MiB bodies, 512 connections.
import { createServer } from "node:http";
import { DROP } from "./shell.js";

const MAX_BODY = 1 << 20;

/**
 * Serves `dispatch` on `host:port` (0: a free port). Resolves to
 * `{ url, close() }` once it listens.
 */
export function listen(dispatch, { host = "127.0.0.1", port = 0 } = {}) {
  const server = createServer({ headersTimeout: 5_000, requestTimeout: 10_000, keepAliveTimeout: 5_000 }, (req, res) => {
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
        reply = await dispatch({ method: req.method, url: `http://${req.headers.host ?? "paysg-sim"}${req.url}`, headers, body, signal: gone.signal });
      } catch {
        if (!res.headersSent) res.destroy();
        return;
      }
      if (reply === DROP) return req.socket.destroy();
      res.writeHead(reply.status, Object.fromEntries(reply.headers));
      res.end(reply.body.length ? Buffer.from(reply.body) : undefined);
    });
  });
  server.maxConnections = 512;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const { port: bound } = server.address();
      const shown = host.includes(":") ? `[${host}]` : host;
      resolve({
        url: `http://${shown}:${bound}`,
        close: () => new Promise((done) => {
          server.close(() => done());
          server.closeAllConnections?.();
        }),
      });
    });
  });
}
