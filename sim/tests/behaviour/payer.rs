//! Section 7, the payer's side: the payment page and `/sim/payments/{id}/pay`.

use crate::common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn payment_page_shows_the_payment_and_escapes_html() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let payment = api
        .create_ok(&json!({
            "reference_id": "INV-<42>",
            "payer_name": "Tan & Sons",
            "description": "<script>alert(\"pwned\")</script> Parking",
            "amount_in_cents": 1100,
            "return_url": "https://agency.example.gov.sg/paid?order=42",
        }))
        .await;
    let url = payment["payment_url"].as_str().unwrap();
    let page = api.get_url(url).await;
    assert_eq!(page.status, 200);
    assert!(
        page.header("content-type")
            .is_some_and(|c| c.starts_with("text/html")),
        "content-type {:?}",
        page.header("content-type")
    );
    let html = &page.text;
    for shown in [
        "S$11.00",
        "Tan &amp; Sons",
        "INV-&lt;42&gt;",
        "&lt;script&gt;",
        "Parking",
    ] {
        assert!(
            html.contains(shown),
            "the page does not show {shown:?}:\n{html}"
        );
    }
    assert!(
        !html.contains("<script>alert("),
        "the description is not escaped:\n{html}"
    );
    assert!(
        !html.contains("Tan & Sons"),
        "the payer name is not escaped"
    );

    assert_eq!(
        api.get_url(&format!("{}/payments/ZZZZZZZZZZZZZZZZZZZZZ", sim.url))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn paying_on_the_page_redirects_to_return_url() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let payment = api
        .create_ok(&with(
            &minimal("redirect", 1100),
            "return_url",
            json!("https://agency.example.gov.sg/paid?order=42"),
        ))
        .await;
    let id = payment["id"].as_str().unwrap();
    let url = payment["payment_url"].as_str().unwrap();
    let page = api.get_url(url).await;
    let (action, fields) = pay_form(&page.text, url);

    let paid = send(client().post(&action).form(&fields)).await;
    assert_eq!(paid.status, 303, "paying on the page: {}", paid.text);
    let location = reqwest::Url::parse(paid.header("location").expect("a Location header"))
        .expect("an absolute Location");
    assert_eq!(location.scheme(), "https");
    assert_eq!(location.host_str(), Some("agency.example.gov.sg"));
    assert_eq!(location.path(), "/paid");
    let query: Vec<(String, String)> = location.query_pairs().into_owned().collect();
    assert_eq!(
        query,
        vec![
            ("order".to_owned(), "42".to_owned()),
            ("paysg_payment_id".to_owned(), id.to_owned()),
            ("paysg_payment_service_id".to_owned(), SERVICE.to_owned()),
        ],
        "the redirect keeps the query and adds the two ids"
    );

    let now = api.get_ok(id).await;
    assert_eq!(now["payment_status"], "paid");
    assert_eq!(now["latest_status"], "paid");
    assert_timestamp(
        &now["payment_succeeded_timestamp"],
        "payment_succeeded_timestamp",
    );
    assert!(
        now["stripe_payment_intent_id"]
            .as_str()
            .is_some_and(|s| s.starts_with("pi_sim_")),
        "stripe_payment_intent_id: {}",
        now["stripe_payment_intent_id"]
    );
    assert_eq!(now["payout_id"], Value::Null);
    assert_eq!(now["paid_out_timestamp"], Value::Null);

    // Paying again on the page fails and changes nothing.
    let again = send(client().post(&action).form(&fields)).await;
    assert!(
        (400..500).contains(&again.status),
        "paying twice on the page gave {}",
        again.status
    );
    assert_eq!(api.get_ok(id).await, now);
}

#[tokio::test]
async fn paying_without_return_url_shows_a_receipt() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let payment = api.create_ok(&minimal("receipt", 2550)).await;
    let id = payment["id"].as_str().unwrap();
    let url = payment["payment_url"].as_str().unwrap();
    let page = api.get_url(url).await;
    let (action, fields) = pay_form(&page.text, url);
    let mut reply = send(client().post(&action).form(&fields)).await;
    if reply.status == 303 {
        // A receipt on the simulator itself is fine too.
        let location = reqwest::Url::parse(url)
            .unwrap()
            .join(reply.header("location").unwrap())
            .unwrap();
        assert!(
            location.as_str().starts_with(&sim.url),
            "without return_url it must not leave the simulator: {location}"
        );
        reply = api.get_url(location.as_str()).await;
    }
    assert_eq!(reply.status, 200, "receipt: {}", reply.text);
    assert!(reply
        .header("content-type")
        .is_some_and(|c| c.starts_with("text/html")));
    assert!(
        reply.text.contains("S$25.50"),
        "the receipt lacks the amount"
    );
    assert_eq!(api.get_ok(id).await["payment_status"], "paid");
}

#[tokio::test]
async fn scripts_pay_through_sim_pay() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let payment = api
        .create_ok(&with(
            &minimal("script", 300),
            "return_url",
            json!("https://agency.example.gov.sg/back"),
        ))
        .await;
    let id = payment["id"].as_str().unwrap();
    let reply = api.pay(id).await;
    let body = reply.expect(200);
    let redirect = reqwest::Url::parse(body["redirect_url"].as_str().expect("redirect_url"))
        .expect("an absolute redirect_url");
    assert_eq!(redirect.path(), "/back");
    let query: Vec<(String, String)> = redirect.query_pairs().into_owned().collect();
    assert_eq!(
        query,
        vec![
            ("paysg_payment_id".to_owned(), id.to_owned()),
            ("paysg_payment_service_id".to_owned(), SERVICE.to_owned()),
        ]
    );
    let paid = api.get_ok(id).await;
    assert_eq!(
        (
            paid["payment_status"].as_str(),
            paid["latest_status"].as_str()
        ),
        (Some("paid"), Some("paid"))
    );
    assert_timestamp(
        &paid["payment_succeeded_timestamp"],
        "payment_succeeded_timestamp",
    );

    assert_error(&api.pay(id).await, 409, "payment_already_paid");
    assert_eq!(
        api.get_ok(id).await,
        paid,
        "paying twice changed the payment"
    );

    let plain = api.create_ok(&minimal("script-plain", 300)).await;
    let reply = api.pay(plain["id"].as_str().unwrap()).await;
    assert_eq!(reply.expect(200), &json!({ "redirect_url": null }));

    assert_eq!(api.pay("ZZZZZZZZZZZZZZZZZZZZZ").await.status, 404);
}
