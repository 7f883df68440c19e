// `npx paysg`: the paysg package's command line. `paysg uat` runs PaySG's UAT rehearsal with the
// package's public API (the import below is the package itself, as a user imports it) and writes
// the evidence. Built into dist/cli.mjs by scripts/build.mjs.
import { accessSync, constants, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import * as paysg from "paysg";
import { USAGE, parseArgs } from "../src/uat/args.js";
import { PAYER } from "../src/uat/cases.js";
import { runUat } from "../src/uat/runner.js";
import { COLUMNS, FAIL, counts, csvRows, toCsv, toMarkdown } from "../src/uat/report.js";

/** Today in Singapore (UTC+8, no daylight saving), PaySG's time zone: YYYY-MM-DD. */
function singaporeDate(ms) {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
}

/** `uat-<date>.<ext>` in `dir`, or `uat-<date>-2.<ext>`… when an earlier run's evidence is there. */
function freshNames(dir, date) {
  for (let n = 1; ; n++) {
    const stem = join(dir, n === 1 ? `uat-${date}` : `uat-${date}-${n}`);
    if (!existsSync(`${stem}.csv`) && !existsSync(`${stem}.md`)) return { csv: `${stem}.csv`, md: `${stem}.md` };
  }
}

/** Whether the client these options make would call live PaySG (the client decides the base URL). */
function liveHost(config) {
  try {
    const client = new paysg.PaySG({ apiKey: config.apiKey, paymentServiceId: config.paymentServiceId, ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}) });
    return new URL(client.baseUrl).hostname === "api.pay.gov.sg";
  } catch {
    return false; // options the client refuses: the credentials case reports them
  }
}

async function main() {
  const parsed = parseArgs(process.argv.slice(2), process.env);
  if (parsed.action === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (parsed.action === "error") {
    process.stderr.write(`paysg: ${parsed.message}\n`);
    return 2;
  }
  const { config } = parsed;
  // PaySG's UAT is in test mode ("All testing must happen in test mode"): never real money.
  if (liveHost(config)) {
    process.stderr.write("paysg: uat runs PaySG's integration tests in test mode only (a paysg_stag_ key on https://api-staging.pay.gov.sg, or paysg-sim); these options point at live PaySG (https://api.pay.gov.sg), where a payment is real money\n");
    return 2;
  }
  const out = resolve(config.out);
  try {
    mkdirSync(out, { recursive: true });
    accessSync(out, constants.W_OK); // before the run: its evidence must not be lost at the end
  } catch (e) {
    process.stderr.write(`paysg: --out ${config.out}: cannot write there (${e.code ?? e.message})\n`);
    return 2;
  }
  const started = Date.now();
  const log = (line) => process.stderr.write(`${line}\n`);
  // The first Ctrl-C stops waiting for a person's payment (the rest still runs and the evidence
  // is written); a second one exits.
  const interrupt = new AbortController();
  process.on("SIGINT", () => {
    if (interrupt.signal.aborted) process.exit(130);
    log("uat: stopping the wait for the payer (Ctrl-C again to quit without evidence)");
    interrupt.abort();
  });
  const { results, meta } = await runUat(paysg, { ...config, interrupt: interrupt.signal }, log);
  const date = singaporeDate(started);
  Object.assign(meta, { date, startedAt: new Date(started).toISOString() });
  // Whatever the runner sent that is a secret or the payer's: never in the evidence.
  const secrets = [config.apiKey, config.webhookSecret, config.apiKey?.trim(), ...Object.values(PAYER)];
  const files = freshNames(out, date);
  writeFileSync(files.csv, toCsv(COLUMNS, csvRows(results, secrets)));
  writeFileSync(files.md, toMarkdown(meta, results, secrets));
  const c = counts(results);
  log(`uat: ${c.pass} passed, ${c.fail} failed, ${c.notRun} not run`);
  process.stdout.write(`${files.csv}\n${files.md}\n`);
  return results.some((r) => r.result === FAIL) ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`paysg: ${e?.name ?? "Error"}: ${e?.message ?? e}\n`);
    process.exitCode = 1;
  },
);
