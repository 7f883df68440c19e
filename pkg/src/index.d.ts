// Declarations of the functions and classes of `paysg`. The build puts the data types in front
// of them (pkg/gen/types.d.ts, generated from the Rust crate: fields, limits, codes, reasons,
// payments, events, options), so nothing that Rust defines is typed here.
//
// They stand alone: no DOM or Node types are needed (any `lib` from es2018 on). Where the DOM
// or Node types are loaded, `fetch` and `signal` take the platform's own types.

/** The platform's `AbortSignal` where its types are loaded (DOM lib, @types/node); otherwise the part paysg uses. */
export type PlatformAbortSignal = typeof globalThis extends { AbortSignal: { prototype: infer S } } ? S : AbortSignalLike;

/** The part of an `AbortSignal` paysg uses. */
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
 * `URL` or a `Request`).
 * @throws {PaySGValidationError} naming what is missing
 */
export declare function parseReturnUrl(url: string | { readonly href: string } | { readonly url: string }): { paymentId: string; paymentServiceId: string };

/** The PaySG client: every endpoint, with validation, retries, idempotency and deadlines. */
export declare class PaySG {
  /** @throws {PaySGValidationError} for bad options; {@link PaySGError} `browser_not_allowed` in a browser page */
  constructor(options: PaySGOptions);
  /** The default payment service of every call. */
  readonly paymentServiceId: string | null;
  /** The API's base URL (from the key's prefix unless `baseUrl` was given). */
  readonly baseUrl: string;
  /** The default deadline of a call, retries included, in ms. */
  readonly timeoutMs: number;
  /** The default number of retries. */
  readonly maxRetries: number;
  /** `POST …/payments`, validated first as `validateCreatePayment`. */
  createPayment(params: CreatePaymentInput, opts?: CallOptions): Promise<Payment>;
  /** `GET …/payments/{id}`. */
  getPayment(paymentId: string, opts?: CallOptions): Promise<Payment>;
  /** `GET …/payments`: one page, newest first. */
  listPayments(params?: ListPaymentsParams, opts?: CallOptions): Promise<PaymentList>;
  /** Every payment, newest first, following `after` cursors; throws {@link PaySGError} `list_cap_reached` past `maxItems` (default 10,000). */
  listAllPayments(params?: ListAllPaymentsParams, opts?: CallOptions): AsyncIterableIterator<Payment>;
  /** `POST …/cancel`: cancels an unpaid payment. */
  cancelPayment(paymentId: string, opts?: CallOptions): Promise<Payment>;
  /** `POST …/refund`: refunds all or part of a paid payment. */
  refundPayment(paymentId: string, params: RefundInput, opts?: CallOptions): Promise<Payment>;
  /** `POST …/send-email`: emails the payment link to `payer_email`; never resent after an ambiguous failure. */
  sendPaymentEmail(paymentId: string, opts?: CallOptions): Promise<void>;
  /** Reads the return URL's ids, refuses another service's, and fetches the payment from PaySG (the redirect itself proves nothing). */
  confirmReturn(returnUrl: string | { readonly href: string } | { readonly url: string }, opts?: CallOptions): Promise<Payment>;
  /** The settings, never the API key. */
  toJSON(): { paymentServiceId: string | null; baseUrl: string; timeoutMs: number; maxRetries: number };
}

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
  /** What `fetch` threw. */
  cause: unknown;
  attempts?: number;
  idempotencyKey?: string;
}

/** The deadline passed. */
export declare class PaySGTimeoutError extends PaySGError {
  constructor(timeoutMs: number);
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
