// `paysg/validate` in browsers and bundlers: the small module, inlined (see entry-browser.js).
import init from "../gen/validate/paysg_validate.js";
import wasm from "../gen/validate/inline.js";
import { bytes } from "./base64.js";

await init({ module_or_path: bytes(wasm) });

export * from "./validate.js";
