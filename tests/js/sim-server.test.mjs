// `npx paysg-sim` over node:http against the native binary, on what the server (not the core)
// decides: a request with a bad or no Host header is answered as any other; past 512
// connections, more wait to be served (as the native binary's accept queue) rather than being
// reset; and slow clients holding every slot hold it only until the header timeout, so a real
// request is served under the attack.
import assert from "node:assert/strict";
import { connect } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startSim, testProject } from "./helpers.mjs";

let cli;
before(() => {
  cli = [process.execPath, join(testProject(), "node_modules", "paysg-sim", "dist", "cli.mjs")];
});

/** Sends `text` on a new connection; resolves to `{ status, body }` once the server closes it. */
function raw(url, text, ms = 30_000) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks = [];
    const timer = setTimeout(() => (socket.destroy(), reject(new Error(`no answer in ${ms} ms to ${JSON.stringify(text.slice(0, 60))}`))), ms);
    socket.on("data", (c) => chunks.push(c));
    socket.on("error", (e) => (clearTimeout(timer), reject(e)));
    socket.on("close", () => {
      clearTimeout(timer);
      const all = Buffer.concat(chunks).toString("latin1");
      const split = all.indexOf("\r\n\r\n");
      if (split < 0) return reject(new Error(`no answer to ${JSON.stringify(text.slice(0, 60))}: ${JSON.stringify(all)}`));
      const head = all.slice(0, split);
      let body = all.slice(split + 4);
      if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
        let plain = "";
        for (let at = 0; ;) {
          const eol = body.indexOf("\r\n", at);
          const size = parseInt(body.slice(at, eol), 16);
          if (!size) break;
          plain += body.slice(eol + 2, eol + 2 + size);
          at = eol + 2 + size + 2;
        }
        body = plain;
      }
      resolve({ status: Number(head.split(" ")[1]), body });
    });
    socket.write(text);
  });
}
const get = (target, host) => `GET ${target} HTTP/1.1\r\n${host === undefined ? "" : `Host: ${host}\r\n`}Connection: close\r\n\r\n`;

const SHELLS = {
  "npx paysg-sim": () => startSim([], { command: cli }),
  "native binary": () => startSim([]),
};

describe("a bad or missing Host header is answered as the native binary does", () => {
  const sims = {};
  before(async () => {
    for (const [name, start] of Object.entries(SHELLS)) sims[name] = await start();
  });
  after(async () => {
    for (const sim of Object.values(sims)) await sim.stop();
  });
  const cases = [
    ["a space in Host", get("/sim/state", "a b")],
    ["an unclosed bracket", get("/sim/state", "[")],
    ["an empty Host", get("/sim/state", "")],
    ["a slash in Host", get("/sim/state", "a/b")],
    ["no Host", get("/sim/state", undefined)],
    ["two Hosts", "GET /sim/state HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n"],
    ["an absolute URL", get("http://elsewhere:1/sim/state?x=1", "a")],
    ["a bad Host on the API", get("/v1/payment-services/s/payments/x", "exa mple:99")],
  ];
  for (const [what, text] of cases) {
    test(what, async () => {
      const native = await raw(sims["native binary"].url, text, 5000);
      const npm = await raw(sims["npx paysg-sim"].url, text, 5000);
      assert.deepEqual(npm, native);
    });
  }
});

for (const [shell, start] of Object.entries(SHELLS)) {
test(`${shell}: 1,000 concurrent requests are all answered (past 512 they wait)`, async () => {
  const sim = await start();
  try {
    const answers = await Promise.allSettled(Array.from({ length: 1000 }, () => raw(sim.url, get("/sim/state", "paysg-sim"))));
    const failed = answers.filter((a) => a.status === "rejected" || a.value.status !== 200);
    assert.equal(failed.length, 0, `${failed.length} of 1,000 failed: ${failed[0]?.reason?.message ?? failed[0]?.value?.status}`);
  } finally {
    await sim.stop();
  }
});

test(`${shell}: a real request is served while 600 slow clients hold connections`, async () => {
  const sim = await start();
  const { hostname, port } = new URL(sim.url);
  const sockets = new Set();
  let attacking = true;
  let connected = 0;
  /** A client that sends its headers a line a second, and comes back when cut off. */
  const slow = () => {
    if (!attacking) return;
    const socket = connect(Number(port), hostname, () => connected++);
    sockets.add(socket);
    socket.write("GET /sim/state HTTP/1.1\r\nHost: paysg-sim\r\n");
    const timer = setInterval(() => socket.write("x-slow: 1\r\n"), 1000);
    socket.on("error", () => {});
    socket.on("close", () => {
      clearInterval(timer);
      sockets.delete(socket);
      slow();
    });
  };
  try {
    for (let i = 0; i < 600; i++) slow();
    while (connected < 600) await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    const answer = await raw(sim.url, get("/sim/state", "paysg-sim"), 15_000);
    assert.equal(answer.status, 200);
    console.log(`${shell}: a real request under 600 slow clients: answered in ${Date.now() - started} ms (${connected} slow connections made)`);
  } finally {
    attacking = false;
    for (const s of sockets) s.destroy();
    await sim.stop();
  }
});
}
