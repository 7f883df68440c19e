// The UAT evidence: the spreadsheet PaySG asks for (uat-checklist: per test "the response
// received", "the time taken … from end to end", Pass or Fail) as CSV, and a summary a person
// can read and attach, as Markdown. Pure: no I/O, no clock; the runner (cases.js) passes the
// results and the date in.

/** The spreadsheet's columns, in order. */
export const COLUMNS = ["Case", "How it was run", "Expected", "Response received", "Time taken end to end in ms", "Pass/Fail"];

/** What a case's result is: `Not run` (a webhook with no receiver) is not a failure. */
export const PASS = "Pass";
export const FAIL = "Fail";
export const NOT_RUN = "Not run";

/** What replaces a secret or a payer's details wherever it appears in the evidence. */
export const REDACTED = "[redacted]";

/**
 * `text` with every occurrence of each of `secrets` (the API key, the webhook secret, the payer's
 * name, email, address and identifier: whatever the runner sent) replaced by `[redacted]`.
 * Longest first, so a secret containing another is removed whole; values shorter than 3
 * characters are not searched for (they would blank out ordinary words).
 */
export function redact(text, secrets) {
  let out = String(text);
  const list = [...new Set(secrets.filter((s) => typeof s === "string" && s.length >= 3))].sort((a, b) => b.length - a.length);
  for (const s of list) out = out.split(s).join(REDACTED);
  return out;
}

/** The payment fields the evidence shows: ids, statuses and amounts, never the payer's details. */
const SHOWN = ["id", "reference_id", "amount_in_cents", "payment_status", "latest_status", "refund_status", "email_delivery_status"];

/** A short summary of a payment: `id=… payment_status=… amount_in_cents=…` (allow-listed fields). */
export function summarisePayment(p) {
  if (p === null || typeof p !== "object") return String(p);
  return SHOWN.filter((k) => Object.prototype.hasOwnProperty.call(p, k) && p[k] !== null && p[k] !== undefined)
    .map((k) => `${k}=${typeof p[k] === "object" ? JSON.stringify(p[k]) : p[k]}`)
    .join(", ");
}

/**
 * A cell as RFC 4180 wants it: quoted when it holds a quote, a comma, CR or LF (quotes doubled).
 * Text that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab or CR first) gets a
 * leading `'`, so opening the evidence never runs it; numbers are written as they are.
 */
export function csvCell(value) {
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  let s = value === undefined || value === null ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Rows as CSV text: RFC 4180, CRLF line ends, a header row of `columns`. */
export function toCsv(columns, rows) {
  return [columns, ...rows].map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

/**
 * Parses RFC 4180 CSV text into rows of strings (the inverse of `toCsv`, for the tests and for
 * anyone reading the evidence back).
 */
export function parseCsv(text) {
  const rows = [];
  let row = [], cell = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      // the LF ends the row
    } else if (c === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += c;
  }
  if (cell !== "" || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** Counts of `Pass`, `Fail` and `Not run`. */
export function counts(results) {
  const c = { pass: 0, fail: 0, notRun: 0 };
  for (const r of results) {
    if (r.result === PASS) c.pass++;
    else if (r.result === NOT_RUN) c.notRun++;
    else c.fail++;
  }
  return c;
}

/** The rows of the spreadsheet, with every secret and payer detail removed. */
export function csvRows(results, secrets) {
  return results.map((r) => [r.name, r.how, r.expected, r.response, Math.round(r.ms), r.result].map((v) => (typeof v === "number" ? v : redact(v, secrets))));
}

/** Markdown text on one line: pipes (table cells) and `<` (read as HTML) escaped. */
function mdCell(v) {
  return String(v).replace(/\r?\n/g, " ").replaceAll("|", "\\|").replaceAll("<", "\\<");
}

/** A code span: how a case was run is code. */
function mdCode(v) {
  const s = String(v).replace(/\r?\n/g, " ");
  return s.includes("`") ? mdCell(s) : `\`${s}\``;
}

/**
 * The summary to attach: `{ date, environment, baseUrl, paymentServiceId, simulator, version }`
 * at the top, the counts, a table of the cases, then each case's details.
 */
export function toMarkdown(meta, results, secrets) {
  const c = counts(results);
  const clean = (v) => redact(v, secrets);
  const lines = [
    `# PaySG UAT rehearsal, ${meta.date}`,
    "",
    "| | |",
    "|---|---|",
    `| Environment | ${mdCell(clean(meta.environment))}${meta.simulator ? " (paysg-sim, a local simulator)" : ""} |`,
    `| Base URL | ${mdCell(clean(meta.baseUrl))} |`,
    `| Payment service | ${mdCell(clean(meta.paymentServiceId))} |`,
    `| Date | ${mdCell(meta.date)} (${mdCell(meta.startedAt)}) |`,
    `| Runner | paysg ${mdCell(meta.version)} (\`npx paysg uat\`), ${mdCell(meta.runtime)} |`,
    `| Result | ${c.pass} passed, ${c.fail} failed, ${c.notRun} not run, of ${results.length} |`,
    "",
    "Expected outcomes cite PaySG's guide (https://guide.pay.gov.sg). Times are end to end, as the",
    "e-service sees them, in milliseconds. The API key, the webhook secret and the payer's details",
    "are removed from this report.",
    "",
    "| # | Case | Result | Time (ms) |",
    "|---|---|---|---|",
    ...results.map((r, i) => `| ${i + 1} | ${mdCell(clean(r.name))} | ${r.result} | ${Math.round(r.ms)} |`),
    "",
  ];
  results.forEach((r, i) => {
    lines.push(`## ${i + 1}. ${clean(r.name)}: ${r.result}`, "");
    lines.push(`- **How it was run:** ${mdCode(clean(r.how))}`);
    lines.push(`- **Expected:** ${mdCell(clean(r.expected))}`);
    lines.push(`- **Response received:** ${mdCell(clean(r.response))}`);
    lines.push(`- **Time taken end to end:** ${Math.round(r.ms)} ms`, "");
  });
  return lines.join("\n");
}
