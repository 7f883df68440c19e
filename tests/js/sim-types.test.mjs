// paysg-sim's declarations match the package: its run-time exports (Node, workerd) are exactly
// the declared values, `SimulatorOptions` has exactly the core's flags (camelCase) plus
// `onWebhook`, the results' types are the Rust definitions' (sim/wasm/src/surface/types.rs) and
// declare every key a running simulator answers, and a strict consumer — the simulator's `fetch`
// given to the paysg client, its `Payment` taken for the SDK's and back — type-checks under the
// module resolutions TypeScript users pick, with no DOM or Node types.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { before, test } from "node:test";
import { bundleWorker, root, runNode, startMiniflare, testProject } from "./helpers.mjs";

const ts = createRequire(import.meta.url)(join(root, "node_modules", "typescript"));
let project, flags;
const runtime = {};

before(async () => {
  project = testProject();
  writeFileSync(join(project, "sim-keys.mjs"), 'import * as m from "paysg-sim";\nconsole.log(JSON.stringify({ keys: Object.keys(m), flags: m.flags() }));\n');
  const r = await runNode(["sim-keys.mjs"], project);
  assert.equal(r.stderr, "");
  ({ keys: runtime.node, flags } = JSON.parse(r.stdout));
  const out = bundleWorker(project, "sim-keys", 'import * as m from "paysg-sim";\nexport default { fetch() { return Response.json(Object.keys(m)); } };\n');
  const mf = await startMiniflare(out);
  try {
    runtime.workerd = await (await mf.dispatchFetch("http://localhost/")).json();
  } finally {
    await mf.dispose();
  }
});

function check(name, options, source) {
  const dir = join(project, "ts-sim", name.replace(/\W+/g, "-"));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "consumer.mts");
  writeFileSync(file, source);
  const opts = ts.convertCompilerOptionsFromJson({ target: "es2022", strict: true, noEmit: true, types: [], ...options }, dir);
  const program = ts.createProgram([file], opts.options);
  const text = ts.formatDiagnostics(ts.getPreEmitDiagnostics(program), { getCanonicalFileName: (f) => f, getCurrentDirectory: () => dir, getNewLine: () => "\n" });
  return { program, file: program.getSourceFile(file), text };
}

const consumer = `
import { createSimulator, flags, type Payment, type SimulatorOptions } from "paysg-sim";
import { PaySG, type Payment as SdkPayment } from "paysg";

const options: SimulatorOptions = { apiKey: ["paysg_stag_a=view", "paysg_stag_b"], faultRate: 0.5, fault: "503", webhookSecret: "s", quiet: false };
export async function flow(): Promise<string> {
  const sim = await createSimulator({ ...options, onWebhook: async (request) => { await request.text(); return { status: 204 }; } });
  const paysg = new PaySG({ apiKey: "paysg_stag_a", paymentServiceId: "payment_service_x", baseUrl: sim.baseUrl, fetch: sim.fetch });
  const p = await paysg.createPayment({ reference_id: "R", payer_name: "P", description: "D", amount_in_cents: 100 });
  const { redirect_url } = await sim.pay(p.id);
  const refunded: Payment = await sim.refund(p.id, 50);
  // The simulator's payment and the SDK's, both generated from the one Rust struct, are one type.
  const asSdk: SdkPayment = refunded;
  const asSim: Payment = p;
  await sim.advanceClock(1000);
  // @ts-expect-error payout resolves to a payment, whose payout_id is a string or null
  const po: number = (await sim.payout(refunded.id)).payout_id;
  await sim.close();
  // @ts-expect-error an option the simulator does not have
  await createSimulator({ nonsense: 1 });
  // @ts-expect-error quiet is a switch
  await createSimulator({ quiet: "yes" });
  // The SDK's limits by its names, the flags by theirs, and the payer-text switch.
  await (await createSimulator({ limits: { payer_identifier: 20 }, limitAmountInCents: 99999999, acceptNonAscii: true })).close();
  // @ts-expect-error limits are the SDK's two
  await createSimulator({ limits: { payer_id: 20 } });
  // @ts-expect-error redirect_url is a string or null
  const n: number = redirect_url;
  return flags()[0].camel + n + po + asSdk.id + asSim.id;
}
`;

