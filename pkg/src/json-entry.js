// One call into a JSON-text entry point (src/json_entry.rs) of either wasm module (the full one,
// or paysg/validate's): the input's JSON text in, a result object out, never a throw.
import { MAX_INPUT_CHARS, PROBLEMS } from "../gen/contract.js";

function failure(message, code = PROBLEMS.invalid_type) {
  return { ok: false, errors: [{ field: "", code, message }] };
}

/** Calls a raw text export; a result object, never a throw. */
export function call(fn, ...texts) {
  for (const t of texts) {
    if (t.length > MAX_INPUT_CHARS) {
      return failure(`the input is ${t.length} characters as JSON; paysg accepts at most ${MAX_INPUT_CHARS}`, PROBLEMS.too_long);
    }
  }
  try {
    return JSON.parse(fn(...texts));
  } catch (e) {
    return failure(`paysg could not validate this input (${e && e.name})`);
  }
}

