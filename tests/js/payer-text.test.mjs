// Payer text PaySG refuses (`non_ascii`), `normaliseText`, and the `limits` PaySG's sources
// disagree on, through the packed package: on validateCreatePayment (fast and JSON paths, and
// paysg/validate), buildCreatePaymentRequest, and the client (per client and per call, the body
// sent), against an in-process paysg-sim that refuses the same by default.
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { testProject } from "./helpers.mjs";

const KEY = "paysg_stag_payer_text_tests";
const SERVICE = "payment_service_payer_text";
let paysg, small, simPkg;

before(async () => {
  const modules = join(testProject(), "node_modules");
  paysg = await import(join(modules, "paysg", "dist", "node.mjs"));
  small = await import(join(modules, "paysg", "dist", "validate.mjs"));
  simPkg = await import(join(modules, "paysg-sim", "dist", "node.mjs"));
});

const base = { reference_id: "R-1", payer_name: "Tan Ah Kow", description: "Season parking", amount_in_cents: 1100 };
const codes = (r) => (r.ok ? [] : r.errors.map((e) => `${e.field}:${e.code}`));

describe("non_ascii and normaliseText", () => {
  test("payer text outside ASCII is reported with the character and its index, other fields are not", () => {
    const r = paysg.validateCreatePayment({ ...base, payer_name: "Tan Ah Kow’s Café" });
    assert.deepEqual(codes(r), ["payer_name:non_ascii"]);
    assert.equal(r.errors[0].message, "payer_name has \"’\" (U+2019) at index 10 (UTF-16 code units from 0) (2 such characters in all): PaySG accepts only ASCII in payer_name; normaliseText: true would send it as `'`");
    // The index is what JavaScript indexes: codePointAt reads the character.
    const name = "😀 Tan";
    const e = paysg.validateCreatePayment({ ...base, payer_address: name }).errors[0];
    const at = Number(/at index (\d+)/.exec(e.message)[1]);
    assert.equal(String.fromCodePoint(name.codePointAt(at)), "😀");
    for (const field of ["reference_id", "description"]) {
      assert.equal(paysg.validateCreatePayment({ ...base, [field]: "Café ’😀" }).ok, true, field);
    }
  });

  test("normaliseText maps each kind of character, and what remains is still reported", () => {
    const cases = [
      ["O’Brien ‘Ah’", "O'Brien 'Ah'"],
      ["“Tan” „x‟", "\"Tan\" \"x\""],
      ["a‐b‑c‒d–e—f―g−h", "a-b-c-d-e-f-g-h"],
      ["wait…", "wait..."],
      ["Blk\u00a01\u2007#01\u202f02\u3000S", "Blk 1 #01 02 S"],
      ["新加坡、一。", null],
      ["Ｔａｎ　Ａｈ！～０９", "Tan Ah!~09"],
    ];
    for (const [given, want] of cases) {
      for (const field of ["payer_name", "payer_address"]) {
        const r = paysg.validateCreatePayment({ ...base, [field]: given }, { normaliseText: true });
        if (want === null) {
          assert.deepEqual(codes(r), [`${field}:non_ascii`], given);
          assert.match(r.errors[0].message, /"新" \(U\+65B0\) at index 0 .*\(4 such characters in all\)/);
        } else {
          assert.equal(r.ok, true, `${field} ${given}: ${JSON.stringify(r.errors)}`);
          assert.equal(r.value[field], want);
          assert.deepEqual(codes(paysg.validateCreatePayment({ ...base, [field]: given })), [`${field}:non_ascii`], "refused without the option");
        }
      }
    }
    // Just outside the mapped ranges: refused either way.
    for (const c of ["\u00a1", "\u2016", "\u2017", "\u2020", "\u2025", "\u2027", "\u3003", "\uff00", "\uff5f", "é"]) {
      assert.deepEqual(codes(paysg.validateCreatePayment({ ...base, payer_name: `x${c}` }, { normaliseText: true })), ["payer_name:non_ascii"], c);
    }
    // Lengths are of the text sent: an ellipsis is three characters.
    assert.equal(paysg.validateCreatePayment({ ...base, payer_name: `${"a".repeat(252)}…` }, { normaliseText: true }).ok, true);
    assert.deepEqual(codes(paysg.validateCreatePayment({ ...base, payer_name: `${"a".repeat(253)}…` }, { normaliseText: true })), ["payer_name:too_long"]);
  });

  test("the fast path, the JSON path and paysg/validate agree on generated payer text", () => {
    const pieces = ["a", "Tan", " ", "’", "“", "–", "…", "\u00a0", "、", "。", "Ａ", "ｚ", "é", "😀", "\u3000", "\uff5f", "'"];
    let seed = 11;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const text = () => Array.from({ length: 1 + Math.floor(rand() * 6) }, () => pieces[Math.floor(rand() * pieces.length)]).join("");
    let ok = 0, refused = 0;
    for (let i = 0; i < 3000; i++) {
      const input = { ...base, payer_name: text() };
      if (rand() < 0.5) input.payer_address = text();
      const options = rand() < 0.5 ? { normaliseText: true } : undefined;
      const fast = paysg.validateCreatePayment(input, options);
      const json = paysg.validateCreatePayment({ ...input, __force_json_path: undefined }, options);
      assert.deepEqual(fast, json, JSON.stringify([input, options]));
      assert.deepEqual(small.validateCreatePayment(input, options), fast, "paysg/validate");
      if (fast.ok) ok++;
      else if (fast.errors.some((e) => e.code === "non_ascii")) refused++;
    }
    assert.ok(ok > 300 && refused > 300, `ok ${ok}, refused ${refused}`);
  });
});