for (const [mode, options] of Object.entries({ node16: { module: "node16", moduleResolution: "node16" }, bundler: { module: "esnext", moduleResolution: "bundler" } })) {
  test(`a strict consumer type-checks, with no DOM or Node types (${mode})`, () => {
    const { text } = check(`consumer-${mode}`, { ...options, lib: ["es2022"] }, consumer);
    assert.equal(text, "");
    const without = check(`without-${mode}`, { ...options, lib: ["es2022"] }, consumer.replaceAll("// @ts-expect-error", "//"));
    assert.equal(without.text.split("\n").filter((l) => /error TS\d+/.test(l)).length, 5, without.text);
  });
}

test("the run-time exports are the declared values, the same in Node and workerd", () => {
  assert.deepEqual([...runtime.workerd].sort(), [...runtime.node].sort());
  const names = [...runtime.node].sort();
  const { program, file, text } = check("exports", { module: "node16", moduleResolution: "node16" }, `import { ${names.join(", ")} } from "paysg-sim";\nexport const all: unknown[] = [${names.join(", ")}];\n`);
  assert.equal(text, "");
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(file.statements.find((s) => ts.isImportDeclaration(s)).moduleSpecifier);
  assert.deepEqual(checker.getExportsOfModule(module).filter((s) => s.flags & ts.SymbolFlags.Value).map((s) => s.name).sort(), names);
});

test("SimulatorOptions is the core's flags in camelCase, limits (the SDK's names) and onWebhook", () => {
  const { program, file } = check("options", { module: "node16", moduleResolution: "node16" }, 'import type { SimulatorOptions } from "paysg-sim";\nexport type O = SimulatorOptions;\n');
  const checker = program.getTypeChecker();
  const alias = file.statements.find((s) => ts.isTypeAliasDeclaration(s));
  const props = checker.getTypeAtLocation(alias.name).getProperties().map((p) => p.name).sort();
  assert.deepEqual(props, [...flags.map((f) => f.camel), "limits", "onWebhook"].sort());
});

