// Webhooks and the return flow: verify PaySG-Signature synchronously (the rules in the wasm
// module everywhere; the HMAC there too, or the host's where the entry installs one: Node), sign
// for tests, and read the return URL.
import * as raw from "../gen/paysg.js";
import { PaySGError, PaySGSignatureError, PaySGValidationError } from "./errors.js";
import { bytes, scratch } from "./input-buffer.js";
import { CODES, DEFAULT_TOLERANCE_S, MAX_WEBHOOK_BODY } from "../gen/contract.js";
import { ownOrClass, urlText } from "./encode.js";
import { readBody } from "./webhook-body.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** Bodies up to this many bytes go through the shared buffer; larger ones are copied in. */
const MAX_SCRATCH = MAX_WEBHOOK_BODY;
/**
 * The kind and length of a typed array, read through the platform's own getters: a Proxy or an
 * own `length` getter on the body would run user code while the body is in the shared buffer
 * (a re-entrant verifyWebhook would overwrite it). A Proxy is not a typed array here.
 */
const TypedArray = Object.getPrototypeOf(Uint8Array.prototype);
const typedArrayKind = Object.getOwnPropertyDescriptor(TypedArray, Symbol.toStringTag).get;
const typedArrayLength = Object.getOwnPropertyDescriptor(TypedArray, "length").get;

/** Where the header's timestamp probably is (Rust checks it is the one it reads). */
const T_PART = /(?:^|,)\s*t\s*=\s*(\d{1,16})\s*(?=,|$)/;

/**
 * HMAC-SHA256 from the host, `(secret, t, body) => Uint8Array(32)` over `"<t>.<body>"`, when
 * it has a fast native one (Node). Without it, the wasm module computes it.
 */
let hostHmac;

/** Installs the host's HMAC (the Node entry does). */
export function useHostHmac(f) {
  hostHmac = f;
}
/** The kind Rust reads of a value (src/webhook/arguments.rs): its `typeof`, or "null". */
export const kindOf = (v) => (v === null ? "null" : typeof v);
/** The kinds `webhookVerifyRefusal` takes, by `typeof` name (no string crosses per call). */
const K = raw.WebhookKind;
const KIND = { __proto__: null, undefined: K.Undefined, null: K.Null, string: K.String, number: K.Number, bigint: K.Bigint, boolean: K.Boolean, symbol: K.Symbol, function: K.Function, object: K.Object };
/** A string's length for Rust's "non-empty string" rule; 0 for anything else. */
const lengthOf = (v) => (typeof v === "string" ? v.length : 0);

/** The error a refusal decided in Rust (`Refusal::to_json`) stands for. */
export function refusal(json) {
  const r = JSON.parse(json);
  if (r.class === "PaySGSignatureError") return new PaySGSignatureError(r.reason, r.message);
  return new PaySGValidationError(r.errors, r.context);
}

/**
 * `options`' own properties `names`, each read once (inherited ones are not read); undefined
 * when they cannot be read (a getter or a Proxy threw).
 */
function readOptions(options, names) {
  const out = Object.create(null); // nothing inherited: a polluted Object.prototype.toleranceSeconds is not an option
  if (options === undefined || options === null) return out;
  try {
    for (const n of names) if (Object.prototype.hasOwnProperty.call(options, n)) out[n] = options[n];
  } catch {
    return undefined;
  }
  return out;
}

/** A body as given: a string, the bytes of a Uint8Array or ArrayBuffer, or undefined (a Proxy too). */
function bodyOf(rawBody) {
  if (typeof rawBody === "string") return rawBody;
  // A typed array's kind comes from its internal slot: no Proxy trap or user getter runs, so every
  // user value is read before the body goes into the shared buffer.
  if (typedArrayKind.call(rawBody) === "Uint8Array") return rawBody;
  try {
    if (rawBody instanceof ArrayBuffer) return new Uint8Array(rawBody);
  } catch {
    // a Proxy whose getPrototypeOf throws: not a body
  }
  return undefined;
}