describe("limits", () => {
  test("the guide's values by default; both sides of each limit as set", () => {
    const over = { ...base, payer_identifier: "A".repeat(11), amount_in_cents: 20_000_001 };
    assert.deepEqual(codes(paysg.validateCreatePayment(over)), ["payer_identifier:too_long", "amount_in_cents:out_of_range"]);
    assert.equal(paysg.validateCreatePayment({ ...over, payer_identifier: "A".repeat(10), amount_in_cents: 20_000_000 }).ok, true);
    const limits = { payer_identifier: 20, amount_in_cents: 99_999_999 };
    assert.equal(paysg.validateCreatePayment({ ...base, payer_identifier: "A".repeat(20), amount_in_cents: 99_999_999 }, { limits }).ok, true);
    assert.deepEqual(codes(paysg.validateCreatePayment({ ...base, payer_identifier: "A".repeat(21), amount_in_cents: 100_000_000 }, { limits })), ["payer_identifier:too_long", "amount_in_cents:out_of_range"]);
    assert.deepEqual(small.validateCreatePayment({ ...base, payer_identifier: "A".repeat(20) }, { limits }), paysg.validateCreatePayment({ ...base, payer_identifier: "A".repeat(20) }, { limits }));
  });

  test("limits are checked: unknown key, type, whole number, range — named, never thrown by validateCreatePayment", () => {
    const bad = [
      [{ limits: { payer_id: 20 } }, "limits.payer_id:unknown_field"],
      [{ limits: { payer_identifier: 0 } }, "limits.payer_identifier:out_of_range"],
      [{ limits: { payer_identifier: 256 } }, "limits.payer_identifier:out_of_range"],
      [{ limits: { amount_in_cents: 100_000_000 } }, "limits.amount_in_cents:out_of_range"],
      [{ limits: { payer_identifier: 20.5 } }, "limits.payer_identifier:not_integer"],
      [{ limits: { payer_identifier: "20" } }, "limits.payer_identifier:invalid_type"],
      [{ limits: { payer_identifier: NaN } }, "limits.payer_identifier:invalid_type"],
      [{ limits: { payer_identifier: 20n } }, "limits.payer_identifier:invalid_type"],
      [{ limits: 20 }, "limits:invalid_type"],
      [{ normaliseText: "yes" }, "normaliseText:invalid_type"],
      [{ normalizeText: true }, "normalizeText:unknown_field"],
    ];
    for (const [options, code] of bad) {
      const r = paysg.validateCreatePayment(base, options);
      assert.deepEqual(codes(r), [code], JSON.stringify(options, (k, v) => (typeof v === "bigint" ? `${v}n` : v)));
      assert.deepEqual(small.validateCreatePayment(base, options), r);
    }
    const r = paysg.validateCreatePayment(base, { limits: { payer_identifier: 300 } });
    assert.equal(r.errors[0].message, "limits.payer_identifier must be a whole number from 1 to 255 (default 10), got 300");
  });
});

