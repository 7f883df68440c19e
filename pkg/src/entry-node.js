// Node.js (bundled to CommonJS; the ESM entry re-exports it). The bytes are read from the file
// next to this bundle and compiled synchronously, so the package is ready as soon as it loads.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { initSync } from "../gen/paysg.js";

// eslint-disable-next-line no-undef -- CommonJS output: __dirname is the bundle's folder
initSync({ module: new WebAssembly.Module(readFileSync(join(__dirname, "paysg_bg.wasm"))) });

export * from "./api.js";