/** A header's value as text: a string, or strings (repeated headers); undefined for anything else. */
function headerText(v) {
  if (typeof v === "string") return v;
  if (v == null) return "";
  if (Array.isArray(v) && v.length <= 16 && v.every((x) => typeof x === "string")) return v.join(",");
  return undefined;
}

/**
 * The header value from a string, a `Headers` object or a plain headers object (Node's
 * `req.headers`): text; "" when absent; undefined when it is there but not text; null when
 * `header` is none of these.
 */
function headerValue(header) {
  if (header == null) return "";
  if (typeof header === "string") return header;
  if (typeof header !== "object") return null;
  try {
    // A Headers' get (its class's), never one found on Object.prototype; a record's own keys.
    if (typeof ownOrClass(header, "get") === "function") return headerText(header.get("paysg-signature"));
    for (const k of Object.keys(header)) if (k.toLowerCase() === "paysg-signature") return headerText(header[k]);
    return "";
  } catch {
    return undefined; // a Proxy or a getter that throws
  }
}

/**
 * Verifies a webhook and returns its event. Synchronous.
 * @param {string | Uint8Array | ArrayBuffer} rawBody the body exactly as received
 * @param {string | Headers | Record<string, string> | null | undefined} signatureHeader
 * @param {string} secret
 * @param {{ toleranceSeconds?: number, now?: number | Date }} [options]
 */
export function verifyWebhook(rawBody, signatureHeader, secret, options = {}) {
  const read = readOptions(options, ["toleranceSeconds", "now"]);
  const { toleranceSeconds = DEFAULT_TOLERANCE_S, now } = read ?? {};
  let nowMs = now;
  try {
    nowMs = now === undefined ? Date.now() : now instanceof Date ? now.getTime() : now;
  } catch {
    // a Proxy: refused by Rust as not a number
  }
  const header = headerValue(signatureHeader);
  const isString = typeof rawBody === "string";
  const body = bodyOf(rawBody);
  const bodyKind = isString ? K.String : body !== undefined ? K.Bytes : KIND[kindOf(rawBody)];
  const size = body === undefined ? 0 : isString ? body.length : typedArrayLength.call(body);
  // The argument rules are Rust's (src/webhook/arguments.rs); undefined means "verify".
  const refused = raw.webhookVerifyRefusal(KIND[kindOf(secret)], lengthOf(secret), read === undefined ? K.Unreadable : KIND[kindOf(options)],
    KIND[typeof toleranceSeconds], typeof toleranceSeconds === "number" ? toleranceSeconds : 0, KIND[typeof nowMs], typeof nowMs === "number" ? nowMs : 0,
    header === null ? K.NotAHeader : header === undefined ? K.NotText : K.Text, bodyKind, size);
  if (refused !== undefined) throw refusal(refused);
  let outcome;
  const need = isString ? size * 3 : size;
  if (need <= MAX_SCRATCH) {
    // The body goes straight into wasm memory: TextEncoder.encodeInto is native, where
    // wasm-bindgen's own string passing copies ASCII a character at a time in JS.
    scratch(need);
    let len = size;
    if (isString) len = encoder.encodeInto(body, bytes).written;
    else bytes.set(body);
    if (hostHmac !== undefined) {
      // Node: the host's HMAC (OpenSSL) over the timestamp found here; Rust checks that it is
      // the header's own t, compares, checks the time and the event, or says "ask verify".
      const t = T_PART.exec(header)?.[1];
      let mac;
      try {
        if (t !== undefined) mac = hostHmac(secret, t, body);
      } catch {
        // the host refused: the wasm HMAC below decides
      }
      if (mac !== undefined && raw.webhookVerifiedWithMac(len, header, t, mac, toleranceSeconds, nowMs)) {
        return JSON.parse(isString ? body : decoder.decode(body));
      }
    }
    outcome = raw.verifyWebhookScratch(len, header, secret, toleranceSeconds, nowMs);
  } else {
    outcome = raw.verifyWebhookBytes(isString ? encoder.encode(body) : body, header, secret, toleranceSeconds, nowMs);
  }
  const r = JSON.parse(outcome);
  if (!r.ok) throw new PaySGSignatureError(r.reason, r.message);
  if (r.event) return r.event;
  return JSON.parse(isString ? body : decoder.decode(body));
}

