// Declarations of the functions and classes of `paysg`. The build puts the data types in front
// of them (pkg/gen/types.d.ts, generated from the Rust crate: fields, limits, codes, reasons,
// payments, events, options), so nothing that Rust defines is typed here.
//
// They stand alone: no DOM or Node types are needed (any `lib` from es2018 on). Where the DOM
// or Node types are loaded, `fetch` and `signal` take the platform's own types.

/** The platform's `AbortSignal` where its types are loaded (DOM lib, @types/node); otherwise the part paysg uses. */
export type PlatformAbortSignal = typeof globalThis extends { AbortSignal: { prototype: infer S } } ? S : AbortSignalLike;

/** The part of an `AbortSignal` paysg uses: a `signal` without it (Node's `IncomingMessage`, `{ aborted: true }`) is a `PaySGValidationError` naming `signal`. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/** What paysg passes to `fetch` as its second argument. */
export interface FetchInit {
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
  signal?: PlatformAbortSignal;
}

/** The part of a Fetch API `Response` paysg reads. */
export interface ResponseLike {
  readonly status: number;
  readonly headers: HeadersLike;
  text(): Promise<string>;
}

/** The platform's `Response` where its types are loaded (DOM lib, @types/node, workers types); otherwise the part paysg's answers have. */
export type PlatformResponse = typeof globalThis extends { Response: { prototype: infer R } } ? R : ResponseLike;

/** A Fetch API `Headers` (or anything with `get`). */
export interface HeadersLike {
  get(name: string): string | null;
}

/** A Fetch API `Request` (or anything with `url`, `headers` and `text()`). */
export interface RequestLike {
  readonly url: string;
  readonly headers: HeadersLike;
  text(): Promise<string>;
}

/** The platform's `fetch` where its types are loaded; otherwise what paysg calls. */
export type FetchFunction = typeof globalThis extends { fetch: infer F } ? F : (url: string, init: FetchInit) => Promise<ResponseLike>;

/** The result of a validation: never thrown. */
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** The SDK version, e.g. `"0.1.0"`. */
export declare function version(): string;

/**
 * Checks a create-payment body against PaySG's rules and normalises it. Never throws, whatever it is given.
 * @param options `normaliseText` maps common non-ASCII payer text to ASCII first; `limits` sets the limits
 *   PaySG's sources disagree on. A problem with an option is reported like a field's (`limits.payer_identifier`).
 */
export declare function validateCreatePayment(input: unknown, options?: ValidateOptions): ValidationResult<CreatePaymentBody>;

/** Checks a refund body. Never throws, whatever it is given. */
export declare function validateRefund(input: unknown): ValidationResult<RefundInput>;

/**
 * Builds the request that creates a payment, for any HTTP client: `fetch(request.url, request)`.
 * @throws {PaySGValidationError} listing every problem of the body and the options.
 */
export declare function buildCreatePaymentRequest(input: CreatePaymentInput, options: BuildRequestOptions): HttpRequest & { method: "POST"; body: string };

/**
 * Verifies a webhook against its `PaySG-Signature` header and returns its event. Synchronous.
 * @param rawBody the body exactly as received (never a parsed or re-serialised one)
 * @param signatureHeader the header's value, or the request's headers (a `Headers` or Node's `req.headers`)
 * @param secret the endpoint's webhook secret
 * @throws {PaySGSignatureError} with a `reason`
 */
export declare function verifyWebhook(
  rawBody: string | Uint8Array | ArrayBuffer,
  signatureHeader: string | HeadersLike | Record<string, string | string[] | undefined> | null | undefined,
  secret: string,
  options?: VerifyWebhookOptions,
): WebhookEvent;

/** Reads a webhook request's body once, verifies it and returns `{ event, rawBody }`. */
export declare function verifyWebhookRequest(request: RequestLike, secret: string, options?: VerifyWebhookOptions): Promise<{ event: WebhookEvent; rawBody: string }>;

