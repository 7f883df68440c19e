// The running package's surface against its declarations, both ways. From the packed packages as
// they run (paysg, paysg/validate, paysg-sim, paysg-sim/durable; their Node, workerd and browser
// builds) it reads every export, every class's static and prototype members, the own properties
// of an instance of every class, of errors as the client throws them and of the objects
// `memoryStore`, `durableObjectStore`, `createSimulator` and `toJSON` return, and every
// function's and method's parameters (their names, parsed from the function's source); from the
// declarations a user's TypeScript resolves (the compiler's checker over the installed
// `dist/*.d.ts`) it reads the same. Each run-time member must be declared, each declared member
// must exist at run time (an optional property may be absent), and each function must take the
// parameters it is declared with: as many, by the same names, none required that the code treats
// as optional. The `attemptTimeoutMs` drift (issue 22) is proved to fail it, below.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as nodeModule from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, test } from "node:test";
import { root, testProject } from "./helpers.mjs";
import { constructorParameters, isClass, parameterNames, runtimeMembers } from "./runtime-surface.mjs";

const ts = nodeModule.createRequire(import.meta.url)(join(root, "node_modules", "typescript"));

/**
 * The entries compared: the package and subpath, the export condition whose file is loaded (the
 * workerd and browser builds too: a Node module hook gives their `.wasm` imports), and the
 * specifier whose declarations TypeScript resolves for it.
 */
const entries = {
  paysg: { pkg: "paysg", sub: ".", condition: "node" },
  "paysg (workerd)": { pkg: "paysg", sub: ".", condition: "workerd", types: "paysg" },
  "paysg (browser)": { pkg: "paysg", sub: ".", condition: "browser", types: "paysg" },
  "paysg/validate": { pkg: "paysg", sub: "./validate", condition: "node" },
  "paysg/validate (workerd)": { pkg: "paysg", sub: "./validate", condition: "workerd", types: "paysg/validate" },
  "paysg/validate (browser)": { pkg: "paysg", sub: "./validate", condition: "browser", types: "paysg/validate" },
  "paysg-sim": { pkg: "paysg-sim", sub: ".", condition: "node" },
  "paysg-sim (workerd)": { pkg: "paysg-sim", sub: ".", condition: "workerd", types: "paysg-sim" },
  "paysg-sim/durable": { pkg: "paysg-sim", sub: "./durable", condition: "workerd" },
};
for (const [label, e] of Object.entries(entries)) e.types ??= label;

/** A Node module hook that loads a `.wasm` import as a compiled `WebAssembly.Module`, as workerd does. */
const wasmHook = `export async function load(url, context, next) {
  if (!url.endsWith(".wasm")) return next(url, context);
  return { format: "module", shortCircuit: true, source: "import { readFileSync } from 'node:fs';\\nexport default new WebAssembly.Module(readFileSync(new URL(" + JSON.stringify(url) + ")));" };
}`;

/**
 * An instance of each exported class, made with valid arguments, so its own properties can be
 * read. A class exported without one here fails the test: add it.
 */
const samples = {
  PaySG: (m) => new m.PaySG({ apiKey: "paysg_stag_surfacetestkey0123456789", paymentServiceId: "payment_service_surface", baseUrl: "https://paysg.invalid" }),
  PaySGError: (m) => new m.PaySGError("message", { code: "some_code", cause: new Error("cause") }),
  PaySGValidationError: (m) => new m.PaySGValidationError([{ field: "amount_in_cents", code: "required", message: "amount_in_cents is required" }], "payment"),
  PaySGApiError: (m) => new m.PaySGApiError({ status: 500, type: "api_error", code: "internal", message: "boom", data: {}, requestId: "req_1", retryable: true }),
  PaySGConnectionError: (m) => new m.PaySGConnectionError("no route", new Error("ECONNREFUSED")),
  PaySGTimeoutError: (m) => new m.PaySGTimeoutError(1000),
  PaySGSignatureError: (m) => new m.PaySGSignatureError("mismatch", "signature does not match"),
  PaySGSimulator: (m) => new m.PaySGSimulator({ storage: {}, blockConcurrencyWhile: async (f) => f() }, {}),
  PaySGWebhookEvents: (m) => new m.PaySGWebhookEvents({ storage: {}, blockConcurrencyWhile: async (f) => f() }, {}),
};

/** What methods return, compared with their declared return type: class → method → how to call it. */
const methodResults = {
  PaySG: { toJSON: (instance) => instance.toJSON() },
};

/**
 * Errors as the package throws them (the client adds `attempts` and `idempotencyKey`), compared
 * with their class's declaration: no property the client sets may be undeclared.
 */
