// Validation and request building through the packed package in Node: a table of cases, the
// seed example byte for byte, error classes, and thousands of random values with no throw, no
// trap, and the module still working afterwards.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { testProject } from "./helpers.mjs";

let paysg;
before(async () => {
  const project = testProject();
  paysg = await import(join(project, "node_modules", "paysg", "dist", "node.mjs"));
  // the same module through package resolution, as users import it
  paysg = createRequire(join(project, "x.js"))("paysg");
});

const seed = {
  reference_id: "PAYMENT_001",
  payer_name: "Andy Lau",
  description: "Test payment",
  amount_in_cents: 1100,
  due_date: "31-DEC-2023",
  return_url: "https://open.gov.sg",
  metadata: { "product code": "123" },
};
const seedBody = '{"reference_id":"PAYMENT_001","payer_name":"Andy Lau","description":"Test payment","amount_in_cents":1100,"due_date":"31-DEC-2023","metadata":{"product code":"123"},"return_url":"https://open.gov.sg"}';
const PSID = "payment_service_fe5b1b0b-065a-43b8-939d-03ab2b67ede9";

const codes = (r) => (r.ok ? [] : r.errors.map((e) => `${e.field}:${e.code}`));

describe("validateCreatePayment", () => {
  test("the seed example validates to the exact body", () => {
    const r = paysg.validateCreatePayment(seed);
    assert.equal(r.ok, true);
    assert.equal(JSON.stringify(r.value), seedBody);
  });

  const cases = [
    ["missing everything", {}, ["reference_id:required", "payer_name:required", "description:required", "amount_in_cents:required"]],
    ["reference_id 255", { reference_id: "r".repeat(255) }, []],
    ["reference_id 256", { reference_id: "r".repeat(256) }, ["reference_id:too_long"]],
    ["payer_identifier 10", { payer_identifier: "S1234567DA" }, []],
    ["payer_identifier 11", { payer_identifier: "S1234567DAB" }, ["payer_identifier:too_long"]],
    ["emoji count as two", { payer_identifier: "😀😀😀😀😀x" }, ["payer_identifier:too_long"]],
    ["description 500", { description: "d".repeat(500) }, []],
    ["description 501", { description: "d".repeat(501) }, ["description:too_long"]],
    ["blank name", { payer_name: "   " }, ["payer_name:empty"]],
    ["amount 1", { amount_in_cents: 1 }, []],
    ["amount 0", { amount_in_cents: 0 }, ["amount_in_cents:out_of_range"]],
    ["amount max (the guide's)", { amount_in_cents: 20_000_000 }, []],
    ["amount over the guide's max", { amount_in_cents: 20_000_001 }, ["amount_in_cents:out_of_range"]],
    ["amount max+1", { amount_in_cents: 100_000_000 }, ["amount_in_cents:out_of_range"]],
    ["amount fraction", { amount_in_cents: 10.5 }, ["amount_in_cents:not_integer"]],
    ["amount string", { amount_in_cents: "1100" }, ["amount_in_cents:invalid_type"]],
    ["amount NaN", { amount_in_cents: NaN }, ["amount_in_cents:invalid_type"]],
    ["amount Infinity", { amount_in_cents: Infinity }, ["amount_in_cents:out_of_range"]],
    ["amount -Infinity", { amount_in_cents: -Infinity }, ["amount_in_cents:out_of_range"]],
    ["line item amount NaN", { line_items: [{ description: "a", amount_in_cents: NaN }] }, ["line_items[0].amount_in_cents:invalid_type"]],
    ["a Date where a string is needed", { reference_id: new Date(0) }, ["reference_id:invalid_type"]],
    ["amount bigint", { amount_in_cents: 1100n }, ["amount_in_cents:invalid_type"]],
    ["bad email", { payer_email: "andy@" }, ["payer_email:invalid_email"]],
    ["due date leap day", { due_date: "29-FEB-2024" }, []],
    ["due date not leap", { due_date: "29-FEB-2023" }, ["due_date:invalid_date"]],
    ["due date format", { due_date: "2023/12/31" }, ["due_date:invalid_format"]],
    ["due date invalid Date", { due_date: new Date(NaN) }, ["due_date:invalid_type"]],
    ["http return_url", { return_url: "http://open.gov.sg" }, ["return_url:not_https"]],
    ["relative return_url", { return_url: "/paid" }, ["return_url:invalid_url"]],
    ["metadata 10", { metadata: Object.fromEntries([...Array(10).keys()].map((i) => [`k${i}`, "v"])) }, []],
    ["metadata 11", { metadata: Object.fromEntries([...Array(11).keys()].map((i) => [`k${i}`, "v"])) }, ["metadata:too_many_entries"]],
    ["metadata key 41", { metadata: { ["k".repeat(41)]: "v" } }, [`metadata.${"k".repeat(41)}:too_long`]],
    ["metadata number", { metadata: { branch_code: 12 } }, ["metadata.branch_code:invalid_type"]],
    ["line item sum", { line_items: [{ description: "a", amount_in_cents: 20_000_000 }, { description: "b", amount_in_cents: 1 }] }, ["line_items:out_of_range"]],
    ["unknown field", { amount: 5 }, ["amount:unknown_field"]],
    ["undefined optional", { payer_email: undefined, due_date: undefined }, []],
  ];
  for (const [name, patch, want] of cases) {
    test(name, () => {
      const input = name === "missing everything" ? patch : { ...seed, ...patch };
      assert.deepEqual(codes(paysg.validateCreatePayment(input)), want);
    });
  }

  test("normalisation: Date and ISO due dates, undefined and null left out", () => {
    const r = paysg.validateCreatePayment({
      ...seed, due_date: new Date("2023-12-31T00:00:00+08:00"), payer_email: undefined, payer_address: null, return_url: "",
    });
    assert.equal(r.ok, true);
    assert.equal(r.value.due_date, "31-DEC-2023");
    assert.equal(paysg.validateCreatePayment({ ...seed, due_date: "2024-02-29" }).value.due_date, "29-FEB-2024");
    assert.deepEqual(Object.keys(r.value), ["reference_id", "payer_name", "description", "amount_in_cents", "due_date", "metadata"]);
    assert.equal(JSON.stringify(r.value).includes("null"), false);
  });

  test("NaN, the infinities and an invalid Date are reported as what was given, never as missing", () => {
    const message = (patch) => paysg.validateCreatePayment({ ...seed, ...patch }).errors.map((e) => e.message);
    assert.deepEqual(message({ amount_in_cents: NaN }), ["amount_in_cents must be a number (whole cents), got NaN"]);
    assert.match(message({ amount_in_cents: Infinity })[0], /got Infinity$/);
    assert.match(message({ amount_in_cents: -Infinity })[0], /got -Infinity$/);
    assert.match(message({ due_date: new Date("not a date") })[0], /got an invalid Date/);
    // the same through the JSON path (an unknown key sends the input that way)
    const slow = paysg.validateCreatePayment({ ...seed, amount_in_cents: NaN, extra: 1 }).errors.map((e) => `${e.field}:${e.code}`);
    assert.deepEqual(slow, ["extra:unknown_field", "amount_in_cents:invalid_type"]);
    assert.deepEqual(codes(paysg.validateRefund({ refund_amount_in_cents: NaN })), ["refund_amount_in_cents:invalid_type"]);
    assert.deepEqual(codes(paysg.validateRefund({ refund_amount_in_cents: Infinity })), ["refund_amount_in_cents:out_of_range"]);
    assert.throws(() => new paysg.PaySG({ apiKey: "paysg_stag_x", timeoutMs: NaN }), /timeoutMs must be a whole number from 1 to 600000, got NaN/);
  });

  test("a lone surrogate is read as U+FFFD on every path, as TextEncoder and fetch send it", () => {
    // (In description: PaySG refuses non-ASCII payer text, U+FFFD included.)
    const lone = { ...seed, description: "Tan \ud800", metadata: { "k\udc00": "v\ud83d" } };
    const fast = paysg.validateCreatePayment(lone);
    const slow = paysg.validateCreatePayment({ ...lone, extra_key_for_the_json_path: undefined, line_items: undefined });
    assert.equal(fast.ok, true);
    assert.deepEqual(fast, slow);
    assert.equal(fast.value.description, "Tan \ufffd");
    assert.deepEqual(fast.value.metadata, { "k\ufffd": "v\ufffd" });
    const req = paysg.buildCreatePaymentRequest(lone, { paymentServiceId: PSID, apiKey: "paysg_stag_abc" });
    assert.equal(JSON.parse(req.body).description, "Tan \ufffd");
    // it counts as one character, as in JavaScript
    assert.equal(paysg.validateCreatePayment({ ...seed, payer_identifier: "S1234567D\ud800" }).ok, true);
    assert.equal(paysg.validateCreatePayment({ ...seed, payer_identifier: "S1234567DA\ud800" }).ok, false);
  });

  test("messages name the rule and the limit", () => {
    const r = paysg.validateCreatePayment({ ...seed, payer_identifier: "S1234567DAB" });
    assert.deepEqual(r.errors, [{ field: "payer_identifier", code: "too_long", message: "payer_identifier is 11 characters long; PaySG allows at most 10" }]);
  });

  test("non-objects never throw", () => {
    const cyclic = {};
    cyclic.self = cyclic;
    const throwing = { get reference_id() { throw new Error("boom"); } };
    const proxy = new Proxy({}, { ownKeys() { throw new Error("trap"); } });
    for (const v of [undefined, null, 0, "x", [], true, Symbol("s"), () => 1, 10n, cyclic, throwing, proxy, new Map(), Object.create(null)]) {
      const r = paysg.validateCreatePayment(v);
      assert.equal(r.ok, false);
      assert.ok(r.errors.length >= 1);
      for (const e of r.errors) assert.deepEqual(Object.keys(e), ["field", "code", "message"]);
    }
  });
});

