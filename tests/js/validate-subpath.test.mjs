// `paysg/validate` (the validation-only module) gives exactly what `paysg` gives: the same Rust
// rules through the JSON path, compared with the full package (fast path and all) on generated
// inputs, valid and not, and on values JSON cannot say.
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, test } from "node:test";
import { testProject } from "./helpers.mjs";

let full, small;
before(async () => {
  const modules = join(testProject(), "node_modules", "paysg", "dist");
  full = await import(join(modules, "node.mjs"));
  small = await import(join(modules, "validate.mjs"));
});

function prng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const PIECES = ["a", " ", "é", "😀", "\ud800", "@", ".", "-", "x".repeat(40), "https://", "0", "\n"];
const VALUES = [undefined, null, 0, -1, 1.5, 1100, 99_999_999, 100_000_000, NaN, Infinity, 10n, true, "", "2024-12-31", "31-DEC-2024", new Date(0), new Date(NaN), [], {}, { k: "v" }];

test("paysg/validate equals paysg on 2,000 generated bodies", (t) => {
  const rand = prng(17);
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const text = () => Array.from({ length: Math.floor(rand() * 8) }, () => pick(PIECES)).join("");
  const value = () => (rand() < 0.6 ? text() : pick(VALUES));
  const fields = ["reference_id", "payer_name", "payer_address", "payer_identifier", "payer_email", "description", "amount_in_cents", "due_date", "metadata", "line_items", "return_url", "unknown_field"];
  const good = { payer_email: "ahkow@example.sg", due_date: "2024-12-31", return_url: "https://agency.gov.sg/return", metadata: { branch: "B01" }, payer_address: "1 Main St" };
  let valid = 0;
  for (let i = 0; i < 2000; i++) {
    // A valid body, with some optional fields, then 0 to 2 fields set to anything.
    const input = { reference_id: `R-${i}`, payer_name: text() || "Tan", description: "Season parking", amount_in_cents: 1 + Math.floor(rand() * 1e6) };
    for (const [k, v] of Object.entries(good)) if (rand() < 0.3) input[k] = v;
    for (let n = Math.floor(rand() * 3); n > 0; n--) input[pick(fields)] = value();
    const a = full.validateCreatePayment(input), b = small.validateCreatePayment(input);
    assert.deepEqual(b, a, JSON.stringify(input, (k, v) => (typeof v === "bigint" ? `${v}n` : v)));
    if (a.ok) valid++;
    assert.deepEqual(small.validateRefund({ refund_amount_in_cents: input.amount_in_cents }), full.validateRefund({ refund_amount_in_cents: input.amount_in_cents }));
  }
  t.diagnostic(`${valid} of 2,000 valid`);
  assert.ok(valid > 300, `only ${valid} valid`);
  assert.equal(small.version(), full.version());
});
