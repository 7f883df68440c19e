// `npx paysg-sim send-webhook …`: the core (sim/core/src/send, through wasm) reads the flags,
// builds and signs the event, and writes the report; this file only reads the event file, POSTs
// and prints. The native binary's subcommand (sim/src/send.rs) does the same I/O in Rust.
import { readFileSync } from "node:fs";
import "./start.js"; // initialises the wasm core
import { commandsHelp, sendWebhookArgs, sendWebhookReport, sendWebhookRequest } from "../gen/paysg_sim.js";

export { commandsHelp };

/** A random seed for the core (ids of the made-up event), from the platform's CSPRNG. */
function seed() {
  const [a, b] = globalThis.crypto.getRandomValues(new Uint32Array(2));
  return a * 2 ** 21 + (b >>> 11);
}

/** Why a fetch got no answer, in a few words (the core masks the secret in it). */
function why(e) {
  const cause = e?.cause;
  if (["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"].includes(cause?.code)) return `could not connect (${cause.code})`;
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ""}`;
  return String(cause?.message ?? e?.message ?? e);
}

/** Runs `send-webhook` with the arguments after its name; resolves to the exit status. */
export async function sendWebhook(argv) {
  const args = sendWebhookArgs(argv);
  if (args.help) {
    console.log(args.help);
    return 0;
  }
  if (args.error) {
    console.error(args.error);
    return 2;
  }
  let bytes, readError;
  if (args.event != null) {
    try {
      bytes = readFileSync(args.event);
    } catch (e) {
      readError = e?.code === "ENOENT" ? "no such file" : String(e?.message ?? e);
    }
  }
  const req = sendWebhookRequest(argv, bytes, readError, Date.now(), seed());
  if (req.error) {
    console.error(req.error);
    return 2;
  }
  for (const note of req.notes) console.error(`paysg-sim send-webhook: note: ${note}`);
  console.log(req.intro);
  const signal = AbortSignal.timeout(req.timeoutMs);
  const started = performance.now();
  let status, body = "", error;
  try {
    const res = await fetch(req.url, { method: "POST", headers: req.headers, body: req.body, redirect: "manual", signal });
    status = res.status;
    body = await res.text().catch(() => "");
  } catch (e) {
    error = signal.aborted ? "timeout" : why(e);
  }
  const report = sendWebhookReport(argv, status, body, performance.now() - started, error);
  console.log(report.text);
  return report.exit;
}