describe("validateRefund", () => {
  test("limits and types", () => {
    assert.deepEqual(paysg.validateRefund({ refund_amount_in_cents: 500 }), { ok: true, value: { refund_amount_in_cents: 500 } });
    assert.deepEqual(codes(paysg.validateRefund({ refund_amount_in_cents: 0 })), ["refund_amount_in_cents:out_of_range"]);
    assert.deepEqual(codes(paysg.validateRefund({})), ["refund_amount_in_cents:required"]);
    assert.deepEqual(codes(paysg.validateRefund(null)), [":invalid_type"]);
  });
});

describe("buildCreatePaymentRequest", () => {
  test("builds the seed request byte for byte", () => {
    const key = "af9be4e3-685d-4384-99c7-11774722d930";
    const r = paysg.buildCreatePaymentRequest(seed, { paymentServiceId: PSID, apiKey: "paysg_stag_abc", idempotencyKey: key });
    assert.deepEqual(r, {
      method: "POST",
      url: `https://api-staging.pay.gov.sg/v1/payment-services/${PSID}/payments`,
      headers: {
        "x-api-key": "paysg_stag_abc", accept: "application/json", "x-paysg-client": `paysg-js/${paysg.version()} (node ${process.version})`,
        "content-type": "application/json", "idempotency-key": key,
      },
      body: seedBody,
      idempotencyKey: key,
    });
    const live = paysg.buildCreatePaymentRequest(seed, { paymentServiceId: PSID, apiKey: "paysg_live_abc" });
    assert.equal(live.url, `https://api.pay.gov.sg/v1/payment-services/${PSID}/payments`);
    assert.match(live.idempotencyKey, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, "a V4 UUID when none is given");
    assert.equal(live.headers["idempotency-key"], live.idempotencyKey);
  });

  test("throws PaySGValidationError with every problem, never showing the key", () => {
    const key = "paysg_stag_TOPSECRET\n";
    let err;
    try {
      paysg.buildCreatePaymentRequest({ ...seed, amount_in_cents: 0 }, { paymentServiceId: "svc", apiKey: key });
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof paysg.PaySGValidationError);
    assert.ok(err instanceof paysg.PaySGError);
    assert.ok(err instanceof Error);
    assert.equal(err.name, "PaySGValidationError");
    assert.equal(err.code, "validation_error");
    assert.deepEqual(err.errors.map((e) => `${e.field}:${e.code}`), ["amount_in_cents:out_of_range", "paymentServiceId:invalid_format", "apiKey:invalid_format"]);
    const everything = JSON.stringify({ m: err.message, s: err.stack, e: err.errors });
    assert.equal(everything.includes("TOPSECRET"), false);
  });

  test("a key with an unknown prefix is reported against apiKey, and baseUrl reaches another host", () => {
    assert.throws(() => paysg.buildCreatePaymentRequest(seed, { paymentServiceId: PSID, apiKey: "invalid_key" }),
      (e) => e.errors[0].field === "apiKey" && e.errors[0].code === "invalid_format" && /neither paysg_stag_ .*nor paysg_live_ .*pass baseUrl/.test(e.errors[0].message));
    const r = paysg.buildCreatePaymentRequest(seed, { paymentServiceId: "payment_service_a/b", apiKey: "invalid_key", baseUrl: "http://127.0.0.1:9000/" });
    assert.equal(r.url, "http://127.0.0.1:9000/v1/payment-services/payment_service_a%2Fb/payments");
  });
});

