// The validators a user would otherwise write for a create-payment body, with the same rules as
// paysg (../README.md "Validation rules"), as close as each library allows: zod 4, valibot 1,
// ajv 8 (compiled JSON Schema) and a hand-written plain-JS function (the JS limit). They are
// benchmark peers only; paysg's own rules live in Rust.
import { z } from "zod";
import * as v from "valibot";
import Ajv from "ajv";

const EMAIL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,}$/;
const DUE_DATE = /^(0[1-9]|[12][0-9]|3[01])-(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)-[0-9]{4}$/i;
const HTTPS_URL = /^https:\/\/[^\s/?#]+[^\s]*$/i;
const NOT_BLANK = /\S/;
const ASCII = /^[\x00-\x7f]*$/;

export const zodSchema = z.strictObject({
  reference_id: z.string().max(255).regex(NOT_BLANK),
  payer_name: z.string().max(255).regex(NOT_BLANK).regex(ASCII),
  payer_address: z.string().max(255).regex(ASCII).optional(),
  payer_identifier: z.string().max(10).optional(),
  payer_email: z.string().max(255).regex(EMAIL).optional(),
  description: z.string().max(500).regex(NOT_BLANK),
  amount_in_cents: z.number().int().min(1).max(20_000_000),
  due_date: z.string().regex(DUE_DATE).optional(),
  metadata: z.record(z.string().max(40), z.string().max(255)).refine((m) => Object.keys(m).length <= 10).optional(),
  return_url: z.string().regex(HTTPS_URL).optional(),
});

export const valibotSchema = v.strictObject({
  reference_id: v.pipe(v.string(), v.maxLength(255), v.regex(NOT_BLANK)),
  payer_name: v.pipe(v.string(), v.maxLength(255), v.regex(NOT_BLANK), v.regex(ASCII)),
  payer_address: v.optional(v.pipe(v.string(), v.maxLength(255), v.regex(ASCII))),
  payer_identifier: v.optional(v.pipe(v.string(), v.maxLength(10))),
  payer_email: v.optional(v.pipe(v.string(), v.maxLength(255), v.regex(EMAIL))),
  description: v.pipe(v.string(), v.maxLength(500), v.regex(NOT_BLANK)),
  amount_in_cents: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(20_000_000)),
  due_date: v.optional(v.pipe(v.string(), v.regex(DUE_DATE))),
  metadata: v.optional(v.pipe(v.record(v.pipe(v.string(), v.maxLength(40)), v.pipe(v.string(), v.maxLength(255))), v.check((m) => Object.keys(m).length <= 10))),
  return_url: v.optional(v.pipe(v.string(), v.regex(HTTPS_URL))),
});

const str = (maxLength, extra = {}) => ({ type: "string", maxLength, ...extra });
export const jsonSchema = {
  type: "object",
  additionalProperties: false,
  required: ["reference_id", "payer_name", "description", "amount_in_cents"],
  properties: {
    reference_id: str(255, { pattern: "\\S" }),
    payer_name: str(255, { pattern: "^(?=[\\x00-\\x7f]*$)[\\s\\S]*\\S" }),
    payer_address: str(255, { pattern: "^[\\x00-\\x7f]*$" }),
    payer_identifier: str(10),
    payer_email: str(255, { pattern: EMAIL.source }),
    description: str(500, { pattern: "\\S" }),
    amount_in_cents: { type: "integer", minimum: 1, maximum: 20_000_000 },
    due_date: { type: "string", pattern: "^(0[1-9]|[12][0-9]|3[01])-([Jj][Aa][Nn]|[Ff][Ee][Bb]|[Mm][Aa][Rr]|[Aa][Pp][Rr]|[Mm][Aa][Yy]|[Jj][Uu][Nn]|[Jj][Uu][Ll]|[Aa][Uu][Gg]|[Ss][Ee][Pp]|[Oo][Cc][Tt]|[Nn][Oo][Vv]|[Dd][Ee][Cc])-[0-9]{4}$" },
    metadata: { type: "object", maxProperties: 10, propertyNames: { maxLength: 40 }, additionalProperties: str(255) },
    return_url: { type: "string", pattern: HTTPS_URL.source },
  },
};
export const ajvValidate = new Ajv({ allErrors: true, unicodeRegExp: false }).compile(jsonSchema);

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const FIELDS = new Set(["reference_id", "payer_name", "payer_address", "payer_identifier", "payer_email", "description", "amount_in_cents", "due_date", "metadata", "line_items", "return_url"]);

