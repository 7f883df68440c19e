// `paysg/validate`: validation only, over the small module (validate/, built for size). The same
// rules and results as `paysg`'s validateCreatePayment and validateRefund (the same Rust,
// through the JSON path: the tests compare the two on generated inputs).
import * as raw from "../gen/validate/paysg_validate.js";
import { encode } from "./encode.js";
import { call } from "./json-entry.js";

/**
 * Checks a create-payment body against PaySG's rules, under the options `{ normaliseText?,
 * limits? }` when given. Never throws.
 * @returns `{ ok: true, value }` with the normalised body, or `{ ok: false, errors }` listing
 *   every problem as `{ field, code, message }`.
 */
export function validateCreatePayment(input, options) {
  return call(raw.validateCreatePaymentText, encode(input), options === undefined || options === null ? "" : encode(options));
}

/** Checks a refund body `{ refund_amount_in_cents }`. Never throws. */
export function validateRefund(input) {
  return call(raw.validateRefundText, encode(input));
}

/** The SDK version. */
export function version() {
  return raw.version();
}