// The shapes `Simulator`'s methods resolve to are serde's output of the Rust structs (the
// payment, model::Attempt, model::Email, the store's summary) and the core's `json!` answers (pay,
// clock, state, webhooks), their TypeScript generated from the Rust definitions; `flags()`'s is
// the binding's flag struct. A simulator in the packed package makes each, the payment in each
// state an action leaves it in (a failed attempt on an unpaid one, cancelled, paid and partly
// then fully refunded, paid out; with and without line items), and every object's keys are the
// declared properties (an optional one may be absent, but each is present somewhere; for a
// declared Record, its values are the declared type), at every depth.
test("Simulator's declared results have exactly the keys the core's structs serialise", async () => {
  writeFileSync(join(project, "sim-shapes.mjs"), `import { createSimulator } from "paysg-sim";
const sim = await createSimulator({ webhookSecret: "s", onWebhook: () => ({ status: 200 }) });
const base = sim.baseUrl + "/v1/payment-services/payment_service_shapes/payments";
const headers = { "x-api-key": "paysg_stag_shapes", "content-type": "application/json" };
const post = async (url, body) => (await sim.fetch(url, { method: "POST", headers, body: JSON.stringify(body) })).text();
const create = async (more) => JSON.parse(await post(base, { reference_id: "R", payer_name: "P", description: "D", amount_in_cents: 100, payer_email: "p@example.com", ...more }));
const p = await create({ line_items: [{ description: "L", amount_in_cents: 100 }], return_url: "https://example.com/back" });
const q = await create({ metadata: { k: "v" } });
const r = await create({});
await post(base + "/" + p.id + "/send-email", {});
const out = { pay: [await sim.pay(p.id), await sim.pay(r.id)], failAttempt: [await sim.failAttempt(q.id)], cancel: [await sim.cancel(q.id)] };
out.refund = [await sim.refund(p.id, 40), await sim.refund(p.id, 60)];
out.payout = [await sim.payout(p.id), await sim.payout(r.id)];
let webhooks;
for (let i = 0; i < 250 && (webhooks = await sim.webhooks()).attempts.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
Object.assign(out, { webhooks: [webhooks], emails: [await sim.emails()], advanceClock: [await sim.advanceClock(1000)], state: [await sim.state()] });
await sim.close();
console.log(JSON.stringify(out));
`);
  const r = await runNode(["sim-shapes.mjs"], project);
  assert.equal(r.stderr, "");
  const results = JSON.parse(r.stdout);
  // The states the run meant to cover.
  assert.deepEqual(results.failAttempt.map((x) => x.latest_status), ["unpaid"]);
  assert.deepEqual(results.cancel.map((x) => x.latest_status), ["cancelled"]);
  assert.deepEqual(results.refund.map((x) => x.refund_status), ["partially_refunded", "fully_refunded"]);
  assert.ok(results.payout.every((x) => x.payment_status === "paid" && typeof x.payout_id === "string"));
  assert.deepEqual(results.pay.map((x) => typeof x.redirect_url), ["string", "object"]);
  const { program, file } = check("results", { module: "node16", moduleResolution: "node16" }, 'import type { Simulator } from "paysg-sim";\nexport type S = Simulator;\n');
  const checker = program.getTypeChecker();
  const alias = file.statements.find((s) => ts.isTypeAliasDeclaration(s));
  const simulator = checker.getTypeAtLocation(alias.name);
  const kinds = { number: ts.TypeFlags.NumberLike, string: ts.TypeFlags.StringLike, boolean: ts.TypeFlags.BooleanLike, object: ts.TypeFlags.Null };
  const optional = new Map(); // "Type.property" of each optional property met: whether any value had it
  const compare = (value, type, where) => {
    const kind = value === null ? "object" : typeof value;
    const parts = type.isUnion() ? type.types : [type];
    const any = ts.TypeFlags.Any | ts.TypeFlags.Unknown;
    assert.ok(!parts.some((t) => t.flags & any), `${where}: declared ${checker.typeToString(type)}, which says nothing`);
    if (kind in kinds && !(value !== null && kind === "object")) assert.ok(parts.some((t) => t.flags & (kinds[kind] | any)), `${where}: ${JSON.stringify(value)}, declared ${checker.typeToString(type)}`);
    type = checker.getNonNullableType(type);
    if (Array.isArray(value)) {
      assert.ok(checker.isArrayType(type), `${where}: an array, declared ${checker.typeToString(type)}`);
      assert.ok(value.length > 0, `${where}: the run made none`);
      for (const [i, v] of value.entries()) compare(v, checker.getTypeArguments(type)[0], `${where}[${i}]`);
    } else if (value !== null && typeof value === "object") {
      const props = type.getProperties();
      const index = checker.getIndexTypeOfType(type, ts.IndexKind.String);
      if (index && props.length === 0) {
        for (const [k, v] of Object.entries(value)) compare(v, index, `${where}.${k}`);
        return;
      }
      const isOptional = (p) => (p.flags & ts.SymbolFlags.Optional) !== 0;
      for (const p of props.filter(isOptional)) {
        const key = `${checker.typeToString(type)}.${p.name}`;
        optional.set(key, optional.get(key) || p.name in value);
      }
      const declared = props.filter((p) => !isOptional(p) || p.name in value);
      assert.deepEqual(Object.keys(value).sort(), declared.map((p) => p.name).sort(), `${where}: keys`);
      for (const p of declared) compare(value[p.name], checker.getTypeOfSymbolAtLocation(p, alias), `${where}.${p.name}`);
    }
  };
  const { program: fp, file: ff } = check("flags-result", { module: "node16", moduleResolution: "node16" }, 'import { flags } from "paysg-sim";\nexport const f = flags;\n');
  const fc = fp.getTypeChecker();
  const fDecl = ff.statements.find((s) => ts.isVariableStatement(s)).declarationList.declarations[0];
  const declared = fc.getTypeAtLocation(fDecl.name).getCallSignatures()[0].getReturnType();
  const element = fc.getTypeArguments(fc.getNonNullableType(declared))[0];
  for (const f of flags) assert.deepEqual(Object.keys(f).sort(), element.getProperties().map((p) => p.name).sort(), `flags(): --${f.name}'s keys`);
  const methods = simulator.getProperties().filter((p) => checker.getTypeOfSymbolAtLocation(p, alias).getCallSignatures().length).map((p) => p.name);
  // Every method resolving to data is run: the rest resolve to nothing (or are fetch).
  assert.deepEqual(methods.filter((m) => !(m in results)).sort(), ["close", "fetch", "reset"]);
  for (const [method, values] of Object.entries(results)) {
    const signature = checker.getTypeOfSymbolAtLocation(simulator.getProperty(method), alias).getCallSignatures()[0];
    for (const [i, value] of values.entries()) compare(value, checker.getAwaitedType(signature.getReturnType()), `${method}()#${i}`);
  }
  assert.deepEqual([...optional].filter(([, seen]) => !seen), [], "optional properties no value had");
  assert.ok(optional.size > 0);
});