describe("error classes", () => {
  test("exist with stable names and codes", () => {
    const list = [
      [new paysg.PaySGError("x"), "PaySGError", "paysg_error"],
      [new paysg.PaySGValidationError([]), "PaySGValidationError", "validation_error"],
      [new paysg.PaySGApiError({ status: 404, message: "nope", code: "not_found" }), "PaySGApiError", "not_found"],
      [new paysg.PaySGConnectionError("down", new Error("ECONNRESET")), "PaySGConnectionError", "connection_error"],
      [new paysg.PaySGTimeoutError(1000), "PaySGTimeoutError", "timeout"],
      [new paysg.PaySGSignatureError("missing_header", "no header"), "PaySGSignatureError", "signature_error"],
    ];
    for (const [e, name, code] of list) {
      assert.ok(e instanceof paysg.PaySGError && e instanceof Error);
      assert.equal(e.name, name);
      assert.equal(e.code, code);
    }
    assert.equal(list[3][0].cause.message, "ECONNRESET");
  });
});

// A small deterministic PRNG so a failure can be replayed from its seed.
function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}
function randomValue(r, depth = 0) {
  const pick = Math.floor(r() * (depth > 3 ? 9 : 12));
  const str = () => {
    const len = Math.floor(r() ** 2 * 600);
    let s = "";
    for (let i = 0; i < len; i++) {
      const k = r();
      s += k < 0.7 ? String.fromCharCode(32 + Math.floor(r() * 95)) : k < 0.85 ? String.fromCharCode(Math.floor(r() * 0x10000)) : "😀";
    }
    return s;
  };
  switch (pick) {
    case 0: return undefined;
    case 1: return null;
    case 2: return r() < 0.5;
    case 3: return Math.floor(r() * 2e8) - 1e7;
    case 4: return [NaN, Infinity, -0, 1.5, 1e300, Number.MAX_SAFE_INTEGER][Math.floor(r() * 6)];
    case 5: return str();
    case 6: return ["31-DEC-2023", "2024-02-29", "https://a.sg", "a@b.sg", "29-FEB-2023"][Math.floor(r() * 5)];
    case 7: return BigInt(Math.floor(r() * 1000));
    case 8: return new Date(r() * 4e12 - 1e12);
    default: {
      if (pick === 9) return Array.from({ length: Math.floor(r() * 6) }, () => randomValue(r, depth + 1));
      const keys = ["reference_id", "payer_name", "description", "amount_in_cents", "metadata", "line_items", "due_date", "return_url", "payer_email", "payer_identifier", "x"];
      const o = {};
      for (let i = Math.floor(r() * 12); i > 0; i--) o[r() < 0.8 ? keys[Math.floor(r() * keys.length)] : str().slice(0, 50)] = randomValue(r, depth + 1);
      return o;
    }
  }
}