/**
 * A `PaySG-Signature` header value that verifies, to test your handler. `timestamp` goes into
 * `t=` exactly as given (default `Date.now()`, milliseconds, as paysg-sim signs).
 */
export declare function signWebhook(rawBody: string | Uint8Array, secret: string, options?: { timestamp?: number | string }): string;

/**
 * `{ paymentId, paymentServiceId }` from the URL PaySG sent the payer back on (a string, a
 * `URL` or a `Request`), read as `new URL(url).searchParams` reads it (`+` and `%XX` decoded).
 * Says nothing about whether the payment is paid, or is the order's: use `confirmReturn`.
 * @throws {PaySGValidationError} naming what is missing, given twice, or not a PaySG id
 */
export declare function parseReturnUrl(url: string | { readonly href: string } | { readonly url: string }): { paymentId: string; paymentServiceId: string };

/**
 * Where `createWebhookHandler` records which events are being processed and which are done. Any
 * database fits (a D1/SQL row keyed by the event id, a Redis key); the contract:
 *
 * - `claim(eventId, leaseMs)` is **atomic**: of any number of concurrent claims of one id, at
 *   most one resolves `"claimed"` while its lease lasts. It resolves `"done"` once
 *   `complete(eventId)` has run, `"busy"` while another claim's lease (`leaseMs` from when it was
 *   made) has not ended, and `"claimed"` otherwise — for an unknown id, a released one, or one
 *   whose lease ended (its holder crashed or timed out), which is taken over with a new lease.
 * - `complete(eventId)` marks the event done for good (keep done ids at least as long as PaySG
 *   retries: 3 days). Only after it resolves does the handler answer 2xx.
 * - `release(eventId)` ends a claim that did not complete (onEvent threw), so PaySG's next
 *   delivery is processed; it leaves a done event done.
 * - Any of them may reject: the handler then answers 503 and PaySG retries.
 */
export interface WebhookEventStore {
  claim(eventId: string, leaseMs: number): Promise<"claimed" | "done" | "busy">;
  complete(eventId: string): Promise<void>;
  release(eventId: string): Promise<void>;
}

/** What `createWebhookHandler` tells `onEvent` besides the event. */
export interface WebhookEventInfo {
  /**
   * True for a delivery whose signature matched but whose timestamp was older than
   * `toleranceSeconds` (a retry PaySG signed when it first tried): it is accepted only after
   * `client.getPayment` confirmed it, and `event.data.object` is then that payment as PaySG
   * returned it now, not the payment the body carried.
   */
  late: boolean;
}

/** The options of `createWebhookHandler`. */
export interface WebhookHandlerOptions {
  /** The endpoint's webhook secret. Required: a missing one throws when the handler is created. */
  secret: string;
  /** Where event ids are claimed and marked done: `memoryStore()` (one process only), `durableObjectStore(namespace)` on Workers, or your database. */
  store: WebhookEventStore;
  /**
   * Acts on a verified event (unknown types too: ignore them). It runs at most once at a time per
   * event id; when it resolves the event is marked done and the answer is 200; when it throws,
   * the claim is released and the answer is 500, so PaySG delivers the event again.
   */
  onEvent: (event: WebhookEvent, info: WebhookEventInfo) => void | Promise<void>;
  /** A PaySG client: with it, late retries (signed more than `toleranceSeconds` ago, at most 3 days) are confirmed with `getPayment` and accepted; without it, they are refused (400 `timestamp_too_old`). */
  client?: Pick<PaySG, "getPayment">;
  /** How far the signature's timestamp may be from now, in seconds (0 to 259,500); default 300. */
  toleranceSeconds?: number;
  /** How long a claim holds, in ms (1,000 to 3,600,000; default 60,000): longer than `onEvent` ever runs, or a retry may run it alongside. */
  leaseMs?: number;
}

