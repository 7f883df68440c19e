// How JS values cross into the wasm module as text (see `json::from_js` in src/json.rs).

/**
 * Marks what JSON cannot say, so that Rust sees what the user passed: `NaN` and `±Infinity`
 * (JSON.stringify writes null, which reads as "absent"), a `BigInt` (JSON.stringify throws) and
 * a `Date` (JSON.stringify writes a string, or null for an invalid one). The markers are the
 * one-entry objects `json.rs` reads (`NUMBER_MARKER`, `BIGINT_MARKER`, `DATE_MARKER`).
 */
function replacer(key, v) {
  switch (typeof v) {
    case "number":
      return Number.isFinite(v) ? v : { "\u0000number": String(v) };
    case "bigint":
      return { "\u0000bigint": String(v) };
    case "string":
    case "object": {
      // `this[key]` is the value before its toJSON ran: a Date, valid or not.
      const original = this[key];
      if (original instanceof Date) {
        return { "\u0000date": Number.isNaN(original.getTime()) ? null : original.toISOString() };
      }
    }
  }
  return v;
}

/**
 * Writes any JS value as the text the Rust side reads (see `json::from_js` in src/json.rs):
 * JSON with markers; "" for undefined, functions and symbols; "\0reason" when it cannot be
 * written at all (a cycle, a getter that throws). Never throws.
 */
export function encode(value) {
  try {
    return JSON.stringify(value, replacer) ?? "";
  } catch (e) {
    let reason = "it cannot be converted to JSON";
    try {
      reason = String(e && e.message);
    } catch {
      // a hostile error object: keep the generic reason
    }
    return `\u0000${reason.slice(0, 200)}`;
  }
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * `obj`'s own property `name`, read once, or undefined: an inherited one (a polluted
 * `Object.prototype.baseUrl`, say) is never read. `obj` must not be null or undefined.
 */
export function own(obj, name) {
  return hasOwn.call(obj, name) ? obj[name] : undefined;
}

/**
 * `obj`'s property `name` when `obj` or a prototype of its own class has it (a `URL`'s `href`,
 * an `AbortSignal`'s `aborted` are accessors on their class's prototype), or undefined: nothing
 * is read from `Object.prototype`, where a polluted property would come from.
 */
export function ownOrClass(obj, name) {
  for (let o = obj; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    if (hasOwn.call(o, name)) return obj[name];
  }
  return undefined;
}

/**
 * The text of a URL given as a string, a `URL` (or anything with `href`) or a `Request`;
 * undefined for anything else, and for an object whose `href` or `url` cannot be read (a getter
 * or a Proxy that throws), so that the caller names the argument.
 */
export function urlText(url) {
  if (typeof url === "string") return url;
  if (url === null || typeof url !== "object") return undefined;
  try {
    const href = ownOrClass(url, "href");
    if (typeof href === "string") return href;
    const text = ownOrClass(url, "url");
    return typeof text === "string" ? text : undefined;
  } catch {
    return undefined; // a revoked Proxy, a getter that throws
  }
}

const TYPE = "\u0000type";

/**
 * A value as an error message shows it: a primitive as text, an object or a function by its type
 * (never read: a Proxy or a `toString` that throws cannot break the message).
 */
export function shown(v) {
  if (v === null) return "null";
  return typeof v === "object" || typeof v === "function" ? `an ${typeof v}`.replace("an f", "a f") : String(v);
}

/**
 * A value safe to hand to Rust where a scalar is expected (see src/scalar.rs): strings, numbers,
 * booleans, null and undefined as they are; anything else as `{ "\0type": <its type> }`, so that
 * no object (a cycle, a Proxy, a getter that throws) is read inside the module.
 */
export function scalar(v) {
  const t = typeof v;
  if (t === "string" || t === "number" || t === "boolean" || v === null || v === undefined) return v;
  let type = t;
  try {
    if (t === "object") type = Array.isArray(v) ? "array" : v instanceof Date ? "Date" : "object";
  } catch {
    type = "object"; // a revoked Proxy
  }
  return { [TYPE]: type };
}

/**
 * The named own fields of `obj` as scalars, each read once (a getter that throws reads as
 * unreadable; an inherited field is not read); `{ type }` when `obj` is not an object, for Rust
 * to report. The result has no prototype: Rust reads each field it knows by name, and an absent
 * one must not be found on a polluted `Object.prototype`.
 */
export function scalars(obj, names) {
  const out = Object.create(null);
  if (obj === undefined || obj === null) return out;
  if (typeof obj !== "object") {
    out.type = typeof obj;
    return out;
  }
  for (const n of names) {
    try {
      out[n] = scalar(own(obj, n));
    } catch {
      out[n] = { [TYPE]: "unreadable" };
    }
  }
  return out;
}

/**
 * `scalars(obj, names)` plus `limits` (own, like every field): an object as JSON text (`encode`, which Rust reads as it
 * reads a body: own enumerable keys, getters run once, throwing ones reported), anything else
 * as `scalar` makes it. The options of a client, a call or `buildCreatePaymentRequest`.
 */
export function settings(obj, names) {
  const out = scalars(obj, names);
  if (obj !== undefined && obj !== null && typeof obj === "object") {
    let v;
    try {
      v = own(obj, "limits");
    } catch {
      out.limits = { [TYPE]: "unreadable" };
      return out;
    }
    out.limits = v !== null && typeof v === "object" ? encode(v) : scalar(v);
  }
  return out;
}
