// The README's examples are exactly the files in examples/, and those files run against the
// packed package: the Node one in Node, the Worker one in workerd.
import assert from "node:assert/strict";
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { bundleWorker, root, runNode, startMiniflare, testProject } from "./helpers.mjs";

const readme = readFileSync(join(root, "README.md"), "utf8");
const version = JSON.parse(readFileSync(join(root, "pkg", "package.json"), "utf8")).version;
let project;
before(() => {
  project = testProject();
});

/** The fenced code block that follows `<!-- example: path -->` in the README. */
function readmeExample(path) {
  const m = readme.match(new RegExp(`<!-- example: ${path.replace(/[.]/g, "\\.")} -->\\n\`\`\`js\\n([\\s\\S]*?)\`\`\``));
  assert.ok(m, `README has no example block for ${path}`);
  return m[1];
}

for (const path of ["examples/worker.js", "examples/node.mjs"]) {
  test(`README shows ${path} verbatim`, () => {
    assert.equal(readmeExample(path), readFileSync(join(root, path), "utf8"));
  });
}

test("examples/node.mjs runs", async () => {
  copyFileSync(join(root, "examples", "node.mjs"), join(project, "example-node.mjs"));
  const r = await runNode(["example-node.mjs"], project);
  assert.equal(r.stderr, "");
  assert.equal(r.stdout.trim(), `paysg ${version} loaded in Node ${process.version}`);
});

test("examples/worker.js runs in workerd", async () => {
  const out = bundleWorker(project, "example", readFileSync(join(root, "examples", "worker.js"), "utf8"));
  const mf = await startMiniflare(out);
  try {
    const res = await mf.dispatchFetch("http://localhost/hello");
    assert.deepEqual(await res.json(), { sdk: "paysg", version, url: "http://localhost/hello" });
  } finally {
    await mf.dispose();
  }
});
