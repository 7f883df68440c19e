// Type declarations of the public surface of the `paysg` package.
// Field limits are PaySG's (see the README's "Validation" section); lengths count UTF-16 code
// units, as String.prototype.length does.

/** The SDK version, e.g. `"0.1.0"`. */
export declare function version(): string;

/** A create-payment body, as PaySG's wire format (snake_case). */
export interface CreatePaymentInput {
  /** The agency's own reference, e.g. an invoice number. Required, 1–255 characters. */
  reference_id: string;
  /** Required, 1–255 characters. */
  payer_name: string;
  /** Optional, at most 255 characters. */
  payer_address?: string | null;
  /** NRIC, UEN or similar. Optional, at most 10 characters. */
  payer_identifier?: string | null;
  /** Optional email address, at most 255 characters. */
  payer_email?: string | null;
  /** Shown to the payer. Required, 1–500 characters. */
  description: string;
  /** Amount due in cents: an integer from 1 to 99,999,999. */
  amount_in_cents: number;
  /**
   * Display-only due date: `"31-DEC-2023"` (PaySG's format, month in any case), an ISO
   * `"2023-12-31"`, an ISO date-time, or a `Date` (its calendar date in Singapore, UTC+08:00).
   */
  due_date?: string | Date | null;
  /** At most 10 entries; keys at most 40 characters, values strings of at most 255. */
  metadata?: Record<string, string> | null;
  /** Line items; the amounts add up to at most 20,000,000 cents. */
  line_items?: LineItem[] | null;
  /** Where PaySG sends the payer after paying: an absolute https URL. */
  return_url?: string | null;
}

/** A line item (the schema is inferred from PaySG's guide; see the README). */
export interface LineItem {
  /** Required, 1–255 characters. */
  description: string;
  /** An integer from 1 to 99,999,999. */
  amount_in_cents: number;
}

/** The normalised body that is sent: optional fields absent, `due_date` as `dd-MMM-yyyy`. */
export interface CreatePaymentBody {
  reference_id: string;
  payer_name: string;
  payer_address?: string;
  payer_identifier?: string;
  payer_email?: string;
  description: string;
  amount_in_cents: number;
  due_date?: string;
  /** Always present, `{}` when none was given. */
  metadata: Record<string, string>;
  line_items?: LineItem[];
  return_url?: string;
}

/** A refund body. */
export interface RefundInput {
  /** Amount to refund in cents: an integer from 1 to 99,999,999, within what is left to refund. */
  refund_amount_in_cents: number;
}

/** The stable problem codes. */
export type FieldErrorCode =
  | "required" | "invalid_type" | "empty" | "too_long" | "not_integer" | "out_of_range"
  | "invalid_email" | "invalid_format" | "invalid_date" | "invalid_url" | "not_https"
  | "too_many_entries" | "unknown_field";

/** One problem with an input. */
export interface FieldError {
  /** Wire name with a path for nested values (`metadata.branch_code`, `line_items[0].description`); `""` for the whole input. */
  field: string;
  code: FieldErrorCode;
  /** A sentence naming the rule and the limit (never the value). */
  message: string;
}

/** The result of a validation: never thrown. */
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** Checks a create-payment body against PaySG's rules and normalises it. Never throws. */
export declare function validateCreatePayment(input: unknown): ValidationResult<CreatePaymentBody>;

/** Checks a refund body. Never throws. */
export declare function validateRefund(input: unknown): ValidationResult<RefundInput>;

/** Options of {@link buildCreatePaymentRequest}. */
export interface BuildRequestOptions {
  /** `payment_service_…`. */
  paymentServiceId: string;
  /** `paysg_stag_…` (staging) or `paysg_live_…` (live); any other key needs `baseUrl`. */
  apiKey: string;
  /** Overrides the base URL chosen from the key prefix (a local simulator, a proxy). */
  baseUrl?: string;
  /** Sent as `Idempotency-Key`: 1–255 visible ASCII characters (a V4 UUID is recommended). */
  idempotencyKey?: string;
}

/** An HTTP request any client can send. `headers` include the API key: do not log them. */
export interface HttpRequest {
  method: "POST" | "GET";
  url: string;
  headers: Record<string, string>;
  /** JSON text. */
  body: string;
}

/** Builds the request that creates a payment. Throws {@link PaySGValidationError}. */
export declare function buildCreatePaymentRequest(input: CreatePaymentInput | unknown, options: BuildRequestOptions): HttpRequest;

/** PaySG's payment object (snake_case, as on the wire). Timestamps are ISO-8601 strings. */
export interface Payment {
  id: string;
  payment_service_id: string;
  reference_id: string;
  payer_name: string;
  payer_address: string | null;
  payer_identifier: string | null;
  payer_email: string | null;
  description: string;
  /** Integer cents. */
  amount_in_cents: number;
  /** `dd-MMM-yyyy`. */
  due_date: string | null;
  metadata: Record<string, string>;
  line_items?: LineItem[];
  return_url?: string | null;
  /** The hosted payment page: send the payer here. */
  payment_url: string;
  payment_qr_code_url?: string;
  payment_status: "unpaid" | "paid" | (string & {});
  latest_status: "unpaid" | "paid" | "cancelled" | (string & {});
  refund_status: "not_refunded" | "partially_refunded" | "fully_refunded" | (string & {});
  email_delivery_status: "unsent" | "sent" | (string & {});
  stripe_payment_intent_id: string | null;
  payout_id: string | null;
  creator_id: string;
  created_at: string;
  updated_at: string;
  payment_sent_timestamp: string | null;
  payment_succeeded_timestamp: string | null;
  payment_cancelled_timestamp: string | null;
  payment_fully_refunded_timestamp: string | null;
  paid_out_timestamp: string | null;
}

