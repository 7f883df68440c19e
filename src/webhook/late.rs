//! Late deliveries: PaySG retries a failed delivery for up to 3 days and may sign a retry with
//! its first attempt's timestamp, so a genuine retry can fail the freshness check while its
//! signature matches. Such a delivery is acted on only once PaySG's current view of the payment
//! confirms the event; this is that decision (the JS handler fetches the payment).

/// Why the payment PaySG returned now does not confirm a late delivery of an event, or `None`
/// when it does: the payment is the event's (same id), and for `payment.succeeded` it is paid.
/// Event types paysg does not know are confirmed by the payment's id alone.
///
/// `payment_status` is `None` when PaySG's answer had none (or not as text).
pub fn late_delivery_refusal(
    event_type: &str,
    event_payment_id: &str,
    payment_id: &str,
    payment_status: Option<&str>,
) -> Option<String> {
    if event_payment_id.is_empty() {
        return Some("the event carries no payment id to confirm".to_owned());
    }
    if payment_id != event_payment_id {
        return Some("PaySG returned another payment than the event's".to_owned());
    }
    if event_type == "payment.succeeded" && payment_status != Some("paid") {
        let shown = payment_status.map_or_else(
            || "without a payment_status".to_owned(),
            |s| {
                let s: String = s.chars().take(40).collect();
                format!("\"{s}\"")
            },
        );
        return Some(format!(
            "the event says payment.succeeded, but PaySG says the payment is {shown}, not \"paid\""
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::late_delivery_refusal as refusal;

    #[test]
    fn confirmed_only_by_the_same_payment_in_the_state_the_event_claims() {
        assert_eq!(refusal("payment.succeeded", "p1", "p1", Some("paid")), None);
        assert_eq!(
            refusal("payment.future_type", "p1", "p1", Some("unpaid")),
            None
        );
        assert_eq!(
            refusal("payment.succeeded", "p1", "p1", Some("unpaid")).as_deref(),
            Some("the event says payment.succeeded, but PaySG says the payment is \"unpaid\", not \"paid\"")
        );
        assert!(refusal("payment.succeeded", "p1", "p1", None)
            .is_some_and(|m| m.contains("without a payment_status")));
        assert!(refusal("payment.succeeded", "p1", "p2", Some("paid")).is_some());
        assert!(refusal("payment.succeeded", "", "", Some("paid")).is_some());
        let long = "x".repeat(1000);
        assert!(
            refusal("payment.succeeded", "p1", "p1", Some(&long)).is_some_and(|m| m.len() < 200)
        );
    }
}
