// The payer's return, JS side: confirmReturn's arguments as text for Rust. Rust
// (src/client/returns/) reads the return URL as URLSearchParams does, checks the expectation
// and the service, plans the GET of the payment and decides, when PaySG answers, whether it is
// the order's payment: `confirmReturn` is one planned call, run by call.js like any other.
import { encode, scalar, urlText } from "./encode.js";

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

/** The return URL's text (a string, a URL's `href`, a Request's `url`), or undefined. */
export function returnUrlText(returnUrl) {
  const url = urlText(returnUrl);
  return typeof url === "string" ? url : undefined;
}
