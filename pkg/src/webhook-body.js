// Reading a webhook request's body with a limit: the body is pulled from its stream chunk by
// chunk and the stream is cancelled as soon as it passes the limit, so a huge body costs at most
// the limit (plus one chunk) of memory, never its whole size.
import * as raw from "../gen/paysg.js";
import { PaySGSignatureError } from "./errors.js";
import { MAX_WEBHOOK_BODY } from "../gen/contract.js";
import { ownOrClass } from "./encode.js";

/** The largest webhook body read, in bytes (1 MiB, the limit `verifyWebhook` applies). */
export const MAX_BODY_BYTES = MAX_WEBHOOK_BODY;

function tooLarge(size) {
  const r = JSON.parse(raw.webhookBodyTooLarge(size));
  return new PaySGSignatureError(r.reason, r.message);
}

/**
 * The bytes of a Fetch `Request`'s body, at most `MAX_BODY_BYTES`.
 * @param {Request} request
 * @returns {Promise<Uint8Array>}
 * @throws {PaySGSignatureError} `invalid_payload` when the body is larger (a `Content-Length`
 *   over the limit is refused without reading anything; a body that streams past it is cancelled)
 */
export async function readBody(request) {
  // The Request's own members or its class's, never Object.prototype's.
  const stream = ownOrClass(request, "body");
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
    stream?.cancel().catch(() => {});
    throw tooLarge(declared);
  }
  if (stream == null) {
    // Not a stream (an object with only text()): read it, then check it.
    if (typeof ownOrClass(request, "arrayBuffer") === "function") {
      const b = new Uint8Array(await request.arrayBuffer());
      if (b.byteLength > MAX_BODY_BYTES) throw tooLarge(b.byteLength);
      return b;
    }
    const b = new TextEncoder().encode(await request.text());
    if (b.byteLength > MAX_BODY_BYTES) throw tooLarge(b.byteLength);
    return b;
  }
  const reader = stream.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const chunk = value instanceof Uint8Array ? value : new Uint8Array(value);
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) {
      // Stop the sender: nothing more is pulled or kept.
      reader.cancel().catch(() => {});
      throw tooLarge(size);
    }
    chunks.push(chunk);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
