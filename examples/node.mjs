// A Node.js script (ESM; `require("paysg")` works the same in CommonJS).
import { version } from "paysg";

console.log(`paysg ${version()} loaded in Node ${process.version}`);
