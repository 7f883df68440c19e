//! The TypeScript of what the npm package's `Simulator` handle resolves to, and of `flags()`'s
//! entries, generated from the Rust definitions: each struct's fields with their Rust types
//! ([`super::ts`]), and the JSON answers the core builds with `json!` (the pay, clock, state and
//! webhooks answers) from the Rust values they carry. The build (`scripts/build-sim.mjs`) writes
//! [`declarations`] into the shipped `index.d.ts`; the documentation here is hand-written.

use super::ts::{field_ts, interface, returned_ts, ts_as, Field, Interface, Ts};
use super::Flag;
use paysg_sim_core::model::{Attempt, Email, LineItem, Payment, Summary};
use paysg_sim_core::{Config, Volatile};

ts_as!("Payment": Payment);
ts_as!("LineItem": LineItem);
ts_as!("WebhookAttempt": Attempt);
ts_as!("Email": Email);
ts_as!("SimulatorState": Summary);
ts_as!("Flag": Flag);

/// The first line of the generated declarations.
pub(crate) const BEGIN: &str =
    "// Generated from the Rust definitions (sim/wasm/src/surface/types.rs): do not edit.";
/// The last line of the generated declarations.
pub(crate) const END: &str = "// End of the generated declarations.";

/// A string refined to its known values, any other string still allowed (as the paysg SDK's).
macro_rules! known {
    ($($v:literal)|+) => {
        concat!($("\"", $v, "\" | ",)+ "(string & {})")
    };
}

/// The TypeScript of what `f` returns.
fn returns<R: Ts>(_f: impl Fn(&Config, &Payment) -> R) -> String {
    R::ts()
}

/// A property declared from a Rust value the core answers in a `json!` object.
fn value(name: &'static str, doc: &'static str, rust: String) -> Field {
    Field {
        name,
        doc,
        rust,
        refined: None,
        optional: false,
    }
}

/// Every declared interface, in order.
pub(crate) fn interfaces() -> Vec<Interface> {
    // sim/core/src/pages.rs: `GET /sim/state`, the store's summary and the pending count.
    let mut state = interface!(Summary, "What `state` resolves to: counts." {
        payments: "Payments.",
        payments_by_reference: "Payments per `reference_id`.",
        idempotency_keys: "Idempotency records kept (expired ones included until pruned).",
        emails: "Emails sent.",
        webhook_attempts: "Webhook attempts made.",
        faults: "Faults injected, by kind.",
    });
    state.fields.push(value(
        "webhooks_pending",
        "Webhook deliveries under way.",
        returned_ts(|v: &Volatile| v.outbox.pending()),
    ));
    vec![
        interface!(Payment, "PaySG's payment object, as the simulator answers it (snake_case, as on the wire); timestamps are ISO-8601 with milliseconds and `+08:00`, `null` until the event happens." {
            id: "The payment's id: used in paths, and sent to `return_url` as `paysg_payment_id`.",
            payment_service_id: "The payment service it belongs to (`payment_service_…`).",
            reference_id: "The agency's own reference.",
            payer_name: "The payer's name.",
            payer_address: "The payer's address.",
            payer_identifier: "NRIC, UEN or similar.",
            payer_email: "Where the payment link and receipt go.",
            description: "What the payment is for; shown to the payer.",
            amount_in_cents: "The amount due, in cents (an integer).",
            due_date: "`dd-MMM-yyyy` (`31-DEC-2023`); for display only.",
            metadata: "The agency's own keys and values (`{}` when none were given).",
            line_items [optional]: "The line items, when some were given.",
            return_url: "Where PaySG sends the payer after paying.",
            payment_url: "The hosted payment page.",
            payment_qr_code_url: "A QR code of the payment page.",
            payment_status (known!("unpaid" | "paid")): "`\"paid\"` is the success signal.",
            latest_status (known!("unpaid" | "paid" | "cancelled")): "The overall state.",
            refund_status (known!("not_refunded" | "partially_refunded" | "fully_refunded")): "Whether refunds were made.",
            email_delivery_status (known!("unsent" | "sent")): "Whether the payment link was emailed.",
            stripe_payment_intent_id: "Stripe's `pi_…`; `null` when the service does not use Stripe.",
            payout_id: "Set once paid out to the agency (`payout`).",
            creator_id: "`user_<uuid>` of the key holder or officer who created it.",
            created_at: "When it was created.",
            updated_at: "When it last changed.",
            payment_sent_timestamp: "When the link email was sent.",
            payment_succeeded_timestamp: "When it was paid.",
            payment_cancelled_timestamp: "When it was cancelled.",
            payment_fully_refunded_timestamp: "When it became fully refunded.",
            paid_out_timestamp: "When it was paid out to the agency.",
        }),
        interface!(LineItem, "A line item of a payment." {
            description: "What the item is.",
            amount_in_cents: "The item's amount in cents.",
        }),
        // sim/core/src/actions.rs: `POST /sim/payments/{id}/pay`'s `json!` answer.
        Interface {
            name: "PayResult".to_owned(),
            doc: "What `pay` resolves to.",
            fields: vec![value(
                "redirect_url",
                "Where PaySG sends the payer: `return_url` (with the payment's id), `null` without one.",
                returns(paysg_sim_core::redirect_url),
            )],
        },
        // sim/core/src/http.rs: `POST /sim/clock`'s `json!` answer.
        Interface {
            name: "ClockResult".to_owned(),
            doc: "What `advanceClock` resolves to.",
            fields: vec![value(
                "offset_ms",
                "How far the simulator's clock is now ahead, in ms.",
                field_ts(|v: &Volatile| &v.clock_offset_ms),
            )],
        },
        state,
        interface!(Attempt, "One webhook delivery attempt." {
            event_id: "The event's id.",
            url: "The endpoint.",
            attempt: "1 for the first try.",
            status: "The HTTP status, when the endpoint answered.",
            error: "Why it failed, when it did without a status.",
            delivered: "Whether this attempt delivered the event (2xx).",
            at: "When (ISO-8601, the simulator's time).",
            at_ms: "When, in ms (the simulator's time).",
        }),
        // sim/core/src/pages.rs: `GET /sim/webhooks.json`'s `json!` answer.
        Interface {
            name: "WebhookLog".to_owned(),
            doc: "What `webhooks` resolves to.",
            fields: vec![
                Field::of::<Vec<Attempt>>("attempts", "Every delivery attempt, oldest first."),
                value(
                    "pending",
                    "Deliveries under way.",
                    returned_ts(|v: &Volatile| v.outbox.pending()),
                ),
            ],
        },
        interface!(Email, "An email sent by send-email." {
            to: "The recipient.",
            subject: "The subject line.",
            body: "The plain-text body.",
            payment_id: "The payment's id.",
            sent_at: "When.",
        }),
        interface!(Flag, "One of the simulator's flags (the command line's; `createSimulator`'s options in camelCase)." {
            name: "The flag's name, without `--`.",
            camel: "Its `createSimulator` option.",
            value: "What its value is (`PORT`, `MS`, …), empty for a switch.",
            kind (r#""value" | "repeat" | "switch""#): "One value, repeatable, or a switch.",
            default: "Its default, if it has one.",
            help: "What it does.",
        }),
    ]
}

/// The TypeScript declarations of [`interfaces`], between [`BEGIN`] and [`END`].
pub(crate) fn declarations() -> String {
    let body: Vec<String> = interfaces().iter().map(Interface::render).collect();
    format!("{BEGIN}\n{}{END}\n", body.join(""))
}

#[cfg(test)]
#[path = "types_tests.rs"]
mod tests;
