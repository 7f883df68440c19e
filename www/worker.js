// The demo e-service: a Cloudflare Worker that takes payments through PaySG with the paysg
// package, exactly as an agency's e-service would. Run it with `npm start` (against paysg-sim).
//
//   GET  /                      the payment form (validated live in the browser by paysg's wasm)
//   POST /pay                   creates the payment, sends the payer to PaySG's payment page
//   GET  /return?order=…        where PaySG sends the payer back: confirmReturn against the order's payment
//   POST /webhooks/paysg        payment.succeeded webhooks, verified and recorded once
//   GET  /payments              the officer's list: cancel unpaid, refund paid
//
// The API key and the webhook secret live only in the Worker's environment.
import {
  PaySG, PaySGApiError, PaySGError, PaySGSignatureError, PaySGValidationError, validateCreatePayment, verifyWebhookRequest,
} from "paysg";
import paysgBrowser from "./static/paysg-browser.mjs.txt";
import paysgWasm from "./static/paysg_bg.wasm.bin";

const client = (env) => new PaySG({
  apiKey: env.PAYSG_API_KEY,
  paymentServiceId: env.PAYSG_PAYMENT_SERVICE_ID,
  baseUrl: env.PAYSG_BASE_URL || undefined,
  timeoutMs: 15_000,
});

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const route = `${request.method} ${url.pathname}`;
    try {
      if (route === "GET /") return page("Make a payment", form(), { nav: "pay" });
      if (route === "POST /pay") return await pay(request, env);
      if (route === "GET /return") return await paymentReturn(request, env);
      if (route === "POST /webhooks/paysg") return await webhook(request, env);
      if (route === "GET /payments") return await payments(url, env);
      const action = /^\/payments\/([^/]+)\/(cancel|refund)$/.exec(url.pathname);
      if (action && request.method === "POST") return await officerAction(request, env, decodeURIComponent(action[1]), action[2]);
      if (route === "GET /paysg/browser.mjs") return new Response(paysgBrowser, { headers: { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-cache" } });
      if (route === "GET /paysg/paysg_bg.wasm") return new Response(paysgWasm, { headers: { "content-type": "application/wasm", "cache-control": "no-cache" } });
      return page("Not found", `<h1>Not found</h1><p><a href="/">Make a payment</a></p>`, { status: 404 });
    } catch (e) {
      return page("Something went wrong", `<h1>Something went wrong</h1>${problem(e)}<p><a href="/">Back to the form</a></p>`, { status: 502 });
    }
  },
};

// ---- the payer's side -------------------------------------------------------------------------

/** "12.5" → 1250 cents; undefined when not an amount in dollars and cents. */
function cents(text) {
  const m = /^\s*(?:S?\$)?\s*(\d{1,9})(?:\.(\d{1,2}))?\s*$/.exec(text ?? "");
  return m ? Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0")) : undefined;
}

/** The create-payment parameters from the form's fields (the browser builds the same). */
function params(fields, returnUrl) {
  const metadata = {};
  for (const i of [1, 2]) {
    const k = (fields[`metadata_key_${i}`] ?? "").trim();
    if (k) metadata[k] = fields[`metadata_value_${i}`] ?? "";
  }
  return {
    reference_id: `DEMO-${Date.now().toString(36).toUpperCase()}-${crypto.randomUUID().slice(0, 4).toUpperCase()}`,
    payer_name: fields.payer_name ?? "",
    payer_email: fields.payer_email || undefined,
    description: fields.description ?? "",
    amount_in_cents: cents(fields.amount) ?? Number.NaN,
    due_date: fields.due_date || undefined,
    metadata,
    return_url: returnUrl,
  };
}

async function pay(request, env) {
  const fields = Object.fromEntries(await request.formData());
  const input = params(fields, `${env.PUBLIC_URL}/return`);
  try {
    // Every problem at once: the amount's format here, PaySG's rules from paysg.
    const checked = validateCreatePayment(input);
    const errors = checked.ok ? [] : checked.errors.filter((e) => e.field !== "amount_in_cents" || cents(fields.amount) !== undefined);
    if (cents(fields.amount) === undefined) errors.push({ field: "amount_in_cents", code: "invalid_format", message: "Enter the amount in dollars and cents, such as 12.50" });
    if (errors.length) throw new PaySGValidationError(errors, "payment");
    // The return URL names the order (its reference); the order keeps its payment's id.
    input.return_url = `${input.return_url}?order=${encodeURIComponent(input.reference_id)}`;
    const payment = await client(env).createPayment(input);
    await env.DEMO.put(`order:${input.reference_id}`, payment.id);
    return Response.redirect(payment.payment_url, 303);
  } catch (e) {
    if (e instanceof PaySGValidationError) {
      return page("Make a payment", form(fields, e.errors), { status: 422, nav: "pay" });
    }
    if (e instanceof PaySGError) {
      return page("Make a payment", `${problem(e)}${form(fields)}`, { status: 502, nav: "pay" });
    }
    throw e;
  }
}

async function paymentReturn(request, env) {
  let payment;
  try {
    const order = new URL(request.url).searchParams.get("order") ?? "";
    const paymentId = await env.DEMO.get(`order:${order}`);
    if (!paymentId) {
      return page("Payment not confirmed", `<h1>We could not confirm this payment</h1><div class="notice error" role="alert">This return names no order of this e-service.</div><p><a href="/">Make a payment</a></p>`, { status: 404 });
    }
    // Reads paysg_payment_id / paysg_payment_service_id, asks PaySG (the redirect proves
    // nothing), and refuses a payment that is not this order's or was refunded.
    payment = await client(env).confirmReturn(request.url, { paymentId });
  } catch (e) {
    if (!(e instanceof PaySGError)) throw e;
    return page("Payment not confirmed", `<h1>We could not confirm this payment</h1>${problem(e)}<p><a href="/">Make a payment</a></p>`, { status: 400 });
  }
  const paid = payment.payment_status === "paid";
  const hook = await env.DEMO.get(`webhook:${payment.id}`);
  return page(paid ? "Payment received" : "Payment not completed", `
    <div class="result ${paid ? "ok" : "warn"}" role="status">
      <span class="icon" aria-hidden="true">${paid ? "✓" : "!"}</span>
      <div><h1>${paid ? "Payment received" : "Payment not completed"}</h1>
      <p>${paid ? "Thank you. Your payment is confirmed by PaySG." : `PaySG reports this payment as <strong>${esc(payment.latest_status)}</strong>.`}</p></div>
    </div>
    ${details(payment)}
    <p class="muted" id="webhook-status">${hook ? "PaySG's payment.succeeded webhook has been received and verified." : "PaySG's webhook has not arrived yet; it will be recorded when it does."}</p>
    <p><a class="button secondary" href="/">Make another payment</a> <a href="/payments">See all payments</a></p>`, { nav: "pay" });
}

// ---- PaySG's webhooks -------------------------------------------------------------------------

async function webhook(request, env) {
  let event;
  try {
    ({ event } = await verifyWebhookRequest(request, env.PAYSG_WEBHOOK_SECRET));
  } catch (e) {
    if (e instanceof PaySGSignatureError) return new Response(e.reason, { status: 400 });
    throw e;
  }
  // Deliveries can repeat and arrive out of order: each event is recorded once.
  if (event.type === "payment.succeeded" && !(await env.DEMO.get(`event:${event.id}`))) {
    await env.DEMO.put(`event:${event.id}`, "1");
    await env.DEMO.put(`webhook:${event.data.object.id}`, JSON.stringify({ event: event.id, received_at: new Date().toISOString() }));
  }
  return new Response(null, { status: 204 });
}

// ---- the officer's side -----------------------------------------------------------------------

async function payments(url, env) {
  const rows = [];
  for await (const p of client(env).listAllPayments({ limit: 50, maxItems: 500 })) {
    const hook = await env.DEMO.get(`webhook:${p.id}`);
    const actions = [];
    if (p.latest_status === "unpaid") {
      actions.push(`<form method="post" action="/payments/${encodeURIComponent(p.id)}/cancel"><button class="small secondary" type="submit">Cancel</button></form>`);
    }
    if (p.payment_status === "paid" && p.refund_status !== "fully_refunded") {
      actions.push(`<form method="post" action="/payments/${encodeURIComponent(p.id)}/refund" class="refund">
        <label class="sr-only" for="refund-${esc(p.id)}">Refund amount for ${esc(p.reference_id)} (S$)</label>
        <input id="refund-${esc(p.id)}" name="amount" inputmode="decimal" value="${(p.amount_in_cents / 100).toFixed(2)}" size="7">
        <button class="small" type="submit">Refund</button></form>`);
    }
    rows.push(`<tr data-id="${esc(p.id)}" data-reference="${esc(p.reference_id)}">
      <td><span class="ref">${esc(p.reference_id)}</span><br><span class="muted">${esc(p.description)}</span></td>
      <td>${esc(p.payer_name)}</td>
      <td class="num">${sgd(p.amount_in_cents)}</td>
      <td>${badge(p.latest_status)}${p.refund_status !== "not_refunded" ? ` ${badge(p.refund_status)}` : ""}</td>
      <td class="center">${hook ? `<span title="payment.succeeded received and verified" class="tick">✓</span>` : ""}</td>
      <td class="actions">${actions.join("")}</td></tr>`);
  }
  const ok = url.searchParams.get("ok");
  const err = url.searchParams.get("error");
  return page("Payments", `
    <h1>Payments</h1>
    ${ok ? `<div class="notice ok" role="status">${esc(ok)}</div>` : ""}
    ${err ? `<div class="notice error" role="alert">${esc(err)}</div>` : ""}
    ${rows.length ? `<div class="table"><table>
      <thead><tr><th>Reference</th><th>Payer</th><th class="num">Amount</th><th>Status</th><th>Webhook</th><th>Actions</th></tr></thead>
      <tbody>${rows.join("")}</tbody></table></div>` : `<p>No payments yet. <a href="/">Make one</a>.</p>`}`, { nav: "payments" });
}

async function officerAction(request, env, id, action) {
  const back = (kind, text) => Response.redirect(new URL(`/payments?${kind}=${encodeURIComponent(text)}`, request.url).href, 303);
  try {
    if (action === "cancel") {
      const p = await client(env).cancelPayment(id);
      return back("ok", `Payment ${p.reference_id} cancelled.`);
    }
    const amount = cents(String((await request.formData()).get("amount") ?? ""));
    if (amount === undefined) return back("error", "Enter the refund in dollars and cents, such as 5.00.");
    const p = await client(env).refundPayment(id, { refund_amount_in_cents: amount });
    return back("ok", `Refunded ${sgd(amount)} of ${p.reference_id} (${p.refund_status.replace("_", " ")}).`);
  } catch (e) {
    if (e instanceof PaySGApiError) return back("error", `PaySG refused: ${e.message} (${e.status} ${e.code})`);
    if (e instanceof PaySGError) return back("error", e.message);
    throw e;
  }
}

// ---- HTML -------------------------------------------------------------------------------------

const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const sgd = (c) => `S$${(c / 100).toLocaleString("en-SG", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const badge = (s) => `<span class="badge ${esc(s)}">${esc(String(s).replace(/_/g, " "))}</span>`;

function problem(e) {
  const detail = e instanceof PaySGApiError ? ` <span class="muted">(${e.status} ${esc(e.code)})</span>` : "";
  return `<div class="notice error" role="alert"><strong>${e instanceof PaySGApiError ? "PaySG refused the request." : "The request could not be completed."}</strong> ${esc(e.message)}${detail}</div>`;
}

function details(p) {
  return `<dl class="details">
    <dt>Amount</dt><dd>${sgd(p.amount_in_cents)}</dd>
    <dt>For</dt><dd>${esc(p.description)}</dd>
    <dt>Payer</dt><dd>${esc(p.payer_name)}</dd>
    <dt>Reference</dt><dd>${esc(p.reference_id)}</dd>
    <dt>Status</dt><dd id="payment-status">${esc(p.payment_status)}</dd></dl>`;
}

const FIELDS = [
  ["payer_name", "Full name", "text", "as on your NRIC", "name"],
  ["payer_email", "Email (optional)", "email", "for the receipt", "email"],
  ["description", "What is this payment for?", "text", "", "off"],
  ["amount", "Amount (S$)", "text", "dollars and cents, e.g. 12.50", "off"],
  ["due_date", "Due date (optional)", "date", "", "off"],
];

function form(values = { description: "Season parking, March", amount: "11.00" }, errors = []) {
  const errorFor = (name) => {
    const wire = name === "amount" ? "amount_in_cents" : name;
    const found = errors.filter((e) => (name === "metadata" ? e.field.startsWith("metadata") : e.field === wire));
    return found.map((e) => e.message).join(" ");
  };
  const field = ([name, label, type, hint, auto]) => {
    const err = errorFor(name);
    return `<div class="field${err ? " invalid" : ""}" data-field="${name}">
      <label for="${name}">${label}</label>
      ${hint ? `<span class="hint" id="${name}-hint">${esc(hint)}</span>` : ""}
      <input id="${name}" name="${name}" type="${type}" value="${esc(values[name])}" autocomplete="${auto}"${name === "amount" ? ' inputmode="decimal"' : ""}
        aria-describedby="${hint ? `${name}-hint ` : ""}${name}-error"${err ? ' aria-invalid="true"' : ""}>
      <p class="error" id="${name}-error" aria-live="polite">${esc(err)}</p></div>`;
  };
  const mdErr = errorFor("metadata");
  const md = [1, 2].map((i) => `<div class="pair">
      <input name="metadata_key_${i}" aria-label="Detail ${i} name" placeholder="name, e.g. vehicle" value="${esc(values[`metadata_key_${i}`])}">
      <input name="metadata_value_${i}" aria-label="Detail ${i} value" placeholder="value, e.g. SBA1234A" value="${esc(values[`metadata_value_${i}`])}"></div>`).join("");
  return `<h1>Make a payment</h1>
    <p class="lead">Pay securely through PaySG, the Singapore Government's payment service.</p>
    <form method="post" action="/pay" id="pay-form" novalidate>
      ${FIELDS.map(field).join("")}
      <fieldset class="field${mdErr ? " invalid" : ""}" data-field="metadata"><legend>Details for the agency (optional)</legend>${md}
        <p class="error" id="metadata-error" aria-live="polite">${esc(mdErr)}</p></fieldset>
      <button type="submit" id="submit">Continue to payment</button>
      <p class="muted small">You will be taken to PaySG's payment page and brought back here afterwards.</p>
    </form>
    <script type="module">${LIVE_VALIDATION}</script>`;
}

// Runs in the browser: the same Rust rules as the Worker, from paysg's wasm module.
const LIVE_VALIDATION = `
import { validateCreatePayment } from "/paysg/browser.mjs";
const form = document.getElementById("pay-form");
const touched = new Set();
const cents = ${cents.toString()};
function payload() {
  const f = Object.fromEntries(new FormData(form));
  const metadata = {};
  for (const i of [1, 2]) { const k = (f["metadata_key_" + i] || "").trim(); if (k) metadata[k] = f["metadata_value_" + i] || ""; }
  return { reference_id: "DEMO-PREVIEW", payer_name: f.payer_name, payer_email: f.payer_email || undefined, description: f.description,
    amount_in_cents: cents(f.amount) ?? Number.NaN, due_date: f.due_date || undefined, metadata, return_url: "https://example.gov.sg/return" };
}
function show(all) {
  const r = validateCreatePayment(payload());
  const amountText = new FormData(form).get("amount");
  const errors = r.ok ? [] : r.errors;
  for (const box of form.querySelectorAll("[data-field]")) {
    const name = box.dataset.field;
    const wire = name === "amount" ? "amount_in_cents" : name;
    let msgs = errors.filter((e) => name === "metadata" ? e.field.startsWith("metadata") : e.field === wire).map((e) => e.message);
    if (name === "amount" && cents(amountText) === undefined) msgs = ["Enter the amount in dollars and cents, such as 12.50"];
    const visible = all || touched.has(name);
    const text = visible ? msgs.join(" ") : "";
    box.querySelector(".error").textContent = text;
    box.classList.toggle("invalid", !!text);
    const input = box.querySelector("input");
    if (input) input.toggleAttribute("aria-invalid", !!text);
  }
  return r.ok && cents(amountText) !== undefined;
}
form.addEventListener("input", (e) => { const box = e.target.closest("[data-field]"); if (box) touched.add(box.dataset.field); show(false); });
form.addEventListener("focusout", (e) => { const box = e.target.closest("[data-field]"); if (box) touched.add(box.dataset.field); show(false); });
form.addEventListener("submit", (e) => { if (!show(true)) { e.preventDefault(); form.querySelector(".invalid input")?.focus(); } });
form.dataset.live = "ready";
`;

const STYLE = `
:root{--ink:#1b1f24;--muted:#5b6470;--line:#dfe3e8;--brand:#0b57d0;--ok:#137333;--warn:#b06000;--err:#b3261e;--bg:#f5f7fa}
*{box-sizing:border-box}body{margin:0;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
header{background:#fff;border-bottom:1px solid var(--line)}header .in{max-width:56rem;margin:auto;padding:.75rem 1rem;display:flex;gap:1rem;align-items:center;flex-wrap:wrap}
.brand{font-weight:700;color:var(--ink);text-decoration:none}.brand small{display:block;font-weight:400;color:var(--muted);font-size:.8rem}
nav{margin-left:auto;display:flex;gap:.25rem}nav a{padding:.4rem .75rem;border-radius:999px;color:var(--ink);text-decoration:none}nav a[aria-current]{background:#e8f0fe;color:var(--brand);font-weight:600}
main{max-width:56rem;margin:1.5rem auto;padding:0 1rem}.card{background:#fff;border:1px solid var(--line);border-radius:14px;padding:1.5rem;box-shadow:0 1px 2px #0000000d}
h1{font-size:1.5rem;margin:.2rem 0 .5rem}.lead{color:var(--muted);margin-top:0}
.field{margin:1rem 0;border:0;padding:0}label,legend{display:block;font-weight:600}.hint{display:block;color:var(--muted);font-size:.9rem}
input{font:inherit;width:100%;max-width:28rem;padding:.6rem .7rem;border:1px solid #b8bfc8;border-radius:8px;background:#fff;margin-top:.25rem}
input:focus{outline:3px solid #a8c7fa;border-color:var(--brand)}.invalid input{border-color:var(--err)}
.error{color:var(--err);margin:.25rem 0 0;font-size:.92rem;min-height:0}.error:empty{display:none}
.pair{display:flex;gap:.5rem;max-width:28rem}.pair input{min-width:0}
button,.button{font:inherit;font-weight:600;display:inline-block;padding:.7rem 1.3rem;border:0;border-radius:10px;background:var(--brand);color:#fff;cursor:pointer;text-decoration:none}
.button + a{margin-left:.9rem}
button.secondary,.button.secondary{background:#e8f0fe;color:var(--brand)}button.small{padding:.35rem .8rem;font-size:.9rem}
.muted{color:var(--muted)}.small{font-size:.9rem}.notice{padding:.8rem 1rem;border-radius:10px;margin:1rem 0}.notice.error{background:#fce8e6;color:#8c1d18}.notice.ok{background:#e6f4ea;color:#0d652d}
.result{display:flex;gap:1rem;align-items:center;padding:1rem;border-radius:12px;margin-bottom:1rem}.result.ok{background:#e6f4ea}.result.warn{background:#fef7e0}
.result .icon{font-size:1.6rem;width:2.6rem;height:2.6rem;border-radius:50%;display:grid;place-items:center;color:#fff;background:var(--ok)}.result.warn .icon{background:var(--warn)}
.details{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1.2rem}.details dt{color:var(--muted)}.details dd{margin:0}
.table{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.95rem}th,td{text-align:left;padding:.6rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:.8rem;text-transform:uppercase;letter-spacing:.03em;color:var(--muted)}.num{text-align:right;white-space:nowrap}.center{text-align:center}.ref{font-weight:600}
.badge{display:inline-block;padding:.1rem .55rem;border-radius:999px;font-size:.8rem;background:#eceff3;white-space:nowrap}.badge.paid,.badge.fully_refunded{background:#e6f4ea;color:#0d652d}
.badge.cancelled{background:#fce8e6;color:#8c1d18}.badge.partially_refunded{background:#fef7e0;color:#7a4a00}.tick{color:var(--ok);font-weight:700}
.actions form{display:inline-flex;gap:.3rem;margin:0 .2rem .2rem 0}.actions input{width:5.5rem;padding:.3rem .4rem;margin:0}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
footer{max-width:56rem;margin:2rem auto;padding:0 1rem;color:var(--muted);font-size:.85rem}
@media (max-width:40rem){.card{padding:1rem}nav{margin-left:0}th:nth-child(2),td:nth-child(2){display:none}}
`;

function page(title, body, { status = 200, nav = "" } = {}) {
  const link = (href, label, key) => `<a href="${href}"${nav === key ? ' aria-current="page"' : ""}>${label}</a>`;
  return new Response(`<!doctype html><html lang="en-SG"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)} · Demo e-service</title><style>${STYLE}</style></head>
<body><header><div class="in"><a class="brand" href="/">Season Parking Services<small>a demo e-service using the paysg SDK</small></a>
<nav aria-label="Main">${link("/", "Pay", "pay")}${link("/payments", "Payments (officer)", "payments")}</nav></div></header>
<main><div class="card">${body}</div></main>
<footer>Demo only: payments go to paysg-sim, a local PaySG simulator. No real money moves.</footer></body></html>`,
  { status, headers: { "content-type": "text/html; charset=utf-8" } });
}