describe("the client", () => {
  /** A client whose fetch records each body and answers as paysg-sim would. */
  async function recording(options = {}, simOptions = {}) {
    const sim = await simPkg.createSimulator(simOptions);
    const bodies = [];
    const fetch = async (url, init) => {
      if (init.body != null) bodies.push(JSON.parse(init.body));
      return sim.fetch(url, init);
    };
    const client = new paysg.PaySG({ apiKey: KEY, paymentServiceId: SERVICE, baseUrl: sim.baseUrl, fetch, ...options });
    return { client, bodies, sim };
  }

  test("normaliseText on the client sends the normalised text; a call may turn it off", async () => {
    const { client, bodies, sim } = await recording({ normaliseText: true });
    try {
      const p = await client.createPayment({ ...base, payer_name: "O’Brien – Ｔａｎ" });
      assert.equal(p.payer_name, "O'Brien - Tan");
      assert.equal(bodies[0].payer_name, "O'Brien - Tan");
      await assert.rejects(client.createPayment({ ...base, payer_name: "O’Brien" }, { normaliseText: false }), (e) => {
        assert.ok(e instanceof paysg.PaySGValidationError);
        assert.deepEqual(codes(e), ["payer_name:non_ascii"]);
        return true;
      });
      assert.equal(bodies.length, 1, "nothing sent for the refused one");
    } finally {
      await sim.close();
    }
  });

  test("normaliseText per call; without it the client refuses before sending", async () => {
    const { client, bodies, sim } = await recording();
    try {
      await assert.rejects(client.createPayment({ ...base, payer_address: "Blk 1 “A”" }), paysg.PaySGValidationError);
      assert.equal(bodies.length, 0);
      const p = await client.createPayment({ ...base, payer_address: "Blk 1 “A”" }, { normaliseText: true });
      assert.equal(p.payer_address, "Blk 1 \"A\"");
    } finally {
      await sim.close();
    }
  });

  test("limits per client and per call, merged key by key, against a simulator with the same limits", async () => {
    const limits = { payer_identifier: 20, amount_in_cents: 99_999_999 };
    const { client, sim } = await recording({ limits: { payer_identifier: 20 } }, { limits });
    try {
      const p = await client.createPayment({ ...base, payer_identifier: "A".repeat(20) });
      assert.equal(p.payer_identifier, "A".repeat(20));
      await assert.rejects(client.createPayment({ ...base, amount_in_cents: 50_000_000 }), paysg.PaySGValidationError);
      const big = await client.createPayment({ ...base, payer_identifier: "A".repeat(20), amount_in_cents: 50_000_000 }, { limits: { amount_in_cents: 99_999_999 } });
      assert.equal(big.amount_in_cents, 50_000_000);
      await assert.rejects(client.createPayment({ ...base, payer_identifier: "A".repeat(11) }, { limits: { payer_identifier: 10 } }), paysg.PaySGValidationError);
    } finally {
      await sim.close();
    }
  });

  test("bad settings are a PaySGValidationError naming the option, at construction and per call", async () => {
    assert.throws(() => new paysg.PaySG({ apiKey: KEY, limits: { payer_identifier: 0 } }), (e) => {
      assert.ok(e instanceof paysg.PaySGValidationError);
      assert.deepEqual(codes(e), ["limits.payer_identifier:out_of_range"]);
      assert.match(e.errors[0].message, /from 1 to 255 \(default 10\), got 0/);
      return true;
    });
    assert.throws(() => new paysg.PaySG({ apiKey: KEY, limits: "20" }), paysg.PaySGValidationError);
    assert.throws(() => new paysg.PaySG({ apiKey: KEY, normaliseText: 1 }), paysg.PaySGValidationError);
    const hostile = { get payer_identifier() { throw new Error("boom"); } };
    assert.throws(() => new paysg.PaySG({ apiKey: KEY, limits: hostile }), paysg.PaySGValidationError);
    const { client, sim } = await recording();
    try {
      await assert.rejects(client.createPayment(base, { limits: { amount: 5 } }), (e) => {
        assert.deepEqual(codes(e), ["limits.amount:unknown_field"]);
        return true;
      });
    } finally {
      await sim.close();
    }
    assert.throws(() => paysg.buildCreatePaymentRequest({ ...base, payer_name: "O’Brien" }, { apiKey: KEY, paymentServiceId: SERVICE }), paysg.PaySGValidationError);
    const req = paysg.buildCreatePaymentRequest({ ...base, payer_name: "O’Brien", amount_in_cents: 30_000_000 }, { apiKey: KEY, paymentServiceId: SERVICE, normaliseText: true, limits: { amount_in_cents: 30_000_000 } });
    assert.equal(JSON.parse(req.body).payer_name, "O'Brien");
  });
});

