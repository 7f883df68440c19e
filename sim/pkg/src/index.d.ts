/** The parts of a Fetch `Request` a webhook handler reads (the platform's own type where it has one). */
export interface RequestLike {
  readonly method: string;
  readonly url: string;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}
/** The part of a Fetch `Response` the simulator reads (from `onWebhook`). */
export interface ResponseLike {
  readonly status: number;
}
/** What the simulator's `fetch` resolves to where the platform has no `Response` type. */
export interface FetchResponseLike {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
  json(): Promise<unknown>;
}
/** The platform's `Request` (no DOM or Node types needed). */
export type PlatformRequest = typeof globalThis extends { Request: { prototype: infer R } } ? R : RequestLike;
/** The platform's `Response`. */
export type PlatformResponse = typeof globalThis extends { Response: { prototype: infer R } } ? R : ResponseLike;
/** The platform's `fetch`, which `Simulator.fetch` is. */
export type SimulatorFetch = typeof globalThis extends { fetch: infer F } ? F : (input: string, init?: any) => Promise<FetchResponseLike>;

/** A PaySG error body's fields, on a refused simulator action. */
export interface SimulatorError extends Error {
  /** HTTP status. */
  status: number;
  /** PaySG's `error.code` (the simulator's choice where PaySG publishes none). */
  code?: string;
}

/** A running simulator. What its methods resolve to (`Payment`, `PayResult`, `ClockResult`,
 * `SimulatorState`, `WebhookLog`, `Email`) is generated from the Rust definitions. */
export interface Simulator {
  /** Its base URL: the server's (with `port`), or `http://paysg-sim.local`, served only by `fetch`. */
  readonly baseUrl: string;
  /** A fetch that serves PaySG's API (and the simulator's pages) in-process, no port needed: pass it to `new PaySG({ fetch })`. */
  readonly fetch: SimulatorFetch;
  /** The payer pays: the payment becomes paid and its `payment.succeeded` event is sent. */
  pay(paymentId: string): Promise<PayResult>;
  /** A payer's attempt fails (a declined card): the payment stays unpaid, no event. Resolves to the payment. */
  failAttempt(paymentId: string): Promise<Payment>;
  /** An officer refunds on the dashboard (PaySG's rules; no webhook). Resolves to the payment. */
  refund(paymentId: string, amountInCents: number): Promise<Payment>;
  /** An officer cancels on the dashboard (no webhook). Resolves to the payment. */
  cancel(paymentId: string): Promise<Payment>;
  /** PaySG pays the payment out: `payout_id`, `paid_out_timestamp`. Resolves to the payment. */
  payout(paymentId: string): Promise<Payment>;
  /** Moves the simulator's clock forward (the 90-day refund window, pending refunds, timestamps). */
  advanceClock(ms: number): Promise<ClockResult>;
  /** Counts: payments (and by reference_id), stored idempotency keys, emails, webhook attempts and deliveries under way, faults injected by kind. */
  state(): Promise<SimulatorState>;
  /** Every webhook delivery attempt, and how many deliveries are under way. */
  webhooks(): Promise<WebhookLog>;
  /** The emails sent by send-email. */
  emails(): Promise<Array<Email>>;
  /** Forgets everything. */
  reset(): Promise<void>;
  /** Stops the server (if any) and pending deliveries, and releases the data file. */
  close(): Promise<void>;
}

/**
 * Starts a simulator: in-process (its `fetch`), and on node:http too when `port` is given (Node,
 * Deno, Bun). Each simulator has its own state.
 */
export function createSimulator(options?: SimulatorOptions): Promise<Simulator>;

/** The simulator's flags (the command line's, and `createSimulator`'s options in camelCase). */
export function flags(): Array<Flag>;
