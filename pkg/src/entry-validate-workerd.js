// `paysg/validate` in Cloudflare Workers: the small module, imported as a compiled module.
import wasmModule from "../gen/validate/paysg_validate_bg.wasm";
import { initSync } from "../gen/validate/paysg_validate.js";

initSync({ module: wasmModule });

export * from "./validate.js";
