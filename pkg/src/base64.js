// Bytes of a wasm module inlined as base64 (browser entries): every bundler — Vite, webpack,
// esbuild, bun — takes a JS string with no extra step, where a .wasm asset needs each one's own
// configuration (esbuild and bun emit none and the page gets a 404).
export function bytes(base64) {
  const text = atob(base64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}
