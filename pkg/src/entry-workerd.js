// Cloudflare Workers (workerd) and other runtimes that import .wasm files as compiled modules.
// workerd forbids compiling wasm from bytes and has no usable import.meta.url, so the module
// arrives as a WebAssembly.Module through the import and is instantiated synchronously.
import wasmModule from "../gen/paysg_bg.wasm";
import { initSync } from "../gen/paysg.js";

initSync({ module: wasmModule });

export * from "./surface.js";
