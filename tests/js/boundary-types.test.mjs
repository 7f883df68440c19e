// The JS loop is typed against the boundary's generated TypeScript: pkg/src/call.js is
// `// @ts-check` and reads a call's `Plan`, the `Attempt` in flight and every step Rust returns
// as a `CallStep` (crates/wasm/src/step.rs),
// whose union wasm-bindgen writes into pkg/gen/paysg.d.ts through tsify. A step kind or field the
// Rust enum does not have fails this test.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { test } from "node:test";
import { root } from "./helpers.mjs";

const ts = createRequire(import.meta.url)(join(root, "node_modules", "typescript"));
const callJs = join(root, "pkg", "src", "call.js");

/** The type errors TypeScript reports in call.js (other files it imports are not checked here). */
function errorsOf(file) {
  const options = {
    noEmit: true, allowJs: true, checkJs: true, skipLibCheck: true, strict: false,
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022, moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2024.d.ts", "lib.dom.d.ts"],
  };
  const program = ts.createProgram([file], options);
  return ts.getPreEmitDiagnostics(program)
    .filter((d) => d.file !== undefined && d.file.fileName.endsWith("/pkg/src/call.js"))
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

test("the generated declarations have the plan, the attempt, the step union and the no-answer names", () => {
  const dts = readFileSync(join(root, "pkg", "gen", "paysg.d.ts"), "utf8");
  assert.match(dts, /export type CallStep = \{ kind: "send"; afterMs: number;[^\n]*\| \{ kind: "done"; json: string \| null; verbatim: boolean \} \| \{ kind: "fail";/);
  assert.match(dts, /export interface Plan \{[\s\S]*?ok: true;[\s\S]*?slot: number;[\s\S]*?timing: AttemptTiming;[\s\S]*?request: HttpRequest;[\s\S]*?idempotencyKey\?: string;\n\}/);
  assert.match(dts, /export interface Attempt \{[\s\S]*?operation: string;[\s\S]*?method: "GET" \| "POST";[\s\S]*?path: string;[\s\S]*?attempt: number;[\s\S]*?idempotencyKey\?: string;\n\}/);
  assert.match(dts, /export type NoAnswer = "network" \| "timeout" \| "deadline";/);
});

test("call.js type-checks against the generated CallStep union", () => {
  assert.match(readFileSync(callJs, "utf8"), /^\/\/ @ts-check\n/);
  assert.deepEqual(errorsOf(callJs), []);
});
