// `npx paysg-sim [flags]`: the native binary's flags (the core's table) and output;
// `npx paysg-sim send-webhook …` is send-webhook.js.
import { flags, start } from "./start.js";
import { commandsHelp, sendWebhook } from "./send-webhook.js";
// start.js has initialised the module by now (imports run first, in order).
import { version } from "../gen/paysg_sim.js";

const table = flags();
// The crate version of sim/wasm (the native binary's; tests check package.json's against it).
const VERSION = version();

function help() {
  const lines = ["A local PaySG: the REST API, payment pages, idempotency, signed webhooks and faults on demand.", "", "Usage: paysg-sim [OPTIONS]", "", "Options:"];
  for (const f of table) {
    const head = f.kind === "switch" ? `--${f.name}` : `--${f.name} <${f.value}>`;
    lines.push(`      ${head}`);
    lines.push(`          ${f.help}${f.default ? ` [default: ${f.default}]` : ""}`);
  }
  lines.push("  -h, --help", "          Print help", "  -V, --version", "          Print version", "", commandsHelp());
  return lines.join("\n");
}

function parse(argv) {
  const pairs = [];
  const byName = new Map(table.map((f) => [f.name, f]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-h" || arg === "--help") return { help: true };
    if (arg === "-V" || arg === "--version") return { version: true };
    const m = /^--([a-z0-9-]+)(?:=(.*))?$/s.exec(arg);
    const f = m && byName.get(m[1]);
    if (!f) return { error: `unexpected argument '${arg}'` };
    if (f.kind === "switch") {
      if (m[2] !== undefined) return { error: `--${f.name} takes no value` };
      pairs.push([f.name, ""]);
    } else {
      const value = m[2] ?? argv[++i];
      if (value === undefined) return { error: `--${f.name} needs a value <${f.value}>` };
      pairs.push([f.name, value]);
    }
  }
  return { pairs };
}

if (process.argv[2] === "send-webhook") {
  process.exitCode = await sendWebhook(process.argv.slice(3));
} else {
  await serve(process.argv.slice(2));
}

/** The simulator's server: the flags, then listen until SIGINT or SIGTERM. */
async function serve(argv) {
  const args = parse(argv);
  if (args.help) {
    console.log(help());
    process.exit(0);
  }
  if (args.version) {
    console.log(`paysg-sim ${VERSION}`);
    process.exit(0);
  }
  if (args.error) {
    console.error(`paysg-sim: ${args.error}\n\nFor more information, try '--help'.`);
    process.exit(2);
  }
  let running;
  try {
    running = await start(args.pairs, { js: false, serve: true });
  } catch (e) {
    console.error(`paysg-sim: ${e?.message ?? e}`);
    process.exit(1);
  }
  console.log(`listening on ${running.url}`);
  const stop = async () => {
    await running.close();
    console.error("paysg-sim: stopped");
    process.exit(0);
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}
