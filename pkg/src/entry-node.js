// Node.js (bundled to CommonJS; the ESM entry re-exports it). The bytes are read from the file
// next to this bundle and compiled synchronously, so the package is ready as soon as it loads.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { initSync } from "../gen/paysg.js";
import { useHostHmac } from "./webhooks.js";

// eslint-disable-next-line no-undef -- CommonJS output: __dirname is the bundle's folder
initSync({ module: new WebAssembly.Module(readFileSync(join(__dirname, "paysg_bg.wasm"))) });

// Webhook HMAC-SHA256 by OpenSSL (1.4× faster than wasm at 1 KB, 3.7× at 10 KB); everything
// else about verification — which timestamp, comparison, freshness, the event — stays in Rust.
// node:crypto is loaded on the first verification (≈ 9 ms, which an import should not pay).
let createHmac;
useHostHmac((secret, t, body) => {
  // eslint-disable-next-line no-undef -- CommonJS output
  createHmac ??= require("node:crypto").createHmac;
  return createHmac("sha256", secret).update(t).update(".").update(body).digest();
});

export * from "./surface.js";
