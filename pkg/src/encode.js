// How JS values cross into the wasm module as text (see `json::from_js` in src/json.rs).

const bigintReplacer = (_key, v) => (typeof v === "bigint" ? { "\u0000bigint": String(v) } : v);

/**
 * Writes any JS value as the text the Rust side reads (see `json::from_js` in src/json.rs):
 * JSON; "" for undefined, functions and symbols; "\0reason" when it cannot be written at all.
 * Never throws.
 */
export function encode(value) {
  try {
    return JSON.stringify(value) ?? "";
  } catch {
    // BigInt (named by a marker object), cycles and throwing getters land here.
  }
  try {
    return JSON.stringify(value, bigintReplacer) ?? "";
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

/**
 * Like encode(), but an invalid `Date` as `due_date` (which JSON.stringify would turn into
 * null, i.e. "absent") is handed over as the text "Invalid Date" so that it is reported.
 */
export function encodePayment(input) {
  try {
    const d = input !== null && typeof input === "object" ? input.due_date : undefined;
    if (d instanceof Date && Number.isNaN(d.getTime())) return encode({ ...input, due_date: "Invalid Date" });
  } catch {
    // a throwing getter: encode() reports the input as unreadable
  }
  return encode(input);
}