/**
 * A `PaySG-Signature` header value for a body, so handlers can be tested.
 * @param {string | Uint8Array} rawBody
 * @param {string} secret
 * @param {{ timestamp?: number | string }} [options] written into `t=` exactly as given;
 *   default `Date.now()` (milliseconds, as paysg-sim signs)
 */
export function signWebhook(rawBody, secret, options = {}) {
  const read = readOptions(options, ["timestamp"]);
  const timestamp = read?.timestamp;
  const t = typeof timestamp;
  const ts = t === "number" || t === "string" || t === "bigint" ? String(timestamp) : timestamp === undefined || timestamp === null ? String(Date.now()) : "";
  const body = bodyOf(rawBody);
  // A defined body that is not a string nor a Uint8Array was an ArrayBuffer (bodyOf's copy).
  const bodyKind = typeof body === "string" ? "string" : body === undefined ? kindOf(rawBody) : body === rawBody ? "bytes" : "array_buffer";
  const refused = raw.webhookSignRefusal(kindOf(secret), lengthOf(secret), read === undefined ? "unreadable" : kindOf(options), ts, bodyKind);
  if (refused !== undefined) throw refusal(refused);
  return raw.signWebhookBytes(typeof body === "string" ? encoder.encode(body) : body, secret, ts);
}

/**
 * Reads a webhook request's body once — as a stream, cancelled as soon as it passes 1 MiB, so a
 * huge body is refused before it is buffered — verifies the bytes, and returns
 * `{ event, rawBody }` (`rawBody` as text).
 * @param {Request} request a Fetch API Request (Workers, Node, Deno, Bun)
 * @param {string} secret
 * @param {{ toleranceSeconds?: number, now?: number | Date }} [options]
 */
export async function verifyWebhookRequest(request, secret, options) {
  let header;
  let isRequest = true;
  try {
    // A Request's members and its Headers' get are its class's, never Object.prototype's.
    const headers = request !== null && typeof request === "object" ? ownOrClass(request, "headers") : undefined;
    if (typeof ownOrClass(request, "text") !== "function" || headers == null || typeof ownOrClass(headers, "get") !== "function") throw request;
    header = headers.get("paysg-signature");
  } catch {
    isRequest = false;
  }
  const read = readOptions(options, ["toleranceSeconds", "now"]);
  const refused = raw.webhookRequestRefusal(isRequest, kindOf(secret), lengthOf(secret), read === undefined ? "unreadable" : kindOf(options));
  if (refused !== undefined) throw refusal(refused);
  let body;
  try {
    body = await readBody(request);
  } catch (e) {
    if (e instanceof PaySGSignatureError) throw e;
    throw new PaySGError("the request's body could not be read (the sender hung up, or it was read already)", { code: CODES.unreadable_body, cause: e });
  }
  const event = verifyWebhook(body, header, secret, options);
  return { event, rawBody: decoder.decode(body) };
}

/**
 * `{ paymentId, paymentServiceId }` from the URL PaySG sent the payer back on, read as
 * `new URL(url).searchParams` reads it (src/client/returns/url.rs: every rule, the refusal of an
 * argument that is no URL included); a parameter given twice is refused.
 * It says nothing about the payment: `PaySG.confirmReturn` checks it is the order's.
 */
export function parseReturnUrl(url) {
  // The URL's text, or undefined for anything else: Rust refuses that too, and says how.
  const answer = raw.parseReturnUrlText(urlText(url));
  const r = JSON.parse(answer);
  if (r.ok !== true) throw refusal(answer);
  return r.value;
}
