// Browsers and bundlers (Vite, webpack 5, esbuild, bun, Rollup). The module's bytes are inlined
// (base64.js: every bundler takes them with no extra step); browsers forbid compiling modules
// over 4 KB synchronously on the main thread, so it is instantiated with a top-level await:
// importers still see a ready module, with no init call of their own.
import init from "../gen/paysg.js";
import wasm from "../gen/inline.js";
import { bytes } from "./base64.js";

await init({ module_or_path: bytes(wasm) });

export * from "./surface.js";