const thrown = {
  paysg: [
    (m) => client(m, async () => { throw new TypeError("fetch failed"); }).createPayment(payment),
    (m) => client(m, async () => new Response(JSON.stringify({ error: { type: "api_error", code: "internal", message: "boom", data: {} } }), { status: 500, headers: { "x-request-id": "req_1" } })).createPayment(payment),
    (m) => client(m, () => new Promise(() => {}), { timeoutMs: 50 }).getPayment("payment_1"),
    (m) => client(m, async () => { throw new Error("not called"); }).createPayment({}),
    async (m) => m.verifyWebhook("{}", "t=1,v1=00", "whsec_surface"),
  ],
};
const payment = { amount_in_cents: 100, reference_id: "order-1", payer_name: "Tan Ah Kow", payer_address: "1 Main St", payer_identifier: "S1234567D", payer_email: "tan@example.com", description: "Licence fee" };
const client = (m, fetch, options = {}) => new m.PaySG({ apiKey: "paysg_stag_surfacetestkey0123456789", paymentServiceId: "payment_service_surface", baseUrl: "https://paysg.invalid", fetch, maxRetries: 0, ...options });

/** Objects functions return whose members are compared too: export → how to get one. */
const results = {
  memoryStore: async (m) => m.memoryStore(),
  createWebhookHandler: async (m) => m.createWebhookHandler({ secret: "whsec_surface", store: m.memoryStore(), onEvent() {} }),
  durableObjectStore: async (m) => m.durableObjectStore({ idFromName: (name) => name, get: () => ({ fetch: async () => Response.json({ result: null }) }) }),
  createSimulator: async (m) => m.createSimulator(),
};

let project, checker, modules;
/** Run-time module and declared module symbol per entry. */
const loaded = {};
const closers = [];

before(async () => {
  project = testProject();
  // module.register is Node 20.6+; without it the Workers-only entry is left out.
  if (typeof nodeModule.register === "function") nodeModule.register(`data:text/javascript,${encodeURIComponent(wasmHook)}`);
  else for (const [label, e] of Object.entries(entries)) if (e.condition !== "node") delete entries[label];
  for (const [label, { pkg, sub, condition }] of Object.entries(entries)) {
    const dir = join(project, "node_modules", pkg);
    const meta = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    const target = meta.exports[sub];
    const chosen = target[condition] ?? target.default;
    const file = typeof chosen === "string" ? chosen : chosen.import;
    loaded[label] = { runtime: await import(pathToFileURL(join(dir, file)).href) };
  }
  ({ checker, modules } = declarations());
  for (const [label, e] of Object.entries(entries)) loaded[label].module = modules[e.types];
});

/**
 * The declarations a user's TypeScript sees: a consumer file importing every entry, checked as a
 * user's project checks it. `edit(fileName, text)` may change a declaration file's text as read.
 */
function declarations(edit = (_, text) => text) {
  const dir = join(project, "ts", "surface");
  mkdirSync(dir, { recursive: true });
  const consumer = join(dir, "surface.mts");
  const specifiers = [...new Set(Object.values(entries).map((e) => e.types))];
  writeFileSync(consumer, specifiers.map((e, i) => `import * as m${i} from "${e}";\nexport { m${i} };\n`).join(""));
  const options = { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true, types: [] };
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  host.readFile = (file) => {
    const text = read(file);
    return text === undefined ? text : edit(file, text);
  };
  const program = ts.createProgram([consumer], options, host);
  const checker = program.getTypeChecker();
  const imports = program.getSourceFile(consumer).statements.filter((s) => ts.isImportDeclaration(s));
  const modules = {};
  specifiers.forEach((specifier, i) => {
    modules[specifier] = checker.getSymbolAtLocation(imports[i].moduleSpecifier);
    assert.ok(modules[specifier], `the declarations of ${specifier} resolve`);
  });
  return { checker, modules };
}

/** The problems `compareEntry(label)` finds in declarations edited by `edit`. */
async function problemsWith(label, edit) {
  const saved = { checker, module: loaded[label].module };
  try {
    const d = declarations(edit);
    checker = d.checker;
    loaded[label].module = d.modules[entries[label].types];
    return await compareEntry(label);
  } finally {
    checker = saved.checker;
    loaded[label].module = saved.module;
  }
}

after(async () => {
  for (const close of closers) await close();
});

const resolved = (s) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
const declarationOf = (s) => s.valueDeclaration ?? s.declarations?.[0];
const typeOf = (s) => checker.getTypeOfSymbolAtLocation(s, declarationOf(s));
/** Whether a declaration is the package's own (not TypeScript's lib: Error's `message`, `stack`). */
const ours = (s) => (s.declarations ?? []).some((d) => /node_modules[\\/]paysg(-sim)?[\\/]/.test(d.getSourceFile().fileName));
const isOptional = (s) => (s.flags & ts.SymbolFlags.Optional) !== 0;

