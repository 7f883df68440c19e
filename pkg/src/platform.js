// What only the JS platform knows, for Rust to use: random bytes and the runtime's name. A leaf
// module: the client (client.js), verifyCredentials (verify.js) and the request builder
// (surface.js) take them from here, so none of them imports another for them.

/** What this code runs in, for the `x-paysg-client` header (worked out once). */
let runtimeName;
export function runtime() {
  return (runtimeName ??= detectRuntime());
}
function detectRuntime() {
  const g = globalThis;
  if (g.navigator?.userAgent === "Cloudflare-Workers") return "workerd";
  if (g.Deno?.version) return `deno ${g.Deno.version.deno}`;
  if (g.Bun?.version) return `bun ${g.Bun.version}`;
  if (g.process?.versions?.node) return `node ${g.process.version}`;
  return "browser";
}

/**
 * 16 bytes from the platform's CSPRNG (Rust makes the idempotency key of them), taken from a
 * pool: one getRandomValues call costs ≈ 4 µs in Node, a quarter of a call's own work.
 */
const pool = new Uint8Array(4096);
let poolAt = pool.length;
export function randomBytes() {
  if (poolAt === pool.length) {
    globalThis.crypto.getRandomValues(pool);
    poolAt = 0;
  }
  poolAt += 16;
  return pool.subarray(poolAt - 16, poolAt);
}
