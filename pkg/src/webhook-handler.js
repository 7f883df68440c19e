// A webhook endpoint that processes each PaySG event exactly once: verify, claim the event id
// in a store (atomically, with a lease), run the user's onEvent, mark the event done, and only
// then answer 2xx. Any failure before "done" answers non-2xx, so PaySG delivers again.
import * as raw from "../gen/paysg.js";
import { PaySGError, PaySGSignatureError } from "./errors.js";
import { kindOf, refusal, verifyWebhook } from "./webhooks.js";
import { readBody } from "./webhook-body.js";
import { own, ownOrClass, shown } from "./encode.js";
import {
  CLAIM, DEFAULT_LEASE_MS, DEFAULT_TOLERANCE_S, WEBHOOK_ANSWER_HEADERS, WEBHOOK_ANSWERS, WEBHOOK_EVENT_ID_MAX, WEBHOOK_LATE_LIMIT_S,
} from "../gen/contract.js";

/**
 * Reads the options once, at start-up, and asks Rust (src/webhook/handler_options.rs) whether
 * they are acceptable: a mistake is an error then, not on every POST.
 */
function readOptions(options) {
  let kind = kindOf(options);
  let secret, store, onEvent, client, toleranceSeconds, leaseMs;
  let storeKind, methods = [], clientKind, getPayment;
  if (kind === "object") {
    try {
      secret = own(options, "secret");
      store = own(options, "store");
      onEvent = own(options, "onEvent");
      client = own(options, "client");
      toleranceSeconds = own(options, "toleranceSeconds") ?? DEFAULT_TOLERANCE_S;
      leaseMs = own(options, "leaseMs") ?? DEFAULT_LEASE_MS;
    } catch {
      kind = "unreadable";
    }
  }
  if (kind === "object") {
    storeKind = kindOf(store);
    try {
      // A method of the store's own or its class's, never one found on Object.prototype.
      if (storeKind === "object") methods = ["claim", "complete", "release"].map((m) => typeof ownOrClass(store, m));
    } catch {
      storeKind = "unreadable";
    }
    clientKind = kindOf(client);
    try {
      getPayment = client == null ? undefined : ownOrClass(client, "getPayment");
    } catch {
      clientKind = "unreadable";
    }
  }
  const refused = raw.webhookHandlerRefusal(kind, typeof secret, typeof secret === "string" ? secret.length : 0,
    storeKind ?? "undefined", methods[0] ?? "undefined", methods[1] ?? "undefined", methods[2] ?? "undefined", kindOf(onEvent),
    clientKind ?? "undefined", typeof getPayment,
    typeof toleranceSeconds, typeof toleranceSeconds === "number" ? toleranceSeconds : 0, shown(toleranceSeconds),
    typeof leaseMs, typeof leaseMs === "number" ? leaseMs : 0, shown(leaseMs));
  if (refused !== undefined) throw refusal(refused);
  return { secret, store, onEvent, client, toleranceSeconds, leaseMs };
}

/** `text` with each `{name}` replaced by `String(values[name])` (the values are not searched again). */
const fill = (text, values) => text.replace(/\{([a-z_]+)\}/g, (_, name) => String(values[name]));

/**
 * The answer Rust describes for `name` (src/webhook/answers.rs, generated as WEBHOOK_ANSWERS),
 * its `{…}` parts filled from `values`.
 */
function answer(name, values = { __proto__: null }) {
  const a = WEBHOOK_ANSWERS[name];
  const outcome = fill(a.code, values);
  const headers = { __proto__: null, ...WEBHOOK_ANSWER_HEADERS };
  if (a.headers !== undefined) for (const [k, v] of Object.entries(a.headers)) headers[k] = fill(v, values);
  const body = a.detail === undefined ? { outcome } : { outcome, detail: fill(a.detail, values) };
  return new Response(JSON.stringify(body), { __proto__: null, status: a.status, headers });
}

/**
 * Verifies a body against the header. A signature whose only fault is its age (PaySG retries
 * for days, and may sign a retry with the first attempt's timestamp) comes back as `late`: its
 * MAC matched, since the second verification (no time limit but PaySG's three days) checks it.
 */