/** The declared parameters of a call or construct signature set: the longest, and how many are required. */
function declaredParameters(signatures) {
  assert.ok(signatures.length > 0);
  const longest = signatures.reduce((a, b) => (b.parameters.length > a.parameters.length ? b : a));
  const required = Math.min(...signatures.map((s) => s.minArgumentCount));
  return {
    names: longest.parameters.map((p) => {
      const d = p.valueDeclaration;
      const dots = d && ts.isParameter(d) && d.dotDotDotToken ? "..." : "";
      return d && ts.isParameter(d) && !ts.isIdentifier(d.name) ? (ts.isObjectBindingPattern(d.name) ? "{…}" : "[…]") : dots + p.name;
    }),
    required,
  };
}

/** Problems of one function's parameters against its declared signatures. */
function compareParameters(where, fn, runtimeParams, signatures) {
  const problems = [];
  if (signatures.length === 0) return [`${where}: a function at run time, declared as something that cannot be called`];
  const declared = declaredParameters(signatures);
  const names = runtimeParams.map((p) => p.name);
  if (names.length !== declared.names.length || names.some((n, i) => n !== declared.names[i])) {
    problems.push(`${where}: takes (${names.join(", ")}) at run time, declared (${declared.names.join(", ")})`);
  }
  // A parameter the code gives a default is optional: the declarations must not require it.
  const firstDefault = runtimeParams.findIndex((p) => p.optional || p.rest);
  if (firstDefault !== -1 && declared.required > firstDefault) {
    problems.push(`${where}: parameter ${firstDefault + 1} (${names[firstDefault]}) has a default at run time, declared required (${declared.required} required)`);
  }
  if (fn.length > runtimeParams.length) problems.push(`${where}: length ${fn.length} but ${runtimeParams.length} parameters parsed`);
  return problems;
}

/**
 * Problems of a run-time object (an instance, a class's static side, a returned handle) against
 * the declared type: members both ways, and the parameters of each method.
 */
function compareMembers(where, value, type, { statics = false } = {}) {
  const problems = [];
  const members = runtimeMembers(value, { statics });
  const declared = new Map(checker.getPropertiesOfType(type).filter((s) => !(statics && s.name === "prototype")).map((s) => [s.name, s]));
  for (const [name, member] of members) {
    const symbol = declared.get(name);
    if (!symbol) {
      problems.push(`${where}.${name}: a ${member.kind} at run time, not declared`);
      continue;
    }
    if (member.kind === "method") {
      const params = parameterNames(member.fn);
      problems.push(...compareParameters(`${where}.${name}`, member.fn, params, typeOf(symbol).getCallSignatures()));
    }
  }
  for (const [name, symbol] of declared) {
    if (!ours(symbol) || members.has(name) || name in value) continue;
    if (isOptional(symbol)) continue;
    problems.push(`${where}.${name}: declared, missing at run time`);
  }
  return problems;
}

/** Problems of one entry: its exports both ways, and each export's surface. */
async function compareEntry(label) {
  const { runtime, module } = loaded[label];
  const problems = [];
  const declared = new Map(checker.getExportsOfModule(module).map((s) => [s.name, resolved(s)]).filter(([, s]) => s.flags & ts.SymbolFlags.Value));
  for (const name of Object.keys(runtime)) if (!declared.has(name)) problems.push(`${label}: export ${name} at run time, not declared`);
  for (const name of declared.keys()) if (!(name in runtime)) problems.push(`${label}: export ${name} declared, missing at run time`);
  for (const [name, value] of Object.entries(runtime)) {
    const symbol = declared.get(name);
    if (!symbol) continue;
    const type = typeOf(symbol);
    if (isClass(value)) {
      if (!(symbol.flags & ts.SymbolFlags.Class)) problems.push(`${label}: ${name} is a class at run time, not declared as one`);
      problems.push(...compareParameters(`${label}: new ${name}`, value, constructorParameters(value), type.getConstructSignatures()));
      problems.push(...compareMembers(`${label}: ${name}`, value, type, { statics: true }));
      const make = samples[name];
      if (!make) {
        problems.push(`${label}: class ${name} has no sample instance in surface.test.mjs: add one`);
        continue;
      }
      const instance = make(runtime);
      problems.push(...compareMembers(`${label}: ${name}#`, instance, checker.getDeclaredTypeOfSymbol(symbol)));
      for (const [method, call] of Object.entries(methodResults[name] ?? {})) {
        const declaredMethod = checker.getPropertyOfType(checker.getDeclaredTypeOfSymbol(symbol), method);
        const returned = checker.getReturnTypeOfSignature(typeOf(declaredMethod).getCallSignatures().at(-1));
        problems.push(...compareMembers(`${label}: ${name}#${method}()`, call(instance), returned));
      }
    } else if (typeof value === "function") {
      problems.push(...compareParameters(`${label}: ${name}`, value, parameterNames(value), type.getCallSignatures()));
      if (results[name]) {
        const result = await results[name](runtime);
        if (typeof result?.close === "function") closers.push(() => result.close());
        const signature = type.getCallSignatures().at(-1);
        let returned = checker.getReturnTypeOfSignature(signature);
        returned = checker.getAwaitedType?.(returned) ?? returned;
        if (typeof result === "function") problems.push(...compareParameters(`${label}: ${name}()`, result, parameterNames(result), returned.getCallSignatures()));
        else problems.push(...compareMembers(`${label}: ${name}()`, result, returned));
      }
    } else if (value !== null && typeof value === "object") {
      // An object export (paysg-sim/durable's default Worker): its members, as an instance's.
      problems.push(...compareMembers(`${label}: ${name}`, value, type));
    }
  }
  for (const make of thrown[entries[label].types] ?? []) {
    let error;
    try {
      await make(runtime);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof runtime.PaySGError, `${make} throws a PaySGError: ${error}`);
    const symbol = declared.get(error.constructor.name);
    if (!symbol) {
      problems.push(`${label}: thrown ${error.constructor.name} is not a declared export`);
      continue;
    }
    problems.push(...compareMembers(`${label}: thrown ${error.constructor.name}`, error, checker.getDeclaredTypeOfSymbol(symbol)));
  }
  return problems;
}

