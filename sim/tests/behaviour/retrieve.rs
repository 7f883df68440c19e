//! Section 4, retrieve and list.

use crate::common::*;
use serde_json::{json, Value};
use std::collections::HashSet;

#[tokio::test]
async fn retrieve_returns_the_payment_or_404() {
    let sim = Sim::start(&[]);
    let api = sim.api();
    let payment = api.create_ok(&minimal("get-me", 500)).await;
    let id = payment["id"].as_str().unwrap();
    assert_eq!(
        api.get_ok(id).await,
        payment,
        "GET differs from the create answer"
    );

    assert_error(
        &api.get("ZZZZZZZZZZZZZZZZZZZZZ").await,
        404,
        "payment_not_found",
    );
    // Payments belong to their service.
    let other = api.with_service("payment_service_00000000-0000-4000-8000-000000000000");
    assert_error(&other.get(id).await, 404, "payment_not_found");
    assert!(other.all_ids().await.is_empty());
}

#[tokio::test]
async fn list_pages_forward_and_back() {
    let sim = Sim::start(&[]);
    let api = sim.api();

    // Empty.
    let empty = api.list("").await.expect(200).clone();
    assert_eq!(
        empty,
        json!({
            "data": [],
            "page_info": {
                "has_next_page": false,
                "has_previous_page": false,
                "start_cursor": null,
                "end_cursor": null,
            }
        })
    );

    let mut created = Vec::new();
    for i in 0..25 {
        created.push(
            api.create_ok(&minimal(&format!("LIST-{i:02}"), 100 + i))
                .await,
        );
    }
    // Newest created_at first, ties by id descending.
    created.sort_by(|a, b| {
        let key = |p: &Value| {
            (
                p["created_at"].as_str().unwrap().to_owned(),
                p["id"].as_str().unwrap().to_owned(),
            )
        };
        key(b).cmp(&key(a))
    });
    let expected: Vec<String> = created
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();

    // Default limit 10; pages hold full payment objects.
    let first = api.list("").await.expect(200).clone();
    assert_eq!(ids_of(&first), expected[..10]);
    assert_payment_shape(&first["data"][0]);
    assert_eq!(first["data"][0], created[0]);

    // Forward with `after` = end_cursor.
    let mut pages = Vec::new();
    let mut query = "limit=10".to_owned();
    loop {
        let page = api.list(&query).await.expect(200).clone();
        let info = &page["page_info"];
        for field in ["has_next_page", "has_previous_page"] {
            assert!(info[field].is_boolean(), "page_info.{field}: {info}");
        }
        for field in ["start_cursor", "end_cursor"] {
            assert!(info[field].is_string(), "page_info.{field}: {info}");
        }
        assert_eq!(
            info["has_previous_page"],
            json!(!pages.is_empty()),
            "has_previous_page on page {}",
            pages.len() + 1
        );
        let next = info["has_next_page"] == json!(true);
        let end = info["end_cursor"].as_str().unwrap().to_owned();
        pages.push(page);
        assert!(pages.len() <= 3, "more than 3 pages of 10 for 25 payments");
        if !next {
            break;
        }
        query = format!("limit=10&after={end}");
    }
    let sizes: Vec<usize> = pages.iter().map(|p| ids_of(p).len()).collect();
    assert_eq!(sizes, [10, 10, 5]);
    let walked: Vec<String> = pages.iter().flat_map(ids_of).collect();
    assert_eq!(
        walked, expected,
        "forward walk: every id once, newest first"
    );
    let unique: HashSet<&String> = walked.iter().collect();
    assert_eq!(unique.len(), 25);

    // Back with `before` = start_cursor.
    let mut page = pages[2].clone();
    for back in [1, 0] {
        let start = page["page_info"]["start_cursor"]
            .as_str()
            .unwrap()
            .to_owned();
        page = api
            .list(&format!("limit=10&before={start}"))
            .await
            .expect(200)
            .clone();
        assert_eq!(
            ids_of(&page),
            ids_of(&pages[back]),
            "back to page {}",
            back + 1
        );
        assert_eq!(page["page_info"]["has_next_page"], json!(true));
        assert_eq!(page["page_info"]["has_previous_page"], json!(back > 0));
    }

    // limit bounds.
    assert_eq!(ids_of(api.list("limit=1").await.expect(200)), expected[..1]);
    let all = api.list("limit=100").await.expect(200).clone();
    assert_eq!(ids_of(&all), expected);
    assert_eq!(all["page_info"]["has_next_page"], json!(false));
    for bad in ["limit=0", "limit=101", "limit=x", "limit=-1", "limit=1.5"] {
        assert_error(&api.list(bad).await, 400, "invalid_limit");
    }
    // Cursors.
    let cursor = pages[1]["page_info"]["end_cursor"].as_str().unwrap();
    assert_error(
        &api.list(&format!("before={cursor}&after={cursor}")).await,
        400,
        "conflicting_cursors",
    );
    for bad in [
        "after=!!!",
        "after=bm90LWEtY3Vyc29y",
        "before=%7B%7D",
        "after=",
    ] {
        assert_error(&api.list(bad).await, 400, "invalid_cursor");
    }
}
