// Rust compiled to wasm (a Cloudflare Worker written with workers-rs, say), with the crate
// `paysg-gloo`: create a payment, then read it back as the payer's return would.
use paysg::client::ClientError;
use paysg_gloo::{CallOptions, Config, PaySg};

pub async fn create_and_confirm(
    api_key: &str,
    payment_service_id: &str,
    base_url: &str,
) -> Result<String, ClientError> {
    let paysg = PaySg::new(
        Config::new(api_key)
            .payment_service_id(payment_service_id)
            .base_url(base_url), // paysg-sim's URL in development; leave it out in production
    )?;
    let payment = paysg
        .create_payment(
            &serde_json::json!({
                "reference_id": "INV-2024-000123",
                "payer_name": "Tan Ah Kow",
                "description": "Season parking, March",
                "amount_in_cents": 1100,
            }),
            CallOptions::default(), // a random Idempotency-Key, the same on every retry
        )
        .await?;
    let confirmed = paysg
        .get_payment(&payment.id, CallOptions::default())
        .await?;
    Ok(format!(
        "{} is {}: pay at {}",
        confirmed.id, confirmed.payment_status, confirmed.payment_url
    ))
}
