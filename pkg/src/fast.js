// The fast path of validateCreatePayment (its Rust side and layout: src/fast/mod.rs). For a
// plain input, the strings go into wasm memory with one encodeInto and the answer is a word: the
// fields kept, or the problems (listed in the header, their text in the buffer). The rules run in
// Rust, which also checks every invariant of the encoding; this module only routes and copies,
// and everything it knows about fields and layout comes from gen/contract.js (generated from
// Rust). Any other shape returns undefined: the caller takes the JSON path.
import * as raw from "../gen/paysg.js";
import {
  ABSENT, AMOUNT, buildValue, CODE_ORDER, DETAILS, DUE_DATE_REWRITTEN, FIELDS, INVALID,
  LENGTH_ONLY_MAX, LENGTH_ONLY_MIN, LINE_ITEMS, MAX_FAST_METADATA, MAX_INPUT_CHARS, METADATA,
  METADATA_LENGTHS, FIRST_CHARS, readFields, STRING_FIELDS, TEXT_FIELDS, TEXT_METADATA, TEXT_RULES,
  wellFormed,
} from "../gen/contract.js";
import { bytes, header, scratch } from "./input-buffer.js";

const N = FIELDS.length;
const hasOwn = Object.prototype.hasOwnProperty;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
/**
 * The input's values by field index (of the fields present), reused from call to call. A
 * getter read while filling it may call back into paysg: the re-entrant call then finds it taken
 * and uses a fresh array (`take`), so that no call overwrites another's values.
 */
let spare = new Array(N).fill(undefined);

/** The values array, or a fresh one when a call further out holds it. */
function take() {
  const vals = spare ?? new Array(N).fill(undefined);
  spare = undefined;
  return vals;
}

/**
 * `{ ok, value }` or `{ ok: false, errors }` for a plain input; undefined to take the JSON path.
 * Never throws.
 */
export function fastValidate(input) {
  const vals = take();
  try {
    // Every user value is read (getters run) before wasm memory is written: from here on, no
    // user code runs until the answer is read out.
    const plain = read(input, vals);
    if (plain === undefined) return undefined;
    let answer = run(vals, plain, false);
    if (answer & INVALID && !(answer & DETAILS)) answer = run(vals, plain, true);
    if (answer & INVALID) return answer & DETAILS ? problems(answer & ~(INVALID | DETAILS)) : undefined;
    const dueDate = answer & DUE_DATE_REWRITTEN ? decoder.decode(bytes.subarray(0, 11)) : undefined;
    return { ok: true, value: buildValue(answer & ~DUE_DATE_REWRITTEN, vals, plain.md, dueDate) };
  } catch {
    return undefined;
  } finally {
    spare = vals;
  }
}

/**
 * Writes a plain create-payment body into wasm memory, every text in full, for the client's
 * plan (Rust checks and normalises it there): `{ len, amount }`, or undefined when the body is
 * not plain (it then crosses as JSON). Never throws.
 */
export function writeBody(input) {
  const vals = take();
  try {
    const plain = read(input, vals);
    if (plain === undefined) return undefined;
    const len = write(vals, plain, true);
    return len < 0 ? undefined : { len, amount: plain.amount ?? 0 };
  } catch {
    return undefined;
  } finally {
    spare = vals;
  }
}

/**
 * A plain input's strings (a mask; their values in `vals`), metadata copy and amount. Only own
 * properties are read.
 */
function read(input, vals) {
  if (input === null || typeof input !== "object" || Object.getPrototypeOf(input) !== Object.prototype) return undefined;
  // Own enumerable keys (what JSON.stringify would write), each value read once. Any other key
  // takes the JSON path, which reports it.
  const present = readFields(input, vals);
  if (present < 0) return undefined;
  const amount = present & (1 << AMOUNT) ? vals[AMOUNT] : undefined;
  let md;
  if (present & (1 << METADATA)) {
    // Our own copy: getters run once, and it is what `value` returns (symbol keys, which
    // JSON and so PaySG never see, are copied along). `for…in` also walks a polluted
    // Object.prototype: an inherited key takes the JSON path, so that `write` (no user code
    // runs in between) meets only the copy's own keys.
    md = { ...vals[METADATA] };
    let n = 0;
    for (const k in md) {
      if (!hasOwn.call(md, k) || typeof md[k] !== "string" || !wellFormed(k) || !wellFormed(md[k]) || ++n > MAX_FAST_METADATA) return undefined;
    }
  }
  return { strings: present & STRING_FIELDS, md, amount };
}

/** The code of a string's first character when it may go by length only (printable non-space ASCII); -1 otherwise. */
function firstChar(v) {
  const c = v.charCodeAt(0);
  return c >= LENGTH_ONLY_MIN && c <= LENGTH_ONLY_MAX ? c : -1;
}

/**
 * Writes the strings into wasm memory and runs the rules. Lean (`full` false): a string whose
 * rules need only its length goes by its length and first character (in the header) alone;
 * full: every text, for the problems' messages.
 */
function run(vals, plain, full) {
  const len = write(vals, plain, full);
  return len < 0 ? INVALID : raw.fastValidate(plain.amount === undefined ? 0 : plain.amount, len);
}

/** Writes the encoding (header and buffer); the bytes written, or -1 when too long. */
function write(vals, { strings, md, amount }, full) {
  // Current views (growing memory detaches them); the header stays where it is when the buffer
  // grows below, so it can be written first.
  scratch(0);
  const h = header;
  let s = "";
  let fieldText = 0, metadataText = 0;
  for (let i = 0; i < N; i++) {
    if (!(strings & (1 << i))) {
      h[i] = ABSENT;
      continue;
    }
    const v = vals[i];
    h[i] = v.length;
    const c = full || TEXT_RULES & (1 << i) ? -1 : firstChar(v);
    if (c < 0) {
      s += v;
      fieldText |= 1 << i;
    } else {
      h[FIRST_CHARS + i] = c;
    }
  }
  h[AMOUNT] = amount === undefined ? ABSENT : 1;
  h[LINE_ITEMS] = ABSENT;
  let j = 0;
  if (md !== undefined) {
    for (const k in md) {
      const v = md[k];
      h[METADATA_LENGTHS + j] = k.length;
      h[METADATA_LENGTHS + j + 1] = v.length;
      const ck = full ? -1 : firstChar(k);
      if (ck < 0) {
        s += k;
        metadataText |= 1 << j;
      } else {
        h[FIRST_CHARS + N + j] = ck;
      }
      const cv = full ? -1 : firstChar(v);
      if (cv < 0) {
        s += v;
        metadataText |= 1 << (j + 1);
      } else {
        h[FIRST_CHARS + N + j + 1] = cv;
      }
      j += 2;
    }
  }
  h[METADATA] = md === undefined ? ABSENT : j / 2;
  h[TEXT_FIELDS] = fieldText;
  h[TEXT_METADATA] = metadataText;
  if (s.length > MAX_INPUT_CHARS) return -1;
  scratch(s.length * 3);
  return s.length === 0 ? 0 : encoder.encodeInto(s, bytes).written;
}

/** Reads the problems Rust wrote: `len` bytes of text, lengths in the header. */
function problems(len) {
  const text = decoder.decode(bytes.subarray(0, len));
  const n = header[0];
  const errors = new Array(n);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const code = CODE_ORDER[header[1 + 3 * i]];
    const f = header[2 + 3 * i], m = header[3 + 3 * i];
    if (code === undefined) return undefined;
    errors[i] = { field: text.slice(pos, pos + f), code, message: text.slice(pos + f, pos + f + m) };
    pos += f + m;
  }
  return { ok: false, errors };
}
