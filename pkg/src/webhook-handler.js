// A webhook endpoint that processes each PaySG event exactly once: verify, claim the event id
// in a store (atomically, with a lease), run the user's onEvent, mark the event done, and only
// then answer 2xx. Any failure before "done" answers non-2xx, so PaySG delivers again.
import * as raw from "../gen/paysg.js";
import { PaySGError, PaySGSignatureError } from "./errors.js";
import { kindOf, refusal, verifyWebhook } from "./webhooks.js";
import { readBody } from "./webhook-body.js";
import { own, ownOrClass, shown } from "./encode.js";
import { CODES, DEFAULT_TOLERANCE_S, WEBHOOK_RETRY_WINDOW_S } from "../gen/contract.js";

/** How long a claim holds when `leaseMs` is not given: 60 s. */
export const DEFAULT_LEASE_MS = 60_000;
/** PaySG retries failed deliveries for up to 3 days: a late retry older than this is refused. */
const LATE_LIMIT_S = WEBHOOK_RETRY_WINDOW_S + DEFAULT_TOLERANCE_S;
const CLAIMS = ["claimed", "done", "busy"];

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

const answer = (status, outcome, detail, headers = {}) =>
  new Response(JSON.stringify(detail === undefined ? { outcome } : { outcome, detail }), {
    __proto__: null,
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });

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
    const event = verifyWebhook(body, header, o.secret, { toleranceSeconds: LATE_LIMIT_S });
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
    // A Request's members are its class's (or a Request-like's own), never Object.prototype's.
    let headers, method;
    try {
      headers = request !== null && typeof request === "object" ? ownOrClass(request, "headers") : undefined;
      if (headers == null || typeof ownOrClass(headers, "get") !== "function") headers = undefined;
      method = headers === undefined ? undefined : ownOrClass(request, "method");
    } catch {
      headers = undefined; // a revoked Proxy, a getter that throws
    }
    if (headers === undefined) {
      return answer(500, CODES.not_a_request, "the handler needs a Fetch API Request");
    }
    if (typeof method === "string" && method.toUpperCase() !== "POST") {
      return answer(405, CODES.method_not_allowed, "PaySG delivers webhooks with POST", { allow: "POST" });
    }
    let body, verified;
    try {
      body = await readBody(request);
    } catch (e) {
      if (e instanceof PaySGSignatureError) return answer(413, e.reason, e.message);
      return answer(400, CODES.unreadable_body, "the request's body could not be read (the sender hung up?)");
    }
    try {
      verified = verify(body, request.headers.get("paysg-signature"), o);
    } catch (e) {
      if (e instanceof PaySGSignatureError) return answer(400, e.reason, e.message);
      return answer(500, CODES.verify_failed, "the signature could not be checked");
    }
    let { event } = verified;
    const id = event?.id;
    if (typeof id !== "string" || id.length === 0 || id.length > 255) {
      return answer(400, CODES.invalid_payload, "the event has no id (a string of 1 to 255 characters)");
    }
    let claim;
    try {
      claim = await o.store.claim(id, o.leaseMs);
    } catch {
      return answer(503, CODES.store_unavailable, "the event store could not claim the event; PaySG will retry");
    }
    if (claim === "done") return answer(200, CODES.duplicate);
    if (claim === "busy") {
      return answer(409, CODES.in_progress, "this event is being processed by another delivery; PaySG will retry", { "retry-after": String(Math.ceil(o.leaseMs / 1000)) });
    }
    if (claim !== "claimed") {
      return answer(500, CODES.store_contract, `store.claim must resolve to ${CLAIMS.map((c) => `"${c}"`).join(", ")}; it resolved to ${typeof claim === "string" ? JSON.stringify(claim.slice(0, 40)) : typeof claim}`);
    }
    const release = () => Promise.resolve().then(() => o.store.release(id)).catch(() => {});
    if (verified.late) {
      let c;
      try {
        c = await confirm(o.client, event);
      } catch (e) {
        await release();
        return answer(503, CODES.confirm_failed, `the payment could not be read from PaySG to confirm a late delivery (${e instanceof PaySGError ? e.code : "error"}); PaySG will retry`);
      }
      if (c.refused) {
        await release();
        return answer(409, CODES.not_confirmed, c.refused);
      }
      event = { ...event, data: { ...event.data, object: c.payment } };
    }
    try {
      await o.onEvent(event, { late: verified.late });
    } catch {
      // Never the error's message: it may hold anything. The claim is freed for PaySG's retry.
      await release();
      return answer(500, CODES.on_event_failed, "onEvent threw; the event is not marked done and PaySG will retry");
    }
    try {
      await o.store.complete(id);
    } catch {
      // onEvent's effect happened but "done" was not recorded: the claim is kept until its lease
      // ends, so a retry before then is "busy"; after it, onEvent runs again.
      return answer(503, CODES.store_unavailable, "onEvent succeeded but the event store could not mark it done");
    }
    return answer(200, CODES.processed);
  };
}
