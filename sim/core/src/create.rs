//! `POST …/payments`: the body read as the SDK reads it, every PaySG rule (the SDK's own
//! validation, plus PaySG's strict `due_date` form), and the payment PaySG would create.

use paysg::dates::iso_sgt;
use paysg::json::Json;
use paysg::validate::{self, Code, FieldError};
use serde_json::json;

use super::api_response::ApiResponse;
use super::ids::{payment_id, uuid_from, Entropy};
use super::model::{LineItem, Pairs, Payment, Record};
use super::outcome::{updated, Outcome};
use super::store::{Store, StoreError};
use super::Config;

/// Parses a JSON body into the SDK's loose view, or the 400 answer.
pub(super) fn parse_json(body: &[u8]) -> Result<Json<'_>, ApiResponse> {
    let text = std::str::from_utf8(body).map_err(|_| invalid_json("the body is not UTF-8"))?;
    if text.trim().is_empty() {
        return Err(invalid_json("the body is empty; send a JSON object"));
    }
    Json::parse(text).map_err(|e| invalid_json(&format!("the body is not valid JSON ({e})")))
}

fn invalid_json(message: &str) -> ApiResponse {
    ApiResponse::invalid("invalid_json", message)
}

pub(super) fn validation_failed(errors: &[FieldError]) -> ApiResponse {
    let first = errors
        .first()
        .map_or("the request is invalid".to_owned(), |e| e.message.clone());
    let message = match errors.len() {
        0 | 1 => first,
        n => format!(
            "{first} (and {} more problem{})",
            n - 1,
            if n == 2 { "" } else { "s" }
        ),
    };
    ApiResponse::error_with(
        400,
        "invalid_request_error",
        "validation_failed",
        message,
        json!({ "errors": errors }),
    )
}

/// Whether `s` is exactly `dd-MMM-yyyy` (PaySG's form; the SDK normalises others before sending).
fn is_paysg_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 11
        && b[2] == b'-'
        && b[6] == b'-'
        && b[..2].iter().all(u8::is_ascii_digit)
        && b[3..6].iter().all(u8::is_ascii_alphabetic)
        && b[7..].iter().all(u8::is_ascii_digit)
}

pub(super) fn create(
    config: &Config,
    store: &dyn Store,
    service: &str,
    api_key: &str,
    body: &[u8],
    now: i64,
    entropy: &mut dyn Entropy,
) -> Result<Outcome, StoreError> {
    let input = match parse_json(body) {
        Ok(j) => j,
        Err(a) => return Ok(a.into()),
    };
    let mut strict = Vec::new();
    if let Json::Obj(entries) = &input {
        for (k, v) in entries {
            if let (true, Json::Str(d)) = (k == "due_date", v) {
                if !d.is_empty() && !is_paysg_date(d) {
                    strict.push(FieldError::new(
                        "due_date",
                        Code::InvalidFormat,
                        "due_date must be dd-MMM-yyyy, such as 31-DEC-2023",
                    ));
                }
            }
        }
    }
    // The limits and payer-text rule in force (`--limit-…`, `--accept-non-ascii`): the SDK's
    // rules, with the simulator's settings.
    let rules = validate::Rules {
        limits: config.limits,
        normalise_text: false,
        accept_non_ascii: config.accept_non_ascii,
    };
    let body = match validate::validate_create_payment_with(&input, &rules) {
        Ok(b) if strict.is_empty() => b,
        Ok(_) => return Ok(validation_failed(&strict).into()),
        Err(mut errors) => {
            for e in strict {
                if !errors.iter().any(|f| f.field == e.field) {
                    errors.push(e);
                }
            }
            return Ok(validation_failed(&errors).into());
        }
    };
    let at = iso_sgt(now);
    let id = loop {
        let id = payment_id(entropy);
        if store.payment(&id)?.is_none() {
            break id;
        }
    };
    let public = &config.public_url;
    let text = |name: &str| body.text(name).map(str::to_owned);
    let payment = Payment {
        payment_url: format!("{public}/payments/{id}"),
        payment_qr_code_url: format!("{public}/v1/public/payments/{id}-qr.png"),
        id,
        payment_service_id: service.to_owned(),
        reference_id: text("reference_id").unwrap_or_default(),
        payer_name: text("payer_name").unwrap_or_default(),
        payer_address: text("payer_address"),
        payer_identifier: text("payer_identifier"),
        payer_email: text("payer_email"),
        description: text("description").unwrap_or_default(),
        amount_in_cents: body.amount("amount_in_cents").unwrap_or_default(),
        due_date: text("due_date"),
        metadata: Pairs(
            body.metadata()
                .iter()
                .map(|(k, v)| (k.clone().into_owned(), v.clone().into_owned()))
                .collect(),
        ),
        line_items: body.line_items().map(|items| {
            items
                .iter()
                .map(|i| LineItem {
                    description: i.description.clone().into_owned(),
                    amount_in_cents: i.amount_in_cents,
                })
                .collect()
        }),
        return_url: text("return_url"),
        payment_status: "unpaid".to_owned(),
        latest_status: "unpaid".to_owned(),
        refund_status: "not_refunded".to_owned(),
        email_delivery_status: "unsent".to_owned(),
        // Set at creation, as real captures show (PaySG creates the intent with the payment).
        stripe_payment_intent_id: Some(format!("pi_sim_{}", payment_id(entropy))),
        payout_id: None,
        creator_id: format!("user_{}", uuid_from(api_key)),
        created_at: at.clone(),
        updated_at: at,
        payment_sent_timestamp: None,
        payment_succeeded_timestamp: None,
        payment_cancelled_timestamp: None,
        payment_fully_refunded_timestamp: None,
        paid_out_timestamp: None,
    };
    Ok(updated(
        Record {
            payment,
            created_ms: now,
            refunds: Vec::new(),
            paid_ms: None,
            failed_attempts: 0,
        },
        201,
    ))
}
