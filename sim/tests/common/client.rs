//! A small PaySG client bound to one simulator, and the replies it reads.

use reqwest::{Method, RequestBuilder};
use serde_json::{json, Value};

use super::{ids_of, Sim, KEY, SERVICE};

impl Sim {
    /// A client with the default staging key and payment service.
    pub fn api(&self) -> Api {
        Api {
            http: client(),
            base: self.url.clone(),
            key: Some(KEY.to_owned()),
            service: SERVICE.to_owned(),
            headers: Vec::new(),
        }
    }
}

/// An HTTP client that does not follow redirects (the tests look at them).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("reqwest client")
}

/// A reply, read in full.
#[derive(Debug, Clone)]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// The response headers.
    pub headers: reqwest::header::HeaderMap,
    /// The raw body.
    pub text: String,
    /// The body parsed as JSON, or `Null` when it is not JSON.
    pub json: Value,
}

impl Reply {
    /// A header as text, if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts the status and returns the JSON body.
    #[track_caller]
    pub fn expect(&self, status: u16) -> &Value {
        assert_eq!(
            self.status, status,
            "expected HTTP {status}, got {} with body {}",
            self.status, self.text
        );
        &self.json
    }

    /// `error.code` of a PaySG error body.
    pub fn code(&self) -> &str {
        self.json["error"]["code"].as_str().unwrap_or("")
    }
}

/// A small PaySG client bound to one simulator, API key and payment service.
#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    /// The simulator's base URL.
    pub base: String,
    key: Option<String>,
    service: String,
    headers: Vec<(String, String)>,
}

impl Api {
    /// The same client with another API key (`None`: no `x-api-key` header).
    pub fn with_key(&self, key: Option<&str>) -> Api {
        Api {
            key: key.map(str::to_owned),
            ..self.clone()
        }
    }

    /// The same client on another payment service id.
    pub fn with_service(&self, service: &str) -> Api {
        Api {
            service: service.to_owned(),
            ..self.clone()
        }
    }

    /// The same client on a connection pool of its own.
    pub fn fresh(&self) -> Api {
        Api {
            http: client(),
            ..self.clone()
        }
    }

    /// The same client, sending this header on every request.
    pub fn with_header(&self, name: &str, value: &str) -> Api {
        let mut api = self.clone();
        api.headers.push((name.to_owned(), value.to_owned()));
        api
    }

    /// `{base}/v1/payment-services/{service}/payments{suffix}`.
    pub fn payments_url(&self, suffix: &str) -> String {
        format!(
            "{}/v1/payment-services/{}/payments{suffix}",
            self.base, self.service
        )
    }

    /// A request to the payments API, with the key and the default headers.
    pub fn v1(&self, method: Method, suffix: &str) -> RequestBuilder {
        let mut rb = self.http.request(method, self.payments_url(suffix));
        if let Some(key) = &self.key {
            rb = rb.header("x-api-key", key);
        }
        for (name, value) in &self.headers {
            rb = rb.header(name, value);
        }
        rb
    }

    /// A request to a simulator path (`/sim/…`, pages), without the API key.
    pub fn sim(&self, method: Method, path: &str) -> RequestBuilder {
        self.http.request(method, format!("{}{path}", self.base))
    }

    /// A plain GET of an absolute URL.
    pub async fn get_url(&self, url: &str) -> Reply {
        send(self.http.get(url)).await
    }

    /// `POST …/payments`.
    pub async fn create(&self, body: &Value) -> Reply {
        send(self.v1(Method::POST, "").json(body)).await
    }

    /// `POST …/payments` with an `Idempotency-Key`.
    pub async fn create_with_key(&self, body: &Value, key: &str) -> Reply {
        send(
            self.v1(Method::POST, "")
                .header("Idempotency-Key", key)
                .json(body),
        )
        .await
    }

    /// `POST …/payments`, asserting 201; returns the payment.
    pub async fn create_ok(&self, body: &Value) -> Value {
        let reply = self.create(body).await;
        assert_eq!(
            reply.status, 201,
            "create: expected 201, got {} with {}\nrequest body: {body}",
            reply.status, reply.text
        );
        reply.json
    }