describe("the running package against its declarations, both ways", () => {
  for (const label of Object.keys(entries)) {
    test(label, async (t) => {
      if (!loaded[label]) return t.skip("module.register (Node 20.6+) is needed to load its .wasm import");
      const problems = await compareEntry(label);
      assert.deepEqual(problems, [], `\n${problems.join("\n")}`);
    });
  }

  test("the comparison sees what it compares (not vacuous)", () => {
    const { runtime } = loaded.paysg;
    const members = runtimeMembers(samples.PaySG(runtime));
    for (const name of ["attemptTimeoutMs", "createPayment", "toJSON", "listAllPayments"]) assert.ok(members.has(name), name);
    assert.ok(runtimeMembers(runtime.PaySG, { statics: true }).has("verifyCredentials"));
    assert.ok(Object.keys(runtime).length >= 14);
    assert.ok(checker.getExportsOfModule(loaded.paysg.module).length >= 14);
  });

  test("a drift fails it: attemptTimeoutMs not declared on PaySG, a declared method the code lacks, a parameter", async () => {
    const paysgDts = (file) => /node_modules[\\/]paysg[\\/]dist[\\/]index\.d\.ts$/.test(file);
    const once = (text, from, to) => {
      assert.equal(text.split(from).length, 2, `${from} occurs once`);
      return text.replace(from, to);
    };
    const edit = (from, to) => (file, text) => (paysgDts(file) ? once(text, from, to) : text);
    assert.deepEqual(await problemsWith("paysg", edit("  readonly attemptTimeoutMs: number;\n", "")),
      ["paysg: PaySG#.attemptTimeoutMs: a value at run time, not declared"]);
    assert.deepEqual(await problemsWith("paysg", edit("  toJSON(): {", "  refundAll(): void;\n  toJSON(): {")),
      ["paysg: PaySG#.refundAll: declared, missing at run time"]);
    assert.deepEqual(await problemsWith("paysg", edit("getPayment(paymentId: string, opts?: CallOptions)", "getPayment(paymentId: string)")),
      ["paysg: PaySG#.getPayment: takes (paymentId, opts) at run time, declared (paymentId)"]);
  });

  test("parameter names are read from the source", () => {
    assert.deepEqual(parameterNames(function f(a, { b } = {}, c = "x,)", ...d) {}).map((p) => [p.name, p.optional, p.rest]),
      [["a", false, false], ["{…}", true, false], ["c", true, false], ["...d", false, true]]);
    assert.deepEqual(parameterNames((x) => x).map((p) => p.name), ["x"]);
    assert.deepEqual(parameterNames(null, "async y => y"), [{ name: "y", optional: false, rest: false }]);
    assert.deepEqual(parameterNames(async function* g() {}).map((p) => p.name), []);
    assert.deepEqual(constructorParameters(class extends Error { constructor(m, o = {}) { super(m); } }).map((p) => p.name), ["m", "o"]);
    assert.deepEqual(constructorParameters(class A extends (class B { constructor(q) {} }) {}).map((p) => p.name), ["q"]);
    // A comment's quote or bracket is not code.
    assert.deepEqual(constructorParameters(class { /** It's { */ x; constructor(a /* b, ) */, c) {} }).map((p) => p.name), ["a", "c"]);
  });
});