/**
 * A Fetch handler that processes each PaySG event exactly once. It answers (JSON
 * `{ outcome, detail? }`): 200 `processed` after `onEvent` resolved and the event was marked
 * done; 200 `duplicate` for an event already done (onEvent not called); 400 with the
 * `PaySGSignatureError` reason for a bad signature (onEvent not called); 413 for a body over
 * 1 MiB (refused while it streams in, never buffered whole); 405 for a method other than POST;
 * 409 `in_progress` while another delivery holds the event; 409 `not_confirmed` for a late
 * retry that `getPayment` does not confirm; 500 `on_event_failed` when onEvent threw; 503 when
 * the store or PaySG could not be reached. It never rejects.
 * @throws {PaySGValidationError} at creation, naming every bad option
 */
export declare function createWebhookHandler(options: WebhookHandlerOptions): (request: RequestLike & { readonly method?: string; readonly body?: unknown }) => Promise<PlatformResponse>;

/**
 * An event store in this process's memory: for a single Node process and tests only. It is not
 * shared between processes, machines or Worker isolates, and it forgets everything on restart.
 * A done event is remembered for `keepDoneMs` (default 4 days: PaySG retries for 3).
 * @throws {PaySGValidationError} for a `keepDoneMs` that is not a number above 0
 */
export declare function memoryStore(options?: { keepDoneMs?: number }): WebhookEventStore & {
  /** How many events it holds, done or claimed. */
  readonly size: number;
};

/** A Durable Object namespace binding, as `env.PAYSG_WEBHOOK_EVENTS` gives it. */
export interface DurableObjectNamespaceLike {
  idFromName(name: string): unknown;
  get(id: unknown): { fetch(input: string, init?: unknown): Promise<unknown> };
}

/**
 * An event store on Durable Objects (Workers): one `PaySGWebhookEvents` object per event id, which
 * runs claim, complete and release one at a time. Bind the namespace to `PaySGWebhookEvents`.
 * @throws {PaySGValidationError} when `namespace` is not a Durable Object namespace
 */
export declare function durableObjectStore(namespace: DurableObjectNamespaceLike): WebhookEventStore;

/**
 * The Durable Object class behind `durableObjectStore`: export it from your Worker
 * (`export { PaySGWebhookEvents } from "paysg"`) and bind it in wrangler.toml with a
 * `new_sqlite_classes` migration.
 */
export declare class PaySGWebhookEvents {
  /** Made by the Workers runtime (which also passes `env`, unused). */
  constructor(state: { storage: unknown; blockConcurrencyWhile<T>(f: () => Promise<T>): Promise<T> });
  /** Answers the store's requests (`claim`, `complete`, `release`). */
  fetch(request: RequestLike & { json(): Promise<unknown> }): Promise<PlatformResponse>;
  /** Set on complete for 4 days later (PaySG retries for 3): deletes the event's record. */
  alarm(): Promise<void>;
}

/**
 * The payment an order expects, as the e-service stored it when it created the payment: its
 * `id`, or its `reference_id` (your own). When both are given, both must match.
 */
export type ExpectedPayment = { paymentId: string; referenceId?: string } | { referenceId: string; paymentId?: string };

// `PaySGOperation` (the public method that made a call, as events name it) is generated from
// src/surface/ (crates/contract).

/** An attempt about to be sent (`onRequest`): a frozen plain object. Never the API key, a body, a query string or payer data. */
export interface PaySGRequestEvent {
  /** The public method that made the call (`getPayment` also for `confirmReturn` and `reconcile`; `cancelPayment`'s look before it re-sends a cancel is a `GET`). */
  readonly operation: PaySGOperation;
  readonly method: "GET" | "POST";
  /** The URL's path, without host or query: `/v1/payment-services/payment_service_x/payments/abc`. */
  readonly path: string;
  /** 1 for the first attempt, 2 for the next, … */
  readonly attempt: number;
  /** The `Idempotency-Key` sent (creates and refunds; the same on every attempt), else undefined. */
  readonly idempotencyKey: string | undefined;
}

