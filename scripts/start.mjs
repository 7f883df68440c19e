// `npm start`: builds the package when it is missing or older than its sources, then serves www/
// (the demo e-service) with the built package on http://127.0.0.1:<port>. Ctrl-C stops it.
// The full demo (a Worker in workerd against the PaySG simulator) is the subject of a later issue;
// until then the page shows the package loading in the browser.
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { existsSync, readFileSync, statSync, readdirSync } from "node:fs";
import { dirname, extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const newest = (dir) => readdirSync(dir, { withFileTypes: true, recursive: true })
  .filter((e) => e.isFile()).reduce((t, e) => Math.max(t, statSync(join(e.parentPath, e.name)).mtimeMs), 0);
const built = join(root, "pkg", "dist", "paysg_bg.wasm");
if (!existsSync(built) || statSync(built).mtimeMs < Math.max(newest(join(root, "src")), newest(join(root, "pkg", "src")))) {
  execFileSync(process.execPath, [join(root, "scripts", "build.mjs")], { stdio: "inherit" });
}

const types = { ".html": "text/html; charset=utf-8", ".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm", ".css": "text/css" };
const mounts = [["/paysg/", join(root, "pkg", "dist")], ["/", join(root, "www")]];
const server = createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
  for (const [prefix, dir] of mounts) {
    if (!path.startsWith(prefix)) continue;
    let file = join(dir, path.slice(prefix.length));
    if (file.endsWith("/") || file === dir) file = join(file, "index.html");
    if (file.startsWith(dir) && existsSync(file) && statSync(file).isFile()) {
      res.writeHead(200, { "content-type": types[extname(file)] || "application/octet-stream" });
      res.end(readFileSync(file));
      return;
    }
  }
  res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
});
const port = Number(process.env.PORT || 8787);
server.listen(port, "127.0.0.1", () => {
  console.log(`paysg demo: open http://127.0.0.1:${server.address().port}/  (Ctrl-C to stop)`);
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => server.close(() => process.exit(0)));
