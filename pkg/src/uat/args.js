// The command line of `npx paysg`: `paysg uat [flags]` and `--help`. Pure: `parseArgs(argv, env)`
// returns what to do, or the problem (exit status 2), naming the flag, the rule and what was
// given, never an API key or a webhook secret.

export const USAGE = `Usage: npx paysg uat [flags]

Runs PaySG's UAT rehearsal (guide: start-an-api-integration/uat-checklist) against staging or
paysg-sim with the paysg package, and writes the evidence PaySG asks for: uat-<date>.csv (case,
how it was run, expected, response received, time taken end to end in ms, Pass/Fail) and
uat-<date>.md, a summary to attach. Progress on stderr; the two file paths on stdout.
Exit status: 0 when every case passes, 1 when one fails, 2 for bad arguments.

Flags:
  --api-key <key>              a paysg_stag_ key (else PAYSG_API_KEY)
  --payment-service-id <id>    payment_service_… (else PAYSG_PAYMENT_SERVICE_ID)
  --base-url <url>             the API's base URL (else PAYSG_BASE_URL; default: from the key)
  --out <dir>                  where to write the evidence (default .)
  --pay-timeout <s>            how long to wait for a person to pay on staging (default 600),
                               and at most 60 s (or this, if shorter) for the webhook
  --webhook-port <port>        listen on this port for PaySG's signed payment.succeeded
  --webhook-secret <s>         the endpoint's webhook secret (with --webhook-port)
  --help                       this text

Against paysg-sim (npx paysg-sim) the runner pays through the simulator; on staging it prints
the payment_url for a person to pay and waits.`;

const FLAGS = {
  "--api-key": "apiKey",
  "--payment-service-id": "paymentServiceId",
  "--base-url": "baseUrl",
  "--out": "out",
  "--pay-timeout": "payTimeout",
  "--webhook-port": "webhookPort",
  "--webhook-secret": "webhookSecret",
};

const problem = (message) => ({ action: "error", message });

/** `{ action: "help" }`, `{ action: "uat", config }` or `{ action: "error", message }`. */
export function parseArgs(argv, env = {}) {
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") return { action: "help" };
  if (argv[0] !== "uat") return problem(`unknown command ${JSON.stringify(argv[0])}: the command is \`uat\` (npx paysg uat --help)`);
  const given = {};
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") return { action: "help" };
    const eq = arg.indexOf("=");
    const flag = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    const name = FLAGS[flag];
    if (!name) return problem(`unknown flag ${JSON.stringify(flag.slice(0, 40))} (npx paysg uat --help lists the flags)`);
    let value;
    if (flag !== arg) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) value = argv[++i];
    else return problem(`${flag} needs a value`);
    if (name in given) return problem(`${flag} is given twice`);
    given[name] = value;
  }
  const pick = (name, envName) => (given[name] !== undefined ? given[name] : env[envName] === "" ? undefined : env[envName]);
  const config = {
    apiKey: pick("apiKey", "PAYSG_API_KEY"),
    paymentServiceId: pick("paymentServiceId", "PAYSG_PAYMENT_SERVICE_ID"),
    baseUrl: pick("baseUrl", "PAYSG_BASE_URL"),
    out: given.out ?? ".",
    webhookSecret: given.webhookSecret,
  };
  if (config.apiKey === undefined) return problem("no API key: pass --api-key or set PAYSG_API_KEY");
  if (config.paymentServiceId === undefined) return problem("no payment service id: pass --payment-service-id or set PAYSG_PAYMENT_SERVICE_ID");
  if (config.apiKey.trim() === "") return problem("the API key is empty (--api-key or PAYSG_API_KEY)");
  if (config.out === "") return problem("--out must name a folder");

  const payTimeout = given.payTimeout ?? "600";
  if (!/^\d+$/.test(payTimeout) || +payTimeout < 1 || +payTimeout > 86_400) {
    return problem(`--pay-timeout must be a whole number of seconds from 1 to 86400; got ${JSON.stringify(payTimeout.slice(0, 40))}`);
  }
  config.payTimeoutMs = +payTimeout * 1000;

  if ((given.webhookPort === undefined) !== (given.webhookSecret === undefined)) {
    return problem(given.webhookPort === undefined ? "--webhook-secret needs --webhook-port (the port the runner listens on for PaySG's webhook)" : "--webhook-port needs --webhook-secret (the endpoint's secret, to verify PaySG-Signature)");
  }
  if (given.webhookPort !== undefined) {
    if (!/^\d+$/.test(given.webhookPort) || +given.webhookPort < 1 || +given.webhookPort > 65_535) {
      return problem(`--webhook-port must be a port number from 1 to 65535; got ${JSON.stringify(given.webhookPort.slice(0, 40))}`);
    }
    if (given.webhookSecret === "") return problem("--webhook-secret is empty");
    config.webhookPort = +given.webhookPort;
  }
  return { action: "uat", config };
}
