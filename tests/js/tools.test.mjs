// The tests' tool cache (tests/js/helpers.mjs `tool`) on a fresh machine: several test files ask
// for the same tool at once, in separate processes. Each must get a complete install, and no one
// may see an install that another process is still writing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { root } from "./helpers.mjs";

const helpers = pathToFileURL(join(root, "tests", "js", "helpers.mjs")).href;
const PACKAGE = "is-number@7.0.0";
const REL = join("node_modules", "is-number", "package.json");

/** One process that installs PACKAGE into `dir` and prints the version it then reads. */
function installer(dir) {
  const script = `
    import { installed } from ${JSON.stringify(helpers)};
    import { readFileSync } from "node:fs";
    const file = installed(${JSON.stringify(dir)}, "is-number", [${JSON.stringify(PACKAGE)}], ${JSON.stringify(REL)});
    console.log(JSON.parse(readFileSync(file, "utf8")).version);`;
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "", err = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (err += d));
    p.on("close", (code) => resolve({ code, out: out.trim(), err }));
  });
}

test("two processes installing one package into an empty cache at once both get a complete install", async () => {
  const dir = mkdtempSync(join(tmpdir(), "paysg-tools-"));
  // Watch the entry while both install: it must hold nothing or a complete install, never a
  // partial one (the old in-place install showed its folder at once, with no executable in it).
  const partial = [];
  const watch = setInterval(() => {
    const entry = join(dir, "is-number");
    if (existsSync(entry) && !(existsSync(join(entry, REL)) && existsSync(join(entry, "node_modules", "is-number", "index.js")))) {
      partial.push(readdirSync(entry).join(","));
    }
  }, 1);
  const results = await Promise.all([installer(dir), installer(dir)]);
  clearInterval(watch);
  assert.deepEqual(partial, [], "the cache entry was seen half-installed");
  for (const r of results) {
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, "7.0.0");
  }
  // One entry, complete; no staging folder left behind.
  assert.deepEqual(readdirSync(dir), ["is-number"]);
  assert.equal(JSON.parse(readFileSync(join(dir, "is-number", REL), "utf8")).version, "7.0.0");
  // A third asks after: it uses the entry as it is (no install, so no npm run at all).
  const again = await installer(dir);
  assert.equal(again.code, 0, again.err);
  assert.equal(again.out, "7.0.0");
});

test("an interrupted earlier install (the entry without its executable) is replaced", async () => {
  const dir = mkdtempSync(join(tmpdir(), "paysg-tools-"));
  mkdirSync(join(dir, "is-number", "node_modules"), { recursive: true });
  writeFileSync(join(dir, "is-number", "package.json"), "{}");
  const r = await installer(dir);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, "7.0.0");
  assert.ok(existsSync(join(dir, "is-number", REL)));
  assert.deepEqual(readdirSync(dir), ["is-number"]);
});