test("5,000 random values: no throw, no trap, and the module still works", () => {
  const r = rng(20261122);
  for (let i = 0; i < 5000; i++) {
    const v = randomValue(r);
    const o = randomValue(r);
    const a = paysg.validateCreatePayment(v);
    assert.equal(typeof a.ok, "boolean");
    assert.equal(typeof paysg.validateRefund(v).ok, "boolean");
    try {
      paysg.buildCreatePaymentRequest(v, o);
    } catch (e) {
      assert.ok(e instanceof paysg.PaySGValidationError, `case ${i}: ${e}`);
    }
  }
  assert.equal(JSON.stringify(paysg.validateCreatePayment(seed).value), seedBody);
});

test("the fast path and the JSON path agree on 5,000 plain inputs", () => {
  // An unknown key whose value is undefined sends an input down the JSON path (the fast path
  // only takes inputs whose every key it knows) without changing the answer.
  const r = rng(7);
  const strs = ["", " ", "PAYMENT_001", "Andy Lau", "a@b.sg", "andy@", "31-DEC-2023", "31-dec-2023", "2024-02-29", "2023-02-29",
    "2023-12-31T16:00:00.000Z", "https://open.gov.sg", "http://open.gov.sg", "https://u:p@a.sg:8443/x?q#f", "https://[::1]/",
    "https://a..b", "https://a.b:65536", "HTTPS://É.SG/é", "https://a.sg/ x", "a.b-c@d-e.sg", ".a@b.sg", "😀😀😀😀😀", "😀😀😀😀😀x", "é".repeat(10), "x".repeat(256), "S1234567D", "O’Brien", "Ｔａｎ", "a…", "、。"];
  const fields = ["reference_id", "payer_name", "payer_address", "payer_identifier", "payer_email", "description", "due_date", "return_url"];
  const pick = (a) => a[Math.floor(r() * a.length)];
  let fast = 0;
  for (let i = 0; i < 5000; i++) {
    // a valid payment, then up to three mutations
    const input = { reference_id: "R", payer_name: "P", description: "D", amount_in_cents: 100 };
    if (r() < 0.5) Object.assign(input, { payer_email: "a@b.sg", due_date: "2024-02-29", return_url: "https://open.gov.sg", metadata: { a: "b" } });
    for (let m = Math.floor(r() * 4); m > 0; m--) {
      const k = Math.floor(r() * 12);
      if (k < 8) input[fields[k]] = r() < 0.9 ? pick(strs) : pick([undefined, null]);
      else if (k === 8) input.amount_in_cents = pick([1, 1100, 0, 20_000_000, 20_000_001, 99_999_999, 1.5, -3, NaN, Infinity]);
      else if (k === 9) input.metadata = Object.fromEntries(Array.from({ length: Math.floor(r() * 12) }, () => [pick(["a", "b", "c", "product code", "k".repeat(41), ""]), pick(strs)]));
      else if (k === 10) input.due_date = new Date(r() * 4e12);
      else delete input[pick(fields)];
    }
    const a = paysg.validateCreatePayment(input);
    const b = paysg.validateCreatePayment({ ...input, __force_json_path: undefined });
    assert.deepEqual(a, b, JSON.stringify(input));
    if (a.ok) fast++;
  }
  assert.ok(fast > 1000, `only ${fast} valid inputs: the generator does not exercise the fast path`);
});

