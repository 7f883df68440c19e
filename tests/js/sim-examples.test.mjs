// The examples of docs/paysg-sim.md are the files in sim/pkg/examples (checked verbatim), and
// they pass: the node:test one (in-process) and the Miniflare one (a Worker calling the
// simulator over HTTP, webhooks delivered to the Worker's own fetch handler), run as a user
// would, with `node --test` in a project that installed paysg and paysg-sim.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { root, testProject } from "./helpers.mjs";

const examples = join(root, "sim", "pkg", "examples");
const docs = readFileSync(join(root, "docs", "paysg-sim.md"), "utf8");
let dir;

before(() => {
  const project = testProject();
  dir = join(project, "sim-examples");
  cpSync(examples, dir, { recursive: true });
  // The Miniflare example's own dev dependencies, as the user's project has them.
  for (const name of ["miniflare", "wrangler"]) {
    const link = join(project, "node_modules", name);
    if (!existsSync(link)) symlinkSync(join(root, "node_modules", name), link);
  }
  mkdirSync(join(project, "node_modules", ".bin"), { recursive: true });
  const bin = join(project, "node_modules", ".bin", "wrangler");
  if (!existsSync(bin)) symlinkSync(join(root, "node_modules", ".bin", "wrangler"), bin);
});

for (const file of readdirSync(examples)) {
  test(`docs/paysg-sim.md shows examples/${file} verbatim`, () => {
    const m = docs.match(new RegExp(`<!-- example: sim/pkg/examples/${file.replace(/[.]/g, "\\.")} -->\\n\`\`\`js\\n([\\s\\S]*?)\`\`\``));
    assert.ok(m, `no example block for ${file}`);
    assert.equal(m[1], readFileSync(join(examples, file), "utf8"));
  });
}

for (const file of readdirSync(examples).filter((f) => f.endsWith(".test.mjs"))) {
  test(`examples/${file} passes under node --test`, () => {
    const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" };
    delete env.NODE_TEST_CONTEXT; // a test runner of its own, not a child of this one
    const r = spawnSync(process.execPath, ["--test", "--test-reporter=tap", file], { cwd: dir, encoding: "utf8", env });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /# pass 1/);
  });
}
