// Browsers, bundlers (Vite, webpack 5, Rollup) and Deno. Browsers forbid synchronous compilation
// of modules over 4 KB on the main thread, so the module is fetched and instantiated with a
// top-level await: importers still see a ready module, with no init call of their own.
// `new URL("./paysg_bg.wasm", import.meta.url)` is the pattern bundlers recognise as an asset.
import init from "../gen/paysg.js";

await init({ module_or_path: new URL("./paysg_bg.wasm", import.meta.url) });

export * from "./api.js";
