// `reconcile`: re-reads the payments an e-service still considers open and yields those PaySG
// has changed. Rust decides (src/client/reconcile.rs: the options, whether a stored record can
// be reconciled, which fields differ); this module reads the records (own properties only),
// runs the GETs — the client's getPayment, with its retries and Retry-After — at most
// `concurrency` at a time, and yields results as they complete.
import * as raw from "../gen/paysg.js";
import { encode, own, scalar } from "./encode.js";
import { readSignal } from "./call.js";
import { PaySGError, PaySGValidationError } from "./errors.js";
import { CODES } from "../gen/contract.js";

/** The options a run reads, besides `signal` (Rust checks them: reconcile/mod.rs `check_options`). */
const OPTIONS = ["concurrency"];

/** The fields Rust compares (`FIELDS`), read once. */
let fields;
const fieldNames = () => (fields ??= ["id", ...JSON.parse(raw.reconcileFields())]);

/** The options as Rust reads them: each own option as a scalar; `{ type }` for a non-object. */
function readOptions(options) {
  if (options === undefined || options === null) return {};
  if (typeof options !== "object") return { type: typeof options };
  const out = {};
  for (const name of OPTIONS) {
    try {
      out[name] = scalar(own(options, name));
    } catch {
      out[name] = { "\u0000type": "unreadable" };
    }
  }
  return out;
}

/**
 * A stored record's own `id` and compared fields, for Rust: strings, numbers, booleans, null and
 * Dates as they are (encode marks Dates), anything else as its type; the record itself when it
 * is not an object (Rust names its type).
 */
function readRecord(record) {
  if (typeof record === "function" || typeof record === "symbol") return scalar(record);
  if (record === null || typeof record !== "object") return record;
  try {
    if (Array.isArray(record)) return scalar(record);
  } catch {
    return { "\u0000type": "unreadable" }; // a revoked Proxy
  }
  const out = {};
  for (const name of fieldNames()) {
    try {
      const v = own(record, name);
      out[name] = v instanceof Date ? v : scalar(v);
    } catch {
      out[name] = { "\u0000type": "unreadable" };
    }
  }
  return out;
}

/**
 * Checks the arguments of `reconcile` at once (a PaySGValidationError naming the option or
 * `known`), then returns the run: an async iterable of `{ id, payment, changed }` and
 * `{ id, error }`, in the order the reads complete.
 * @param {(id: string, opts: object) => Promise<object>} getPayment the client's
 */
export function reconcile(getPayment, known, options) {
  const signal = readSignal(options, "reconcile options");
  const read = readOptions(options);
  const r = JSON.parse(raw.reconcileOptions(encode(read)));
  if (!r.ok) throw new PaySGValidationError(r.errors, "reconcile options");
  let source;
  try {
    // A string is iterable, but of characters.
    if (typeof known !== "string") source = known?.[Symbol.asyncIterator]?.call(known) ?? known?.[Symbol.iterator]?.call(known);
  } catch {
    source = undefined;
  }
  if (source === null || typeof source !== "object" || typeof source.next !== "function") {
    const got = known === null ? "null" : typeof known;
    throw new PaySGValidationError([{ field: "known", code: CODES.invalid_type, message: `known must be an iterable or async iterable of stored payments (an array, a generator, a database cursor), got ${got === "object" ? "a non-iterable object" : got}` }], "reconcile arguments");
  }
  return run(getPayment, source, r.concurrency, signal);
}

/** addEventListener's options, with no prototype: a polluted `Object.prototype.signal` is not read. */
const ONCE = Object.freeze({ __proto__: null, once: true });

/** Rejects with `signal`'s reason as soon as it aborts, else settles as `promise` does. */
function abortable(promise, signal) {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, ONCE);
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

async function* run(getPayment, source, concurrency, signal) {
  // One controller for the run's reads: the caller's signal aborts it, and so does leaving the
  // loop early (a `break`), so that no read outlives the run.
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  if (signal?.aborted) controller.abort(signal.reason);
  else signal?.addEventListener("abort", onAbort, ONCE);
  const opts = { signal: controller.signal };
  const inFlight = new Map();
  let index = 0, next = 0, exhausted = false, sourceFailed = false;
  try {
    for (;;) {
      while (!exhausted && inFlight.size < concurrency) {
        let step;
        try {
          step = await abortable(Promise.resolve(source.next()), controller.signal);
        } catch (e) {
          if (!controller.signal.aborted) sourceFailed = true;
          throw e;
        }
        if (step.done) {
          exhausted = true;
          break;
        }
        const key = next++;
        inFlight.set(key, check(getPayment, step.value, index++, opts).then((item) => ({ key, item })));
      }
      if (inFlight.size === 0) return;
      const { key, item } = await abortable(Promise.race(inFlight.values()), controller.signal);
      inFlight.delete(key);
      if (controller.signal.aborted) throw controller.signal.reason;
      if (item !== undefined) yield item;
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    if (!controller.signal.aborted) controller.abort(new PaySGError("reconcile was stopped before it finished", { code: CODES.reconcile_stopped }));
    // Close the source (a database cursor) unless it ended or failed; not awaited when the
    // run was aborted, since a source stuck in `next` would hold the rejection back.
    if (!exhausted && !sourceFailed && typeof source.return === "function") {
      const closing = Promise.resolve().then(() => source.return());
      if (signal?.aborted) closing.catch(() => {});
      else await closing;
    }
  }
}

/**
 * One stored record: undefined when PaySG's payment has not changed, else the item to yield.
 * Never rejects: a read that fails after the client's retries is an `{ id, error }` item.
 */
async function check(getPayment, record, index, opts) {
  const text = encode(readRecord(record));
  const k = JSON.parse(raw.reconcileKnown(text, index));
  if (!k.ok) return { id: k.id, error: new PaySGValidationError(k.errors, `stored payment known[${index}]`) };
  let payment;
  try {
    payment = await getPayment(k.id, opts);
  } catch (error) {
    return { id: k.id, error };
  }
  const c = JSON.parse(raw.reconcileChanges(text, encode(payment), index));
  if (!c.ok) return { id: k.id, error: new PaySGError(c.message, { code: CODES.invalid_response }) };
  return c.changed.length === 0 ? undefined : { id: k.id, payment, changed: c.changed };
}
