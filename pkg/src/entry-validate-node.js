// `paysg/validate` in Node.js (bundled to CommonJS; the ESM entry re-exports it).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { initSync } from "../gen/validate/paysg_validate.js";

// eslint-disable-next-line no-undef -- CommonJS output: __dirname is the bundle's folder
initSync({ module: new WebAssembly.Module(readFileSync(join(__dirname, "paysg_validate_bg.wasm"))) });

export * from "./validate.js";
