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

/** The text of a URL given as a string, a `URL` (or anything with `href`) or a `Request`. */
export function urlText(url) {
  if (typeof url === "string") return url;
  if (typeof url?.href === "string") return url.href;
  return typeof url?.url === "string" ? url.url : undefined;
}
