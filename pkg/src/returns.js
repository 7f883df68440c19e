// The payer's return, JS side: gathers confirmReturn's arguments as text for Rust
// (src/client/returns.rs), which reads the return URL as URLSearchParams does, checks the
// expectation and the service, and decides whether the payment PaySG reports is the order's.
import * as raw from "../gen/paysg.js";
import { encode, scalar, urlText } from "./encode.js";
import { PaySGError, PaySGValidationError } from "./errors.js";

const TYPE = "\u0000type";

/**
 * `expected`'s own `paymentId` and `referenceId` as text for Rust: "" when absent,
 * `{"type": …}` when it is not an object (inherited properties are not read).
 */
export function expectedText(expected) {
  if (expected === undefined || expected === null) return "";
  if (typeof expected !== "object") return encode({ type: typeof expected });
  const out = {};
  try {
    if (Array.isArray(expected)) return encode({ type: "array" });
  } catch {
    return encode({ type: "object" }); // a revoked Proxy
  }
  for (const k of ["paymentId", "referenceId"]) {
    try {
      if (Object.prototype.hasOwnProperty.call(expected, k)) out[k] = scalar(expected[k]);
    } catch {
      out[k] = { [TYPE]: "unreadable" };
    }
  }
  return encode(out);
}

/** Rust's refusal `{ code, message }` as the error thrown. */
function refused(r) {
  if (r.errors) return new PaySGValidationError(r.errors, "confirmReturn arguments");
  return new PaySGError(r.message, { code: r.code });
}

/**
 * Before the request: `{ paymentId, paymentServiceId, expected }` (expected as text), or throws
 * every problem of the URL and `expected`, or the service mismatch.
 */
export function startReturn(returnUrl, expected, service) {
  const url = urlText(returnUrl);
  if (typeof url !== "string") {
    throw new PaySGValidationError([{ field: "returnUrl", code: "invalid_type", message: "confirmReturn needs the URL the payer came back on (a string, a URL or a Request)" }], "return URL");
  }
  const exp = expectedText(expected);
  const r = JSON.parse(raw.confirmReturnStart(url, exp, typeof service === "string" ? service : undefined));
  if (!r.ok) throw refused(r);
  return { ...r.value, expected: exp };
}

/** After the answer: returns `payment` when Rust confirms it is the expected one, else throws. */
export function checkReturned(expected, payment) {
  const fields = {
    id: payment?.id,
    reference_id: payment?.reference_id,
    refund_status: payment?.refund_status,
    payment_fully_refunded_timestamp: payment?.payment_fully_refunded_timestamp,
  };
  const r = JSON.parse(raw.confirmReturnCheck(expected, JSON.stringify(fields)));
  if (!r.ok) throw refused(r);
  return payment;
}
