// verifyCredentials' I/O: Rust checks the options and plans the one call
// (src/client/verify.rs, crates/wasm/src/client/verify.rs); this runs it through the client's loop
// (call.js) and hands back how it ended, for Rust to say what that means.
import { run } from "./call.js";
import { randomBytes } from "./platform.js";

/**
 * Runs a verification (`Verification` from Rust) to its report. Rejects only when `signal` (an
 * AbortSignal, from `readSignal`) aborts (with its reason), as every call does. With the
 * client's listeners (`events`), its one attempt is reported to them like any other call's
 * (operation `listPayments`: it is one).
 */
export async function verifyWith(v, fetchImpl, signal, events) {
  try {
    if (signal?.aborted) throw signal.reason;
    const planned = v.plan(randomBytes(), Date.now());
    if (planned === undefined) return v.report("skipped", 0, undefined, 0);
    const client = v.client();
    try {
      await run(client, planned, fetchImpl, signal, events, Date.now());
      return v.report("", 0, undefined, 0);
    } catch (e) {
      if (signal?.aborted && e === signal.reason) throw e;
      return v.report(...ending(e));
    } finally {
      client.free();
    }
  } finally {
    v.free();
  }
}

/** How a call that threw ended, as `Verification.report` reads it. */
function ending(e) {
  try {
    const status = typeof e?.status === "number" ? e.status : 0;
    const message = typeof e?.message === "string" ? e.message : String(e);
    const timeoutMs = typeof e?.timeoutMs === "number" ? e.timeoutMs : 0;
    return [typeof e?.name === "string" ? e.name : "Error", status, message, timeoutMs];
  } catch {
    return ["Error", 0, "the call failed", 0];
  }
}