/** Cursors of a page of payments. */
export interface PageInfo {
  has_next_page: boolean;
  has_previous_page: boolean;
  start_cursor: string | null;
  end_cursor: string | null;
}

/** A page of payments, newest first. */
export interface PaymentList {
  data: Payment[];
  page_info: PageInfo;
}

/** Options of {@link PaySG}. */
export interface PaySGOptions {
  /** `paysg_stag_…` (staging) or `paysg_live_…` (live); any other key needs `baseUrl`. */
  apiKey: string;
  /** The default `payment_service_…` of every call. */
  paymentServiceId?: string;
  /** Overrides the base URL chosen from the key prefix (paysg-sim, a proxy). */
  baseUrl?: string;
  /** Deadline of a whole call, retries included, in ms (default 30,000; at most 600,000). */
  timeoutMs?: number;
  /** Retries after the first attempt (default 2; at most 10). */
  maxRetries?: number;
  /**
   * A fetch to use instead of the global one; called as `fetch(url, init)` and must resolve to a
   * Fetch API `Response` (the runtime's global class; anything else is a connection error).
   */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  /** Allow a client in a browser page (the API key is then visible): for test keys only. */
  dangerouslyAllowBrowser?: boolean;
}

/** Options of one call. */
export interface CallOptions {
  /** Another payment service than the client's. */
  paymentServiceId?: string;
  /** `Idempotency-Key` of a create or refund (default: a random V4 UUID, the same on every retry). */
  idempotencyKey?: string;
  timeoutMs?: number;
  maxRetries?: number;
  /** Aborting rejects the call at once with the signal's reason. */
  signal?: AbortSignal;
}

/** The PaySG client: every endpoint, with validation, retries, idempotency and deadlines. */
export declare class PaySG {
  constructor(options: PaySGOptions);
  readonly paymentServiceId: string | null;
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  createPayment(params: CreatePaymentInput, opts?: CallOptions): Promise<Payment>;
  getPayment(paymentId: string, opts?: CallOptions): Promise<Payment>;
  listPayments(params?: { limit?: number; before?: string; after?: string }, opts?: CallOptions): Promise<PaymentList>;
  /** Follows `after` cursors; throws `PaySGError` `list_cap_reached` past `maxItems` (default 10,000). */
  listAllPayments(params?: { limit?: number; after?: string; maxItems?: number }, opts?: CallOptions): AsyncIterableIterator<Payment>;
  cancelPayment(paymentId: string, opts?: CallOptions): Promise<Payment>;
  refundPayment(paymentId: string, params: RefundInput, opts?: CallOptions): Promise<Payment>;
  sendPaymentEmail(paymentId: string, opts?: CallOptions): Promise<void>;
  /** Reads the return URL's ids, refuses another service's, and fetches the payment from PaySG. */
  confirmReturn(returnUrl: string | URL | Request, opts?: CallOptions): Promise<Payment>;
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
  /** Every problem. */
  errors: FieldError[];
}

/** PaySG answered with a non-2xx status. */
export declare class PaySGApiError extends PaySGError {
  constructor(init: { status: number; type?: string; code?: string; message: string; data?: unknown; requestId?: string; retryable?: boolean });
  status: number;
  /** PaySG's `error.type`, when the body had one. */
  type: string | null;
  data: unknown;
  requestId: string | null;
  /** Whether retrying the same request may succeed (429, 5xx, idempotency conflicts). */
  retryable: boolean;
  /** Attempts made (set by the client). */
  attempts?: number;
  /** The `Idempotency-Key` sent (creates and refunds): call again with it to finish the same operation. */
  idempotencyKey?: string;
}

/** The request could not be completed (network failure). */
export declare class PaySGConnectionError extends PaySGError {
  constructor(message: string, cause: unknown);
  attempts?: number;
  idempotencyKey?: string;
}

/** The deadline passed. */
export declare class PaySGTimeoutError extends PaySGError {
  constructor(timeoutMs: number);
  timeoutMs: number;
  attempts?: number;
  idempotencyKey?: string;
}

/** Why a webhook signature did not verify. */
export type SignatureFailureReason =
  | "missing_header" | "malformed_header" | "no_matching_signature"
  | "timestamp_too_old" | "timestamp_in_future" | "invalid_payload";

/** A webhook's `PaySG-Signature` did not verify. */
export declare class PaySGSignatureError extends PaySGError {
  constructor(reason: SignatureFailureReason, message: string);
  reason: SignatureFailureReason;
}