function verify(body, header, o) {
  try {
    return { event: verifyWebhook(body, header, o.secret, { toleranceSeconds: o.toleranceSeconds }), late: false };
  } catch (e) {
    if (!(e instanceof PaySGSignatureError) || e.reason !== "timestamp_too_old") throw e;
    // Throws no_matching_signature (or the body's fault) for anything PaySG did not sign.
    const event = verifyWebhook(body, header, o.secret, { toleranceSeconds: WEBHOOK_LATE_LIMIT_S });
    if (o.client === undefined) throw e;
    return { event, late: true };
  }
}

/** The payment as PaySG says it is now, or why it does not confirm the event (decided in Rust). */
async function confirm(client, event) {
  const sent = event?.data?.object?.id;
  const text = (v) => (typeof v === "string" ? v : "");
  if (typeof sent !== "string" || sent === "") return { refused: raw.lateDeliveryRefusal(text(event?.type), "", "", undefined) };
  const payment = await client.getPayment(sent, { paymentServiceId: event.payment_service_id });
  const status = typeof payment?.payment_status === "string" ? payment.payment_status : undefined;
  const refused = raw.lateDeliveryRefusal(text(event.type), sent, text(payment?.id), status);
  return refused === undefined ? { payment } : { refused };
}

/**
 * A Fetch handler `(request) => Promise<Response>` that processes each PaySG event once. See
 * `index.d.ts` for the contract and the answers it gives.
 */
export function createWebhookHandler(options) {
  const o = readOptions(options);
  return async function handleWebhook(request) {
    // What it is, read here (a Request's members are its class's, or a Request-like's own,
    // never Object.prototype's); what that means is Rust's (webhook::answers::refused_request).
    let hasGet = false, method;
    try {
      const headers = request !== null && typeof request === "object" ? ownOrClass(request, "headers") : undefined;
      hasGet = headers != null && typeof ownOrClass(headers, "get") === "function";
      method = hasGet ? ownOrClass(request, "method") : undefined;
    } catch {
      hasGet = false; // a revoked Proxy, a getter that throws
    }
    const refused = raw.webhookRequestAnswer(hasGet, typeof method === "string" ? method : undefined);
    if (refused !== undefined) return answer(refused);
    let body, verified;
    try {
      body = await readBody(request);
    } catch (e) {
      if (e instanceof PaySGSignatureError) return answer("body_too_large", { __proto__: null, reason: e.reason, message: e.message });
      return answer("unreadable_body");
    }
    try {
      verified = verify(body, request.headers.get("paysg-signature"), o);
    } catch (e) {
      if (e instanceof PaySGSignatureError) return answer("signature_refused", { __proto__: null, reason: e.reason, message: e.message });
      return answer("verify_failed");
    }
    let { event } = verified;
    const id = event?.id;
    if (typeof id !== "string" || id.length === 0 || id.length > WEBHOOK_EVENT_ID_MAX) return answer("no_event_id");
    let claim;
    try {
      claim = await o.store.claim(id, o.leaseMs);
    } catch {
      return answer("claim_failed");
    }
    if (claim === CLAIM.done) return answer("duplicate");
    if (claim === CLAIM.busy) return answer("in_progress", { __proto__: null, lease_seconds: Math.ceil(o.leaseMs / 1000) });
    if (claim !== CLAIM.claimed) {
      return answer("store_contract", { __proto__: null, resolved: typeof claim === "string" ? JSON.stringify(claim.slice(0, 40)) : typeof claim });
    }
    const release = () => Promise.resolve().then(() => o.store.release(id)).catch(() => {});
    if (verified.late) {
      let c;
      try {
        c = await confirm(o.client, event);
      } catch (e) {
        await release();
        return answer("confirm_failed", { __proto__: null, error_code: e instanceof PaySGError ? e.code : "error" });
      }
      if (c.refused) {
        await release();
        return answer("not_confirmed", { __proto__: null, refusal: c.refused });
      }
      event = { ...event, data: { ...event.data, object: c.payment } };
    }
    try {
      await o.onEvent(event, { late: verified.late });
    } catch {
      // Never the error's message: it may hold anything. The claim is freed for PaySG's retry.
      await release();
      return answer("on_event_failed");
    }
    try {
      await o.store.complete(id);
    } catch {
      // onEvent's effect happened but "done" was not recorded: the claim is kept until its lease
      // ends, so a retry before then is "busy"; after it, onEvent runs again.
      return answer("complete_failed");
    }
    return answer("processed");
  };
}
