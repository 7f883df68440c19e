// One buffer in wasm memory that JS writes text into with TextEncoder.encodeInto (native, no
// allocation) for the fast validation path and for webhook bodies, plus the fast path's header
// words. Its address is fixed until it grows; growing wasm memory detaches old views.
import * as raw from "../gen/paysg.js";
import { HEADER_WORDS } from "../gen/contract.js";

const MIN_BYTES = 16384;
let memory, bytesPtr = 0, bytesCap = 0;
/** The fast path's header words — valid after `scratch()`. */
export let header;
/** The buffer's bytes — valid after `scratch()`. */
export let bytes;

/** Makes the buffer hold at least `need` bytes and the views current. */
export function scratch(need) {
  if (memory === undefined) memory = raw.fastMemory();
  if (need > bytesCap || bytesCap === 0) {
    bytesCap = Math.max(need, MIN_BYTES);
    bytesPtr = raw.fastBytes(bytesCap);
    bytes = undefined;
  }
  // A detached view has length 0 (cheaper to test than comparing buffers, which goes through
  // C++ getters).
  if (bytes === undefined || bytes.byteLength === 0) {
    header = new Uint32Array(memory.buffer, raw.fastHeader(), HEADER_WORDS);
    bytes = new Uint8Array(memory.buffer, bytesPtr, bytesCap);
  }
}