/** Hand-written: every rule, all problems collected, the way a careful engineer writes it. */
export function handWritten(p) {
  const errors = [];
  if (p === null || typeof p !== "object" || Array.isArray(p)) return { ok: false, errors: [{ field: "", code: "invalid_type" }] };
  for (const k in p) if (!FIELDS.has(k)) errors.push({ field: k, code: "unknown_field" });
  const req = (f, max) => {
    const s = p[f];
    if (s == null) errors.push({ field: f, code: "required" });
    else if (typeof s !== "string") errors.push({ field: f, code: "invalid_type" });
    else if (!NOT_BLANK.test(s)) errors.push({ field: f, code: "empty" });
    else if (s.length > max) errors.push({ field: f, code: "too_long" });
  };
  const opt = (f, max) => {
    const s = p[f];
    if (s == null || s === "") return false;
    if (typeof s !== "string") { errors.push({ field: f, code: "invalid_type" }); return false; }
    if (s.length > max) { errors.push({ field: f, code: "too_long" }); return false; }
    return true;
  };
  req("reference_id", 255);
  req("payer_name", 255);
  if (typeof p.payer_name === "string" && !ASCII.test(p.payer_name)) errors.push({ field: "payer_name", code: "non_ascii" });
  if (opt("payer_address", 255) && !ASCII.test(p.payer_address)) errors.push({ field: "payer_address", code: "non_ascii" });
  opt("payer_identifier", 10);
  if (opt("payer_email", 255) && !EMAIL.test(p.payer_email)) errors.push({ field: "payer_email", code: "invalid_email" });
  req("description", 500);
  const a = p.amount_in_cents;
  if (a == null) errors.push({ field: "amount_in_cents", code: "required" });
  else if (typeof a !== "number") errors.push({ field: "amount_in_cents", code: "invalid_type" });
  else if (!Number.isInteger(a)) errors.push({ field: "amount_in_cents", code: "not_integer" });
  else if (a < 1 || a > 20_000_000) errors.push({ field: "amount_in_cents", code: "out_of_range" });
  if (opt("due_date", 11)) {
    const m = DUE_DATE.exec(p.due_date);
    if (!m) errors.push({ field: "due_date", code: "invalid_format" });
    else {
      const day = +m[1], mon = MONTHS.indexOf(m[2].toUpperCase()), y = +p.due_date.slice(7);
      const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
      if (day > DAYS[mon] || (mon === 1 && day === 29 && !leap)) errors.push({ field: "due_date", code: "invalid_date" });
    }
  }
  const md = p.metadata;
  if (md != null) {
    if (typeof md !== "object" || Array.isArray(md)) errors.push({ field: "metadata", code: "invalid_type" });
    else {
      let n = 0;
      for (const k in md) {
        n++;
        const val = md[k];
        if (!NOT_BLANK.test(k)) errors.push({ field: `metadata.${k}`, code: "empty" });
        else if (k.length > 40) errors.push({ field: `metadata.${k}`, code: "too_long" });
        if (typeof val !== "string") errors.push({ field: `metadata.${k}`, code: "invalid_type" });
        else if (val.length > 255) errors.push({ field: `metadata.${k}`, code: "too_long" });
      }
      if (n > 10) errors.push({ field: "metadata", code: "too_many_entries" });
    }
  }
  if (opt("return_url", Infinity) && !HTTPS_URL.test(p.return_url)) errors.push({ field: "return_url", code: "not_https" });
  return errors.length ? { ok: false, errors } : { ok: true, value: p };
}

/** The three payloads of the benchmarks issue. */
export const payloads = {
  typical: {
    reference_id: "INV-2024-000123", payer_name: "Tan Ah Kow", payer_email: "ahkow.tan@example.com",
    description: "Renewal of licence ABC-123 for 2024", amount_in_cents: 12550, due_date: "31-DEC-2024",
    return_url: "https://agency.gov.sg/payments/return", metadata: { branch_code: "B01", case_id: "C-99812" },
  },
};
payloads.invalid3 = { ...payloads.typical, amount_in_cents: 0, payer_email: "x@", payer_identifier: "S1234567DAB" };
payloads.metadata10 = { ...payloads.typical, metadata: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`key_${i}`, `value number ${i}`])) };

/** Each peer as `payload => boolean (valid)`. */
export const peers = {
  "hand-written JS": (p) => handWritten(p).ok,
  "ajv 8 (compiled)": (p) => ajvValidate(p),
  "valibot 1": (p) => v.safeParse(valibotSchema, p).success,
  "zod 4": (p) => zodSchema.safeParse(p).success,
};