test("the fast path reads each value once and returns its own copies", () => {
  let reads = 0;
  const metadata = { get case_id() { reads++; return reads === 1 ? "C-1" : 42; }, branch: "B01" };
  const input = { reference_id: "R", payer_name: "P", description: "D", amount_in_cents: 100, metadata };
  const r = paysg.validateCreatePayment(input);
  assert.equal(reads, 1, "a getter runs once");
  assert.deepEqual(r.value.metadata, { case_id: "C-1", branch: "B01" });
  assert.notEqual(r.value.metadata, metadata, "metadata is copied, not shared");
  r.value.metadata.branch = "changed";
  assert.equal(metadata.branch, "B01");
  const proto = JSON.parse('{"__proto__": "x"}');
  assert.deepEqual(paysg.validateCreatePayment({ ...input, metadata: proto }).value.metadata, proto);
  assert.equal(Object.getPrototypeOf(paysg.validateCreatePayment({ ...input, metadata: proto }).value.metadata), Object.prototype);
});

test("strings that go by length only and strings that need their text give the same answers", () => {
  // Length-only strings start with a printable ASCII character; the others go as text.
  const base = { reference_id: "R", payer_name: "P", description: "D", amount_in_cents: 100 };
  for (const s of ["x", " x", "\tx", "éx", "😀", "", " ", "x".repeat(256), ` ${"x".repeat(255)}`, "~", "\u007f"]) {
    for (const field of ["reference_id", "payer_address", "payer_identifier", "description"]) {
      const a = paysg.validateCreatePayment({ ...base, [field]: s });
      const b = paysg.validateCreatePayment({ ...base, [field]: s, __force_json_path: undefined });
      assert.deepEqual(a, b, `${field}=${JSON.stringify(s)}`);
    }
    const a = paysg.validateCreatePayment({ ...base, metadata: { [s]: s, k: s } });
    const b = paysg.validateCreatePayment({ ...base, metadata: { [s]: s, k: s }, __force_json_path: undefined });
    assert.deepEqual(a, b, `metadata ${JSON.stringify(s)}`);
  }
});