// The results' declarations are generated: the shipped index.d.ts holds exactly what the
// shipped wasm's Rust renders (`declarations()`, between its marker lines), once, and the
// hand-written part (sim/pkg/src/index.d.ts) declares none of those names again (interfaces of
// one name merge, so a stale hand-written copy would pass unseen).
test("the shipped declarations of the results are what the Rust definitions generate", async () => {
  const shipped = join(project, "node_modules", "paysg-sim", "dist");
  const core = await import(pathToFileURL(join(root, "sim", "pkg", "gen", "paysg_sim.js")).href);
  core.initSync({ module: new WebAssembly.Module(readFileSync(join(shipped, "paysg_sim_bg.wasm"))) });
  const generated = core.declarations();
  const text = readFileSync(join(shipped, "index.d.ts"), "utf8");
  assert.equal(text.split(generated).length, 2, "the generated declarations, once");
  const [begin, end] = [generated.split("\n")[0], generated.trimEnd().split("\n").at(-1)];
  assert.equal(text.split(begin).length, 2);
  assert.equal(text.split(end).length, 2);
  const names = [...generated.matchAll(/^export interface (\w+)/gm)].map((m) => m[1]);
  assert.ok(["Payment", "PayResult", "ClockResult", "SimulatorState", "WebhookLog", "WebhookAttempt", "Email", "Flag"].every((n) => names.includes(n)), names.join());
  const written = readFileSync(join(root, "sim", "pkg", "src", "index.d.ts"), "utf8");
  for (const n of names) assert.doesNotMatch(written, new RegExp(`\\b(interface|type|class)\\s+${n}\\b`), `${n} is declared by hand too`);
  // Nothing else of the hand-written part is lost or changed.
  assert.ok(text.endsWith(written));
});

test("npx paysg-sim --version is the package's version, which is the Rust crates'", async () => {
  const { version } = JSON.parse(readFileSync(join(project, "node_modules", "paysg-sim", "package.json"), "utf8"));
  const r = await runNode([join(project, "node_modules", "paysg-sim", "dist", "cli.mjs"), "--version"], project);
  assert.equal(r.stdout.trim(), `paysg-sim ${version}`);
  for (const crate of ["sim", "sim/wasm", "sim/core"]) {
    const toml = readFileSync(join(root, crate, "Cargo.toml"), "utf8");
    assert.equal(/^version = "([^"]+)"/m.exec(toml)?.[1], version, `${crate}/Cargo.toml`);
  }
});