    /// `GET …/payments/{id}`.
    pub async fn get(&self, id: &str) -> Reply {
        send(self.v1(Method::GET, &format!("/{id}"))).await
    }

    /// `GET …/payments/{id}`, asserting 200.
    pub async fn get_ok(&self, id: &str) -> Value {
        self.get(id).await.expect(200).clone()
    }

    /// `GET …/payments?{query}`.
    pub async fn list(&self, query: &str) -> Reply {
        let suffix = if query.is_empty() {
            String::new()
        } else {
            format!("?{query}")
        };
        send(self.v1(Method::GET, &suffix)).await
    }

    /// Every payment id of the service, walking the list forward 100 at a time.
    pub async fn all_ids(&self) -> Vec<String> {
        let mut ids = Vec::new();
        let mut query = "limit=100".to_owned();
        loop {
            let page = self.list(&query).await.expect(200).clone();
            ids.extend(ids_of(&page));
            if page["page_info"]["has_next_page"] != json!(true) {
                return ids;
            }
            let cursor = page["page_info"]["end_cursor"]
                .as_str()
                .expect("end_cursor");
            query = format!("limit=100&after={cursor}");
        }
    }

    /// `POST …/payments/{id}/cancel`.
    pub async fn cancel(&self, id: &str) -> Reply {
        send(self.v1(Method::POST, &format!("/{id}/cancel"))).await
    }

    /// `POST …/payments/{id}/refund` with `{ refund_amount_in_cents }`.
    pub async fn refund(&self, id: &str, cents: u64) -> Reply {
        self.refund_body(id, &json!({ "refund_amount_in_cents": cents }))
            .await
    }

    /// `POST …/payments/{id}/refund` with any body.
    pub async fn refund_body(&self, id: &str, body: &Value) -> Reply {
        send(self.v1(Method::POST, &format!("/{id}/refund")).json(body)).await
    }

    /// `POST …/payments/{id}/refund` with an `Idempotency-Key`.
    pub async fn refund_with_key(&self, id: &str, cents: u64, key: &str) -> Reply {
        send(
            self.v1(Method::POST, &format!("/{id}/refund"))
                .header("Idempotency-Key", key)
                .json(&json!({ "refund_amount_in_cents": cents })),
        )
        .await
    }

    /// `POST …/payments/{id}/send-email` (with `{}`, as Plumber sends).
    pub async fn send_email(&self, id: &str) -> Reply {
        send(
            self.v1(Method::POST, &format!("/{id}/send-email"))
                .json(&json!({})),
        )
        .await
    }

    /// `POST /sim/payments/{id}/pay`: pays as a script would.
    pub async fn pay(&self, id: &str) -> Reply {
        send(self.sim(Method::POST, &format!("/sim/payments/{id}/pay"))).await
    }

    /// Pays, asserting 200.
    pub async fn pay_ok(&self, id: &str) -> Value {
        self.pay(id).await.expect(200).clone()
    }

    /// `GET {path}` on the simulator, asserting 200 and a JSON body.
    pub async fn sim_json(&self, path: &str) -> Value {
        let reply = send(self.sim(Method::GET, path)).await;
        reply.expect(200);
        assert!(
            !reply.json.is_null(),
            "GET {path}: not JSON: {}",
            reply.text
        );
        reply.json
    }

    /// `GET /sim/state`.
    pub async fn state(&self) -> Value {
        self.sim_json("/sim/state").await
    }
}

/// Sends a request and reads the whole reply; panics on a transport error.
pub async fn send(rb: RequestBuilder) -> Reply {
    try_send(rb)
        .await
        .unwrap_or_else(|e| panic!("request failed: {e:?}"))
}

/// Sends a request and reads the whole reply.
pub async fn try_send(rb: RequestBuilder) -> Result<Reply, reqwest::Error> {
    let response = rb.send().await?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await?;
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Ok(Reply {
        status,
        headers,
        text,
        json,
    })
}
