// Every code the package's JS layer uses comes from Rust: the named constants generated into
// pkg/gen/contract.js (`CODES`, from src/surface/errors.rs, `Code::ALL` and the error kinds), never
// a string literal. This reads pkg/src and fails on a quoted code where a code goes, and on a
// `CODES.name` that Rust does not define.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const src = join(root, "pkg", "src");
const { CODES, WEBHOOK_ANSWERS } = await import(join(root, "pkg", "gen", "contract.js"));
const files = readdirSync(src).filter((f) => f.endsWith(".js")).map((f) => [f, readFileSync(join(src, f), "utf8")]);

test("CODES is Rust's list, by name", () => {
  assert.ok(Object.isFrozen(CODES));
  for (const [name, value] of Object.entries(CODES)) assert.equal(name, value);
  for (const c of ["payment_mismatch", "payment_refunded", "payment_service_mismatch", "invalid_type", "validation_error", "store_unavailable"]) assert.equal(CODES[c], c);
});

test("pkg/src names every code through CODES, and only codes Rust defines", () => {
  // Where a code goes: `code: …` (also in a ternary), `code = …`, a comparison with `.code`, an
  // `answer(status, code, …)` (the webhook handler's are Rust's table: see below) and
  // `problem(field, code, …)`.
  const places = [
    /(?<!\.)\bcode\s*[:=]\s*"([^"]*)"/g,
    /(?<!\.)\bcode\s*[:=][^,}\n]*\?\s*"([^"]*)"\s*:/g,
    /(?<!\.)\bcode\s*[:=][^,}\n]*\?[^:\n]*:\s*"([^"]*)"/g,
    /(?<!typeof [\w.?]*)\.code\s*[!=]==?\s*"([^"]*)"/g,
    /\?\?\s*"([a-z]+(?:_[a-z]+)+)"/g,
    /\banswer\(\d+,\s*"([^"]*)"/g,
    /\bproblem\("[^"]*",\s*"([^"]*)"/g,
  ];
  const literals = [];
  const unknown = [];
  for (const [file, text] of files) {
    for (const re of places) for (const m of text.matchAll(re)) literals.push(`${file}: "${m[1]}"`);
    for (const m of text.matchAll(/\bCODES\.([A-Za-z_]+)/g)) if (!Object.hasOwn(CODES, m[1])) unknown.push(`${file}: CODES.${m[1]}`);
  }
  assert.deepEqual(literals, [], "a code written as a literal: name it CODES.<code> (add it in src/surface/errors.rs when it is new)");
  assert.deepEqual(unknown, [], "a code Rust does not define");
});

test("the webhook handler's answers carry codes Rust defines (or the signature error's reason)", () => {
  const codes = Object.entries(WEBHOOK_ANSWERS).map(([name, a]) => [name, a.code]);
  assert.ok(codes.length > 0);
  assert.deepEqual(codes.filter(([, c]) => c !== "{reason}" && !Object.hasOwn(CODES, c)), []);
});