describe("paysg-sim", () => {
  const post = (sim, body) => sim.fetch(`${sim.baseUrl}/v1/payment-services/${SERVICE}/payments`, { method: "POST", headers: { "x-api-key": KEY, "content-type": "application/json" }, body: JSON.stringify(body) });

  test("refuses non-ASCII payer text by default with PaySG's error body, accepts it with acceptNonAscii", async () => {
    const strict = await simPkg.createSimulator();
    try {
      const r = await post(strict, { ...base, payer_name: "O’Brien" });
      assert.equal(r.status, 400);
      const { error } = await r.json();
      assert.equal(error.type, "invalid_request_error");
      assert.equal(error.code, "validation_failed");
      assert.match(error.message, /payer_name has "’" \(U\+2019\) at index 1/);
      assert.deepEqual(error.data.errors.map((e) => `${e.field}:${e.code}`), ["payer_name:non_ascii"]);
      assert.equal((await post(strict, { ...base, description: "Café ’" })).status, 201);
    } finally {
      await strict.close();
    }
    const lax = await simPkg.createSimulator({ acceptNonAscii: true });
    try {
      const r = await post(lax, { ...base, payer_name: "O’Brien", payer_address: "新加坡" });
      assert.equal(r.status, 201);
      assert.equal((await r.json()).payer_address, "新加坡");
    } finally {
      await lax.close();
    }
  });

  test("its limits: the guide's by default, set by flag or by the SDK's names", async () => {
    const byDefault = await simPkg.createSimulator();
    try {
      assert.equal((await post(byDefault, { ...base, amount_in_cents: 20_000_001 })).status, 400);
      assert.equal((await post(byDefault, { ...base, payer_identifier: "A".repeat(11) })).status, 400);
      assert.equal((await post(byDefault, { ...base, amount_in_cents: 20_000_000, payer_identifier: "A".repeat(10) })).status, 201);
    } finally {
      await byDefault.close();
    }
    for (const options of [{ limitAmountInCents: 99_999_999, limitPayerIdentifier: 20 }, { limits: { amount_in_cents: 99_999_999, payer_identifier: 20 } }]) {
      const sim = await simPkg.createSimulator(options);
      try {
        assert.equal((await post(sim, { ...base, amount_in_cents: 99_999_999, payer_identifier: "A".repeat(20) })).status, 201);
        assert.equal((await post(sim, { ...base, amount_in_cents: 100_000_000 })).status, 400);
        assert.equal((await post(sim, { ...base, payer_identifier: "A".repeat(21) })).status, 400);
      } finally {
        await sim.close();
      }
    }
    await assert.rejects(simPkg.createSimulator({ limits: { payer_identifier: 256 } }), /limitPayerIdentifier must be a whole number from 1 to 255/);
  });
});