/** An attempt that ended (`onResponse`): its request's fields, what came back, and what the client does next. */
export interface PaySGResponseEvent extends PaySGRequestEvent {
  /** The HTTP status, or undefined when no answer came. */
  readonly status: number | undefined;
  /**
   * Why no answer came: the connection failed (`network`), the attempt passed `attemptTimeoutMs`
   * (`timeout`), the call passed `timeoutMs` (`deadline`), or the call's `signal` aborted it
   * (`aborted`); undefined when an answer came.
   */
  readonly failure: "network" | "timeout" | "deadline" | "aborted" | undefined;
  /** PaySG's request id (`x-request-id` or `request-id`), or undefined. */
  readonly requestId: string | undefined;
  /** How long this attempt took, in ms. */
  readonly elapsedMs: number;
  /** How long since the call began, in ms (earlier attempts and waits included). */
  readonly totalMs: number;
  /** Whether the client sends another attempt. */
  readonly willRetry: boolean;
  /** The wait before that attempt, in ms, when `willRetry`; else undefined. */
  readonly retryInMs: number | undefined;
}

// `PaySG` is declared in the generated part (crates/contract, from src/surface/).

/** What `reconcile` yields for one payment: PaySG's payment and what changed, or why it could not be read. */
export type ReconcileItem =
  | { id: string; payment: Payment; changed: ReconcileChange[]; error?: undefined }
  | { id: string | null; error: PaySGError; payment?: undefined; changed?: undefined };

/** Base class of every error paysg throws. */
export declare class PaySGError extends Error {
  constructor(message: string, opts?: { code?: string; cause?: unknown });
  /** A stable machine-readable code. */
  code: string;
}

/** Input failed validation before any request was sent. */
export declare class PaySGValidationError extends PaySGError {
  constructor(errors: FieldError[], what?: string);
  readonly name: "PaySGValidationError";
  code: "validation_error";
  /** Every problem. */
  errors: FieldError[];
}

/** PaySG answered with a non-2xx status. */
export declare class PaySGApiError extends PaySGError {
  constructor(init: { status: number; type?: string | null; code?: string; message: string; data?: unknown; requestId?: string | null; retryable?: boolean });
  readonly name: "PaySGApiError";
  /** PaySG's `error.code`, or `http_<status>` when the body is not PaySG's error format. */
  code: string;
  /** The HTTP status. */
  status: number;
  /** PaySG's `error.type`, when the body had one. */
  type: string | null;
  /** PaySG's `error.data`, when the body had one. */
  data: unknown;
  /** The request id PaySG's answer carried, if any. */
  requestId: string | null;
  /** Whether retrying the same request may succeed (429, 5xx, idempotency conflicts). */
  retryable: boolean;
  /** Attempts made (set by the client). */
  attempts?: number;
  /** The `Idempotency-Key` sent (creates and refunds). */
  idempotencyKey?: string;
}

/** The request could not be completed (network failure). */
export declare class PaySGConnectionError extends PaySGError {
  constructor(message: string, cause: unknown);
  readonly name: "PaySGConnectionError";
  code: "connection_error";
  /** What `fetch` threw, as a copy: an `Error` with its `message`, `name` and `code`, and its own `cause` two levels down the same way, each with the API key replaced by `<api key>`; nothing else of it is kept. */
  cause: unknown;
  attempts?: number;
  idempotencyKey?: string;
}

/** The deadline passed. */
export declare class PaySGTimeoutError extends PaySGError {
  /** @param message default `PaySG did not answer within <timeoutMs> ms` */
  constructor(timeoutMs: number, message?: string);
  readonly name: "PaySGTimeoutError";
  code: "timeout";
  /** The deadline, in ms. */
  timeoutMs: number;
  attempts?: number;
  idempotencyKey?: string;
}

/** A webhook's `PaySG-Signature` did not verify. */
export declare class PaySGSignatureError extends PaySGError {
  constructor(reason: SignatureFailureReason, message: string);
  readonly name: "PaySGSignatureError";
  code: "signature_error";
  /** Why. */
  reason: SignatureFailureReason;
}
